"""The time-limit clock of an approval item instance (approvals spec "Time limits and overdue"): pure.

``item_clock(calendar, limit, unit, events, now) -> Clock``

- ``calendar``: a ``lantian.core.standards.worktime.WorkCalendar`` (``lantian.core.worktime.calendar()``).
- ``limit``: the statutory time limit (承诺/法定时限), a positive number in ``unit``.
- ``unit``: ``"workdays"`` (工作日), ``"workhours"`` (工作小时), ``"days"`` (自然日), ``"hours"`` (自然小时).
- ``events``: the instance's handling records as ``(status_code, time)`` pairs in the national 办理状态
  codes (``standards.status``); any order (sorted by time here, ties kept in the given order); times
  naive local (Asia/Shanghai) or aware.
- ``now``: the time the clock is read at (naive local or aware).

Rules:

- The clock starts at the first 已受理 (3), or, without one, at the first 部门开始办理 (8); before that
  it does not run. It stops at the first final status after the start (办结 11/12/13, 已撤件 2, 不受理 4,
  不予受理 5, 撤回 14, 撤销 15); otherwise it runs to ``now``.
- Limits in days leave the start day out (《民法典》第二百零一条): working days count office time from
  the close of the start day, natural days from the midnight after it. Limits in hours count from the
  start itself (working hours from the next office opening when it falls outside office hours).
  Working time follows the calendar's holidays, working weekends and office hours
  (《行政许可法》第八十二条: limits in working days leave out statutory holidays); a working day is the
  calendar's office hours (7 h by default), so fractions of a day are office time / hours per day.
- Suspensions stop the clock: 补正 from 6 to the next 7, 特别程序 from 9 to the next 10. An end without
  its start is ignored; a start without its end suspends up to the stop (a case now under
  correction is not losing time). Overlapping suspensions count once.
- ``remaining = limit − used``. ``state``: ``"overdue"`` when remaining < 0 (``overdue`` = −remaining,
  the overdue duration in the limit's unit); ``"warning"`` when remaining ≤ 2 days (day units) or
  ≤ 48 hours (hour units); else ``"normal"``. A finished case keeps the state it finished in.
- Natural-day limits are not extended when they end on a holiday: the approval limits this module
  supervises are working-day limits; natural days are counted as they are.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from operator import itemgetter

from lantian.approvals.standards import status as S

UNITS = ("workdays", "workhours", "days", "hours")
DAY_UNITS = frozenset({"workdays", "days"})
WARNING_DAYS = 2
WARNING_HOURS = 48
_EPSILON = 1e-9  # below a microsecond in hours or days: float noise, not time

NORMAL, WARNING, OVERDUE = "normal", "warning", "overdue"


@dataclass(frozen=True)
class Clock:
    state: str  # normal / warning / overdue
    unit: str
    limit: float
    used: float  # limit time used, in ``unit``
    remaining: float  # limit − used (negative when overdue)
    overdue: float  # −remaining when overdue, else 0
    started_at: datetime | None  # the start event's time, None while not started
    stopped_at: datetime | None  # the final event's time, None while the case is open
    suspended: bool  # an open case inside a 补正 or 特别程序 now
    suspended_hours: float  # suspended time left out, in hours (working hours for working units)

    @property
    def running(self) -> bool:
        return self.started_at is not None and self.stopped_at is None and not self.suspended


def _naive(moment: datetime, tz) -> datetime:
    if not isinstance(moment, datetime):
        raise TypeError(f"expected a datetime, got {moment!r}")
    return moment if moment.utcoffset() is None else moment.astimezone(tz).replace(tzinfo=None)


def suspensions(
    events: list[tuple[int, datetime]], stop: datetime
) -> tuple[list[tuple[datetime, datetime]], bool]:
    """The (start, end) suspensions of sorted events up to ``stop``, an open one closed at ``stop``,
    and whether one was open there."""
    open_at: dict[int, datetime] = {}
    spans = []
    for code, moment in events:
        if moment > stop:
            break
        if code in S.SUSPENSIONS:
            open_at.setdefault(code, moment)
        elif code in S.SUSPENSION_ENDS:
            start_code = S.CORRECTION_START if code == S.CORRECTION_END else S.SPECIAL_START
            started = open_at.pop(start_code, None)
            if started is not None:
                spans.append((started, moment))
    spans.extend((started, stop) for started in open_at.values())
    return spans, bool(open_at)


def _natural_hours(a: datetime, b: datetime, spans: list[tuple[datetime, datetime]]) -> tuple[float, float]:
    """Hours in [a, b) and the part of them inside the union of ``spans``."""
    if a >= b:
        return 0.0, 0.0
    held, reach = timedelta(0), a
    for start, end in sorted(spans):
        start, end = max(start, reach), min(end, b)
        if start < end:
            held += end - start
            reach = end
    return (b - a) / timedelta(hours=1), held / timedelta(hours=1)


def item_clock(
    calendar, limit: float, unit: str, events: Iterable[tuple[int, datetime]], now: datetime
) -> Clock:
    if unit not in UNITS:
        raise ValueError(f"unknown time-limit unit {unit!r}; one of {', '.join(UNITS)}")
    if isinstance(limit, bool) or not isinstance(limit, int | float) or not limit > 0:
        raise ValueError(f"a time limit is a positive number, got {limit!r}")
    tz = calendar.tz
    now = _naive(now, tz)
    ordered = [(int(code), _naive(moment, tz)) for code, moment in events]
    ordered.sort(key=itemgetter(1))
    if not S.CODES.issuperset(code for code, _moment in ordered):
        unknown = next(code for code, _moment in ordered if code not in S.CODES)
        raise ValueError(f"unknown handling status code {unknown}")
    start = next((m for c, m in ordered if c == S.ACCEPTED), None)
    if start is None:
        start = next((m for c, m in ordered if c == S.HANDLING_START), None)
    if start is None:
        return Clock(_state(limit, unit), unit, float(limit), 0.0, float(limit), 0.0, None, None, False, 0.0)
    stopped = next((m for c, m in ordered if c in S.FINAL and m >= start), None)
    stop = stopped if stopped is not None else now
    spans, held_open = suspensions(ordered, stop)
    suspended = stopped is None and held_open
    if unit in ("workdays", "workhours"):
        count_from = calendar.closing_time(start.date()) if unit == "workdays" else start
        if unit == "workdays" and count_from < start:
            count_from = start  # accepted after the close: nothing of that day left to leave out
        gross = calendar.working_hours_between(count_from, stop)
        net = calendar.working_hours_between(count_from, stop, suspended=spans) if spans else gross
        used = net / calendar.hours_per_day if unit == "workdays" else net
        held = gross - net
    else:
        count_from = (
            datetime.combine(start.date() + timedelta(days=1), datetime.min.time())
            if unit == "days"
            else start
        )
        gross, held = _natural_hours(count_from, stop, spans)
        net = gross - held
        used = net / 24 if unit == "days" else net
    remaining = float(limit) - used
    if abs(remaining) < _EPSILON:
        remaining = 0.0
    return Clock(
        state=_state(remaining, unit),
        unit=unit,
        limit=float(limit),
        used=used,
        remaining=remaining,
        overdue=-remaining if remaining < 0 else 0.0,
        started_at=start,
        stopped_at=stopped,
        suspended=suspended,
        suspended_hours=held,
    )


def _state(remaining: float, unit: str) -> str:
    if remaining < 0:
        return OVERDUE
    if remaining <= (WARNING_DAYS if unit in DAY_UNITS else WARNING_HOURS):
        return WARNING
    return NORMAL
