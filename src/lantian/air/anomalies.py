"""Anomaly detection (issue 15 item 6): each rule flags hours of a station's hourly series (numpy,
whole arrays at once); runs of flagged hours become ``Anomaly`` items an analyst handles.

Rules and their parameters (``AnomalyRule``: hours, threshold), on the six pollutants:

- constant: the same value for ≥ ``hours`` consecutive hours (default 3);
- spike: a value above ``threshold`` × the median of the ``hours`` hours on each side, and at least
  ``SPIKE_FLOOR`` above it (a jump from 5 to 16 is noise, not a spike);
- negative: a value below zero;
- pm_inverted: PM2.5 above ``threshold`` × PM10 of the same hour (default 1.0);
- reference: the ``hours``-hour mean deviates from the reference station's by more than
  ``threshold`` (a ratio, 1.0 = 100 %) of the reference's mean for ≥ ``hours`` hours; PM2.5 and PM10;
- missing: ≥ ``hours`` consecutive hours without a valid PM2.5 value (the station is silent);
- township: a micro-station's PM2.5 above ``threshold`` × the mean of the other stations of its
  township for ≥ ``hours`` consecutive hours.

Detection is incremental: the pipeline passes the hours it recomputed per station; the rules look
back ``LOOKBACK`` hours before them, and an item whose run continues is extended, not repeated.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import numpy as np
from django.db.models import Q

from . import daily
from .models import Anomaly, AnomalyRule, Station
from .parameters import BY_ID, BY_KEY, POLLUTANT_IDS

SPIKE_FLOOR = 30.0  # μg/m³ (CO: mg/m³ × 10 is not meaningful, so CO is left out of the spike rule)
LOOKBACK = timedelta(hours=48)
DEFAULTS = {
    AnomalyRule.Code.CONSTANT: (3, 0.0, "≥ hours equal consecutive values"),
    AnomalyRule.Code.SPIKE: (6, 3.0, "value > threshold × median of the hours on each side"),
    AnomalyRule.Code.NEGATIVE: (1, 0.0, "value below zero"),
    AnomalyRule.Code.PM_INVERTED: (1, 1.0, "PM2.5 > threshold × PM10"),
    AnomalyRule.Code.REFERENCE: (6, 1.0, "|mean − reference mean| > threshold × reference mean for ≥ hours"),
    AnomalyRule.Code.MISSING: (6, 0.0, "≥ hours consecutive hours without valid PM2.5"),
    AnomalyRule.Code.TOWNSHIP: (3, 2.0, "PM2.5 > threshold × township mean for ≥ hours"),
}
_POS = {pid: i for i, pid in enumerate(POLLUTANT_IDS)}
PM25, PM10 = _POS[BY_KEY["PM2.5"].id], _POS[BY_KEY["PM10"].id]


def rules() -> dict[str, AnomalyRule]:
    """The rules with their parameters; missing rows are created with the defaults."""
    known = {r.code: r for r in AnomalyRule.objects.all()}
    for code, (hours, threshold, description) in DEFAULTS.items():
        if code not in known:
            known[code] = AnomalyRule.objects.create(
                code=code, hours=hours, threshold=threshold, description=description
            )
    return {code: rule for code, rule in known.items() if rule.enabled}


def runs(flags: np.ndarray, minimum: int = 1) -> list[tuple[int, int]]:
    """(first, last) indices of the runs of True at least ``minimum`` long."""
    padded = np.concatenate(([False], np.asarray(flags, dtype=bool), [False]))
    edges = np.flatnonzero(np.diff(padded.astype(np.int8)))
    starts, ends = edges[::2], edges[1::2] - 1
    keep = (ends - starts + 1) >= minimum
    return list(zip(starts[keep].tolist(), ends[keep].tolist(), strict=True))


def constant_runs(x: np.ndarray, hours: int) -> np.ndarray:
    """Hours belonging to a run of ≥ ``hours`` equal valid values."""
    same = np.zeros(x.shape, dtype=bool)
    same[1:] = (x[1:] == x[:-1]) & ~np.isnan(x[1:])
    flags = np.zeros(x.shape, dtype=bool)
    for first, last in runs(same, hours - 1):
        flags[first - 1 : last + 1] = True
    return flags


def spikes(x: np.ndarray, hours: int, ratio: float) -> np.ndarray:
    """Hours above ``ratio`` × the median of the ``hours`` hours on each side (a spike comes back
    down; the daily rise of O3 does not count) and at least SPIKE_FLOOR above it."""
    if len(x) <= 2 * hours:
        return np.zeros(x.shape, dtype=bool)
    padded = np.concatenate([np.full(hours, np.nan), x, np.full(hours, np.nan)])
    windows = np.lib.stride_tricks.sliding_window_view(padded, 2 * hours + 1).copy()
    windows[:, hours] = np.nan  # the hour itself is not its own neighbour
    median = _median(windows)
    with np.errstate(invalid="ignore"):
        return (x > ratio * median) & (x - median >= SPIKE_FLOOR)


def _median(windows: np.ndarray) -> np.ndarray:
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return np.nanmedian(windows, axis=-1)


def moving_mean(x: np.ndarray, hours: int) -> np.ndarray:
    valid = ~np.isnan(x)
    total = np.cumsum(np.where(valid, x, 0.0))
    count = np.cumsum(valid)
    total[hours:] = total[hours:] - total[:-hours]
    count[hours:] = count[hours:] - count[:-hours]
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(count >= max(1, hours * 3 // 4), total / np.maximum(count, 1), np.nan)


def flag_station(
    values: np.ndarray,
    reference: np.ndarray | None,
    township: np.ndarray | None,
    micro: bool,
    active: dict[str, AnomalyRule],
):
    """Yield (rule, parameter id or None, flags per hour, minimum run) for one station's (6, hours)."""
    with np.errstate(invalid="ignore"):
        for code, rule in active.items():
            if code == AnomalyRule.Code.CONSTANT:
                for pid in POLLUTANT_IDS:
                    yield code, pid, constant_runs(values[_POS[pid]], rule.hours), 1
            elif code == AnomalyRule.Code.SPIKE:
                for pid in POLLUTANT_IDS:
                    if BY_ID[pid].key != "CO":
                        yield code, pid, spikes(values[_POS[pid]], rule.hours, rule.threshold), 1
            elif code == AnomalyRule.Code.NEGATIVE:
                for pid in POLLUTANT_IDS:
                    yield code, pid, values[_POS[pid]] < 0, 1
            elif code == AnomalyRule.Code.PM_INVERTED:
                yield code, BY_KEY["PM2.5"].id, values[PM25] > rule.threshold * values[PM10], 1
            elif code == AnomalyRule.Code.REFERENCE and reference is not None:
                for pos, key in ((PM25, "PM2.5"), (PM10, "PM10")):
                    own, ref = moving_mean(values[pos], rule.hours), moving_mean(reference[pos], rule.hours)
                    yield code, BY_KEY[key].id, np.abs(own - ref) > rule.threshold * ref, rule.hours
            elif code == AnomalyRule.Code.MISSING:
                yield code, BY_KEY["PM2.5"].id, np.isnan(values[PM25]), rule.hours
            elif code == AnomalyRule.Code.TOWNSHIP and micro and township is not None:
                yield code, BY_KEY["PM2.5"].id, values[PM25] > rule.threshold * township, rule.hours


def detect(station_spans: dict[int, tuple[datetime, datetime]]) -> int:
    """Run the rules over the stations' recomputed hours (and LOOKBACK before); returns new items."""
    if not station_spans:
        return 0
    active = rules()
    if not active:
        return 0
    first = min(span[0] for span in station_spans.values()) - LOOKBACK
    last = max(span[1] for span in station_spans.values())
    first_day, last_day = daily.local_day(first), daily.local_day(last)
    stations = {s.pk: s for s in Station.objects.filter(pk__in=list(station_spans))}
    peers = list(
        Station.objects.filter(
            Q(organization_id__in={s.organization_id for s in stations.values()})
            | Q(pk__in=[s.reference_station_id for s in stations.values() if s.reference_station_id])
        ).values_list("pk", "organization_id")
    )
    ids = sorted({pk for pk, _ in peers} | set(stations))
    values = daily.hourly_arrays(ids, first_day, last_day, audited=False)
    row = {pk: i for i, pk in enumerate(ids)}
    start = daily.day_start(first_day)
    found: list[tuple] = []
    for pk, station in stations.items():
        own = values[row[pk]]
        reference = values[row[station.reference_station_id]] if station.reference_station_id in row else None
        others = [row[p] for p, org in peers if org == station.organization_id and p != pk]
        township = _mean(values[others, PM25]) if others else None
        span_first, span_last = station_spans[pk]
        lo = max(0, int((span_first - LOOKBACK - start).total_seconds() // 3600))
        hi = int((span_last - start).total_seconds() // 3600)
        micro = station.kind == Station.Kind.MICRO
        for code, pid, flags, minimum in flag_station(own, reference, township, micro, active):
            flags = np.asarray(flags, dtype=bool).copy()
            flags[:lo] = False
            flags[hi + 1 :] = False
            for a, b in runs(flags, minimum):
                found.append((pk, code, pid, start + timedelta(hours=a), start + timedelta(hours=b)))
    return _record(found, first)


def _mean(rows: np.ndarray) -> np.ndarray:
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return np.nanmean(rows, axis=0)


def _record(found: list[tuple], since) -> int:
    """Open new items in bulk; a run that continues or overlaps an item of the same station, rule and
    parameter extends that item instead. Returns the number of new items."""
    if not found:
        return 0
    existing: dict[tuple, list[Anomaly]] = {}
    for item in Anomaly.objects.filter(
        station_id__in={f[0] for f in found}, end__gte=since - timedelta(hours=1)
    ).order_by("start"):
        existing.setdefault((item.station_id, item.rule, item.parameter), []).append(item)
    new, changed = [], {}
    for station_id, code, pid, first, last in found:
        match = next(
            (
                a
                for a in existing.get((station_id, code, pid), ())
                if a.end >= first - timedelta(hours=1) and a.start <= last + timedelta(hours=1)
            ),
            None,
        )
        if match is None:
            item = Anomaly(
                station_id=station_id,
                rule=code,
                parameter=pid,
                start=first,
                end=last,
                detail=_detail(code, pid, first, last),
                status=Anomaly.Status.OPEN,
            )
            new.append(item)
            existing.setdefault((station_id, code, pid), []).append(item)
        elif first < match.start or last > match.end:
            match.start, match.end = min(match.start, first), max(match.end, last)
            match.detail = _detail(code, pid, match.start, match.end)
            if match.pk:
                changed[match.pk] = match
    Anomaly.objects.bulk_create(new, batch_size=1000)
    if changed:
        Anomaly.objects.bulk_update(list(changed.values()), ["start", "end", "detail"], batch_size=1000)
    return len(new)


def _detail(code, pid, first, last) -> str:
    name = BY_ID[pid].key if pid else ""
    hours = int((last - first).total_seconds() // 3600) + 1
    return f"{AnomalyRule.Code(code).label} {name} {hours}h".strip()[:300]


def counts(queryset, first_day, last_day):
    """Anomalies per station and month: {(station_id, 'YYYY-MM'): count}."""
    from django.db.models import Count
    from django.db.models.functions import TruncMonth

    rows = (
        queryset.filter(start__date__gte=first_day, start__date__lte=last_day)
        .annotate(month=TruncMonth("start"))
        .values("station_id", "month")
        .annotate(n=Count("pk"))
    )
    return {(r["station_id"], r["month"].strftime("%Y-%m")): r["n"] for r in rows}
