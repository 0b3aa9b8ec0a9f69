"""Evaluations of stations and groups over a period, from the daily table (issue 15 item 4).

Reads the stations the user may see, their daily values (raw or audited) and the sand-dust marks,
and hands plain arrays to the kernel (``standards.evaluation``). Groups: each station, each township
office, each station kind, the county (all visible stations).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

from . import daily
from .models import AuditMark, Station
from .standards import evaluation as kernel
from .standards.aggregation import mda8_valid
from .standards.exact import ExactArray

GROUPINGS = ("station", "township", "kind", "county")


@dataclass(frozen=True)
class Row:
    key: str
    name: str
    result: kernel.PeriodEvaluation
    previous: kernel.PeriodEvaluation | None
    ranks: dict


def period_bounds(kind: str, anchor: date, end: date | None = None) -> tuple[date, date]:
    """The first and last day of the period of ``kind`` containing ``anchor`` (custom: anchor … end)."""
    if kind == "day":
        return anchor, anchor
    if kind == "week":
        first = anchor - timedelta(days=anchor.weekday())
        return first, first + timedelta(days=6)
    if kind == "month":
        first = anchor.replace(day=1)
        return first, (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    if kind in ("quarter", "half"):
        months = 3 if kind == "quarter" else 6
        start_month = (anchor.month - 1) // months * months + 1
        first = anchor.replace(month=start_month, day=1)
        after = date(first.year + (start_month + months > 12), (start_month + months - 1) % 12 + 1, 1)
        return first, after - timedelta(days=1)
    if kind == "year":
        return date(anchor.year, 1, 1), date(anchor.year, 12, 31)
    if kind == "custom":
        if end is None or end < anchor:
            raise ValueError("a custom period needs an end on or after its start")
        if (end - anchor).days > 366:
            raise ValueError("a custom period is at most a year")
        return anchor, end
    raise ValueError(f"unknown period {kind!r}")


def same_period_last_year(first: date, last: date) -> tuple[date, date]:
    def back(d: date) -> date:
        try:
            return d.replace(year=d.year - 1)
        except ValueError:  # 29 February
            return d.replace(year=d.year - 1, day=28)

    return back(first), back(last)


def sand_dust_days(station_ids: list[int], first: date, last: date) -> np.ndarray:
    """(stations, days) True where an active sand-dust mark covers any hour of the day."""
    days = (last - first).days + 1
    flags = np.zeros((len(station_ids), days), dtype=bool)
    index = {sid: i for i, sid in enumerate(station_ids)}
    marks = AuditMark.objects.filter(
        station_id__in=station_ids,
        reason=AuditMark.Reason.SAND_DUST,
        revoked_at__isnull=True,
        start__lt=daily.day_start(last + timedelta(days=1)),
        end__gte=daily.day_start(first),
    ).values_list("station_id", "start", "end")
    for sid, start, end in marks:
        a = max((daily.local_day(start) - first).days, 0)
        b = min((daily.local_day(end) - first).days, days - 1)
        flags[index[sid], a : b + 1] = True
    return flags


def station_daily(station_ids: list[int], first: date, last: date, *, audited: bool, rules: str):
    """key → ExactArray (stations, days) of daily values, the MDA8 judged under ``rules``."""
    num, den, windows = daily.load_daily(station_ids, first, last, audited=audited)
    values = {key: ExactArray(num[key], den[key]) for key in num}
    values["O3_8h"] = mda8_valid(values["O3_8h"], windows, rules)
    return values


def evaluate(
    user,
    first: date,
    last: date,
    grouping: str,
    rules: str,
    *,
    audited: bool = True,
    round_terms: bool = False,
    compare: bool = True,
) -> list[Row]:
    """The evaluation rows of the user's visible stations grouped by ``grouping``, ranked."""
    stations = list(Station.objects.restrict(user, "view").select_related("organization").order_by("code"))
    return evaluate_stations(
        stations, first, last, grouping, rules, audited=audited, round_terms=round_terms, compare=compare
    )


def evaluate_stations(
    stations, first, last, grouping, rules, *, audited=True, round_terms=False, compare=True
):
    return evaluate_groupings(
        stations, first, last, (grouping,), rules, audited=audited, round_terms=round_terms, compare=compare
    )[grouping]


def evaluate_groupings(
    stations, first, last, groupings, rules, *, audited=True, round_terms=False, compare=True
) -> dict[str, list[Row]]:
    """Rows for each grouping, the stations' daily values read once per period for all of them."""
    if unknown := set(groupings) - set(GROUPINGS):
        raise ValueError(f"unknown grouping {sorted(unknown)!r}")
    if not stations:
        return {g: [] for g in groupings}
    groups = {g: _groups(stations, g) for g in groupings}
    current = _evaluate_groups(stations, groups, first, last, rules, audited, round_terms)
    previous = {g: {} for g in groupings}
    if compare:
        p_first, p_last = same_period_last_year(first, last)
        previous = _evaluate_groups(stations, groups, p_first, p_last, rules, audited, round_terms)
    out = {}
    for g in groupings:
        ranks = kernel.rankings(current[g])
        out[g] = [
            Row(key, name, current[g][key], previous[g].get(key), ranks[key])
            for key, (name, _members) in groups[g].items()
        ]
    return out


def _groups(stations, grouping) -> dict[str, tuple[str, list[int]]]:
    groups: dict[str, tuple[str, list[int]]] = {}
    for i, s in enumerate(stations):
        if grouping == "station":
            key, name = s.code, s.name
        elif grouping == "township":
            key, name = str(s.organization_id), s.organization.short_name or s.organization.name
        elif grouping == "kind":
            key, name = s.kind, str(s.get_kind_display())
        else:
            key, name = "county", ""
        groups.setdefault(key, (name, []))[1].append(i)
    return groups


def _evaluate_groups(stations, groupings, first, last, rules, audited, round_terms):
    """grouping → key → PeriodEvaluation, every group of every grouping evaluated in one batch."""
    ids = [s.pk for s in stations]
    values = station_daily(ids, first, last, audited=audited, rules=rules)
    days = (last - first).days + 1
    dust = sand_dust_days(ids, first, last) if audited else np.zeros((len(ids), days), bool)
    batch: dict[str, list] = {key: [] for key in values}
    dust_rows, labels = [], []
    for grouping, groups in groupings.items():
        for key, (_name, members) in groups.items():
            if len(members) == 1:
                (m,) = members
                for k, x in values.items():
                    batch[k].append(x[m])
            else:
                grouped = kernel.group_daily([{k: x[m] for k, x in values.items()} for m in members])
                for k in values:
                    batch[k].append(grouped[k])
            dust_rows.append(dust[members].any(axis=0))
            labels.append((grouping, key))
    stacked = {k: _stack(rows) for k, rows in batch.items()}
    results = kernel.evaluate_daily_many(
        stacked, rules, sand_dust=np.array(dust_rows), day=first, round_terms=round_terms
    )
    out: dict[str, dict] = {g: {} for g in groupings}
    for (grouping, key), result in zip(labels, results, strict=True):
        out[grouping][key] = result
    return out


def _stack(rows: list[ExactArray]) -> ExactArray:
    """Series with per-element denominators stacked into one (series, days) ExactArray."""
    return ExactArray(np.stack([r.num for r in rows]), np.stack([r.den for r in rows]))
