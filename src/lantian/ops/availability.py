"""Monthly availability of a monitored service (like Zabbix's SLI).

The service is down from a failed check until the next passing one (the last state lasts until the end
of the period or ``now``); approved maintenance windows are excluded from both the period and the
downtime. ``compute`` is pure; ``monthly`` reads the rows of one service and month.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True)
class Availability:
    period: timedelta  # counted time: the month so far, without approved maintenance
    downtime: timedelta
    excluded: timedelta  # approved maintenance inside the period
    unknown: timedelta  # before the first check

    @property
    def percent(self) -> float | None:
        measured = self.period - self.unknown
        if measured <= timedelta(0):
            return None
        return 100.0 * (1 - self.downtime / measured)

    def budget_left(self, target_percent: float) -> timedelta | None:
        """Downtime still allowed this period for ``target_percent`` (negative: overspent)."""
        measured = self.period - self.unknown
        if measured <= timedelta(0):
            return None
        return measured * (1 - target_percent / 100) - self.downtime


def _union(intervals: Iterable[tuple[datetime, datetime]]) -> list[tuple[datetime, datetime]]:
    out: list[list[datetime]] = []
    for start, end in sorted(intervals):
        if start >= end:
            continue
        if out and start <= out[-1][1]:
            out[-1][1] = max(out[-1][1], end)
        else:
            out.append([start, end])
    return [(a, b) for a, b in out]


def _overlap(spans: list[tuple[datetime, datetime]], start: datetime, end: datetime) -> timedelta:
    total = timedelta(0)
    for a, b in spans:
        a, b = max(a, start), min(b, end)
        if a < b:
            total += b - a
    return total


def compute(
    checks: Iterable[tuple[datetime, bool]],
    start: datetime,
    end: datetime,
    maintenance: Iterable[tuple[datetime, datetime]] = (),
    state_before: bool | None = None,
) -> Availability:
    """``checks``: (time, passed) in any order; ``state_before``: the last result before ``start``."""
    windows = _union((max(a, start), min(b, end)) for a, b in maintenance)
    excluded = _overlap(windows, start, end)
    down: list[tuple[datetime, datetime]] = []
    state, since = state_before, start
    first_known = start if state_before is not None else None
    for moment, passed in sorted(c for c in checks if start <= c[0] < end):
        if first_known is None:
            first_known = moment
        if state is False:
            down.append((since, moment))
        state, since = passed, moment
    if state is False:
        down.append((since, end))
    downtime = sum((b - a for a, b in down), timedelta(0)) - sum(
        (_overlap(windows, a, b) for a, b in down), timedelta(0)
    )
    unknown_end = first_known if first_known is not None else end
    unknown = (unknown_end - start) - _overlap(windows, start, unknown_end)
    return Availability(
        period=(end - start) - excluded, downtime=downtime, excluded=excluded, unknown=unknown
    )


def monthly(service, month, now: datetime) -> Availability:
    from lantian.ops.assessment import month_bounds

    start, end = month_bounds(month)
    end = min(end, max(now, start))
    results = service.results.filter(checked_at__gte=start, checked_at__lt=end).values_list(
        "checked_at", "ok"
    )
    before = (
        service.results.filter(checked_at__lt=start)
        .order_by("-checked_at")
        .values_list("ok", flat=True)
        .first()
    )
    windows = service.maintenance.filter(approved=True, starts_at__lt=end, ends_at__gt=start).values_list(
        "starts_at", "ends_at"
    )
    return compute(list(results), start, end, list(windows), before)
