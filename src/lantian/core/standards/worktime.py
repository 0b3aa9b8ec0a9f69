"""Working time of Chinese government offices (core.md "Working time"): pure, no Django.

Time limits count working days or working hours. A working day is Monday to Friday, except the
statutory holidays, plus the weekends that the State Council's yearly notice (国务院办公厅关于××年部分
节假日安排的通知) turns into working days (调休上班). The calendar data is the caller's
(``lantian.core.worktime.calendar()`` builds one from the database).

Counting rules:

- A limit of N working days starting on day D ends at the close of the N-th working day after D;
  D itself is not counted, whatever it is (《中华人民共和国民法典》第二百零一条: 开始的当日不计入; limits
  in working days leave out holidays: 《中华人民共和国行政许可法》第八十二条). N = 0 gives D itself.
- Working hours move through the office periods of working days only. An addition that ends exactly
  at the close of a period returns that close (12:00 stays 12:00, not 13:30). An addition that starts
  outside office hours (before opening, over lunch, at night, on a weekend or holiday) starts counting
  at the next opening; adding 0 hours returns the start unchanged.
- An empty interval counts nothing: ``workdays_between(a, b)`` with ``a >= b`` is 0, and so is
  ``working_hours_between(a, b)`` with ``a >= b``.
- Suspended intervals (corrections, special procedures, parked cases) are left out of
  ``working_hours_between``: they may overlap each other or reach outside ``(a, b)``; only their
  union inside ``(a, b)`` is subtracted. An interval that ends before it starts is an error.

Times are naive local wall time (Asia/Shanghai by default) or aware; an aware time is converted to
local time for the computation and the result is given back in the input's own tzinfo.

Every operation is O(log k) in the number k of exceptions to the weekly pattern: working days are
counted with a closed form for weekdays and bisection in the sorted exception lists, never by walking
day by day, so a span of a thousand days costs what a span of one day does.
"""

from __future__ import annotations

import math
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from datetime import date, datetime, time, tzinfo
from itertools import accumulate
from numbers import Real
from zoneinfo import ZoneInfo

LOCAL_TIME = ZoneInfo("Asia/Shanghai")
# The usual office hours of Chinese government offices: 9:00–12:00 and 13:30–17:30 (7 hours).
# Local governments set their own (some change them in summer); pass ``hours`` to differ.
DEFAULT_HOURS = ((time(9, 0), time(12, 0)), (time(13, 30), time(17, 30)))

_MICROS_PER_HOUR = 3_600_000_000
_LAST_ORDINAL = date.max.toordinal()


def _weekdays_through(ordinal: int) -> int:
    """Mondays to Fridays among the proleptic ordinals 1..ordinal (ordinal 1, 0001-01-01, is a Monday)."""
    weeks, rest = divmod(ordinal, 7)
    return 5 * weeks + min(rest, 5)


def _as_date(value) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    raise TypeError(f"expected a date, got {value!r}")


def _as_time(value) -> time:
    if isinstance(value, str):
        value = time.fromisoformat(value)
    if not isinstance(value, time) or value.tzinfo is not None:
        raise TypeError(f"office hours are naive times (or 'HH:MM' text), got {value!r}")
    return value


def _micros(value: time) -> int:
    return ((value.hour * 60 + value.minute) * 60 + value.second) * 1_000_000 + value.microsecond


def _time_of(micros: int) -> time:
    seconds, microsecond = divmod(micros, 1_000_000)
    minutes, second = divmod(seconds, 60)
    hour, minute = divmod(minutes, 60)
    return time(hour, minute, second, microsecond)


def _check_hours(hours: Sequence) -> tuple[tuple[time, time], ...]:
    periods = tuple((_as_time(start), _as_time(end)) for start, end in hours)
    if not periods:
        raise ValueError("office hours need at least one period")
    for index, (start, end) in enumerate(periods):
        if start >= end:
            raise ValueError(f"office period {index + 1} ({start}–{end}) does not end after it starts")
        if index and start < periods[index - 1][1]:
            raise ValueError(
                f"office period {index + 1} ({start}–{end}) starts before period {index} ends: "
                "give the periods in order, without overlaps"
            )
    return periods


def _check_count(n) -> int:
    if isinstance(n, bool) or not isinstance(n, int):
        raise TypeError(f"a number of working days is a whole number, got {n!r}")
    if n < 0:
        raise ValueError(f"a number of working days cannot be negative, got {n}")
    return n


def _check_hours_amount(hours) -> int:
    """``hours`` as whole microseconds."""
    if isinstance(hours, bool) or not isinstance(hours, Real):
        raise TypeError(f"a number of working hours is a number, got {hours!r}")
    if not math.isfinite(hours) or hours < 0:
        raise ValueError(f"a number of working hours must be finite and not negative, got {hours}")
    return round(hours * _MICROS_PER_HOUR)


class WorkCalendar:
    """Working days and office hours.

    ``holidays``: days off (weekends among them change nothing). ``extra_workdays``: weekends worked
    (调休; weekdays among them change nothing). A day in both is an error. ``hours``: the office
    periods of a working day, in order, as ``(start, end)`` pairs of ``datetime.time`` or "HH:MM".
    ``tz``: the local time zone that naive times are in and aware times are converted to.
    """

    def __init__(
        self,
        holidays: Iterable[date] = (),
        extra_workdays: Iterable[date] = (),
        hours: Sequence = DEFAULT_HOURS,
        tz: tzinfo = LOCAL_TIME,
    ):
        self.holidays = frozenset(_as_date(day) for day in holidays)
        self.extra_workdays = frozenset(_as_date(day) for day in extra_workdays)
        both = self.holidays & self.extra_workdays
        if both:
            raise ValueError(f"{min(both)} is listed both as a holiday and as a working day")
        self.hours = _check_hours(hours)
        self.tz = tz
        # The exceptions to the weekly pattern, as sorted ordinals: weekdays off (-1), weekends worked (+1);
        # the working days through a day are its weekdays plus the shifts of the exceptions up to it.
        self._off_set = frozenset(day.toordinal() for day in self.holidays if day.weekday() < 5)
        self._on_set = frozenset(day.toordinal() for day in self.extra_workdays if day.weekday() >= 5)
        shifts = sorted([(o, -1) for o in self._off_set] + [(o, 1) for o in self._on_set])
        self._exceptions = [ordinal for ordinal, _shift in shifts]
        self._shift = list(accumulate(shift for _ordinal, shift in shifts))  # through each exception
        # Working days through the day before each exception: nondecreasing, so bisection finds the
        # exceptions that come before the n-th working day.
        self._before_exception = [
            _weekdays_through(ordinal - 1) + (self._shift[i - 1] if i else 0)
            for i, ordinal in enumerate(self._exceptions)
        ]
        self._starts = [_micros(start) for start, _end in self.hours]
        self._lengths = [_micros(end) - _micros(start) for start, end in self.hours]
        # Office time of a day before period i starts, and by the time it ends.
        self._before = [sum(self._lengths[:i]) for i in range(len(self._lengths))]
        self._through = [sum(self._lengths[: i + 1]) for i in range(len(self._lengths))]
        self._day = sum(self._lengths)

    def __repr__(self):
        return (
            f"WorkCalendar({len(self.holidays)} holidays, {len(self.extra_workdays)} extra working days, "
            f"hours={[(str(s), str(e)) for s, e in self.hours]})"
        )

    @property
    def hours_per_day(self) -> float:
        return self._day / _MICROS_PER_HOUR

    # Working days

    def is_workday(self, day: date) -> bool:
        ordinal = _as_date(day).toordinal()
        if ordinal in self._off_set:
            return False
        return ordinal in self._on_set or (ordinal - 1) % 7 < 5

    def _workdays_through(self, ordinal: int) -> int:
        """Working days among the ordinals 1..ordinal."""
        passed = bisect_right(self._exceptions, ordinal)
        return _weekdays_through(ordinal) + (self._shift[passed - 1] if passed else 0)

    def _nth_workday(self, n: int) -> int:
        """The ordinal of the n-th working day counted from 0001-01-01 (n >= 1)."""
        passed = bisect_left(self._before_exception, n)  # the exceptions on or before that day
        shift = self._shift[passed - 1] if passed else 0
        weekdays = n - shift  # the weekdays through that day, at least
        weeks, rest = divmod(max(weekdays, 1) - 1, 5)
        ordinal = 7 * weeks + rest + 1  # the first day with that many weekdays through it
        if passed:
            ordinal = max(ordinal, self._exceptions[passed - 1])  # a weekend worked is not a weekday
        if ordinal > _LAST_ORDINAL:
            raise OverflowError("the limit ends after the year 9999")
        return ordinal

    def workdays_between(self, a: date, b: date) -> int:
        """The working days in (a, b]: after a, up to and including b; 0 when a >= b."""
        a, b = _as_date(a).toordinal(), _as_date(b).toordinal()
        if a >= b:
            return 0
        return self._workdays_through(b) - self._workdays_through(a)

    def workday_deadline(self, start: date, n: int) -> date:
        """The N-th working day after ``start`` (``start`` not counted): the limit ends at its close.

        ``n = 0`` gives ``start``; a negative ``n`` is a ValueError.
        """
        start, n = _as_date(start), _check_count(n)
        if n == 0:
            return start
        return date.fromordinal(self._nth_workday(self._workdays_through(start.toordinal()) + n))

    def closing_time(self, day: date) -> datetime:
        """The naive local time the office closes on ``day``: when a limit ending that day runs out."""
        return datetime.combine(_as_date(day), self.hours[-1][1])

    # Working hours

    def _local(self, moment: datetime) -> datetime:
        if not isinstance(moment, datetime):
            raise TypeError(f"expected a datetime, got {moment!r}")
        if moment.utcoffset() is None:
            return moment
        return moment.astimezone(self.tz).replace(tzinfo=None)

    def _like(self, local: datetime, original: datetime) -> datetime:
        if original.utcoffset() is None:
            return local
        return local.replace(tzinfo=self.tz).astimezone(original.tzinfo)

    def _position(self, local: datetime) -> int:
        """Office time, in microseconds, from the start of the calendar up to ``local``."""
        ordinal = local.toordinal()
        done = self._workdays_through(ordinal - 1) * self._day
        if self.is_workday(local):
            of_day = _micros(local.time())
            period = bisect_right(self._starts, of_day) - 1
            if period >= 0:
                done += self._before[period] + min(of_day - self._starts[period], self._lengths[period])
        return done

    def _moment(self, position: int) -> datetime:
        """The earliest local time at which ``position`` (> 0) of office time has passed."""
        workday = -(-position // self._day)  # the working day, counted from 1, in which it falls
        into_day = position - (workday - 1) * self._day  # in (0, day]: a full day ends at the close
        period = bisect_left(self._through, into_day)
        of_day = self._starts[period] + into_day - self._before[period]
        return datetime.combine(date.fromordinal(self._nth_workday(workday)), _time_of(of_day))

    def add_working_hours(self, start: datetime, hours: float) -> datetime:
        """The time at which ``hours`` of office time after ``start`` have passed."""
        micros = _check_hours_amount(hours)
        if micros == 0:
            return start
        local = self._local(start)
        return self._like(self._moment(self._position(local) + micros), start)

    def working_hours_between(
        self, a: datetime, b: datetime, suspended: Iterable[tuple[datetime, datetime]] = ()
    ) -> float:
        """Office hours in [a, b) outside the ``suspended`` (start, end) intervals; 0 when a >= b."""
        a, b = self._local(a), self._local(b)
        intervals = []
        for index, (start, end) in enumerate(suspended):
            start, end = self._local(start), self._local(end)
            if end < start:
                raise ValueError(f"suspended interval {index + 1} ends ({end}) before it starts ({start})")
            start, end = max(start, a), min(end, b)
            if start < end:
                intervals.append((start, end))
        if a >= b:
            return 0.0
        total = self._position(b) - self._position(a)
        reach = None  # the end of the union of the intervals seen so far
        for start, end in sorted(intervals):
            if reach is not None and start < reach:
                start = reach
            if start < end:
                total -= self._position(end) - self._position(start)
                reach = end
        return total / _MICROS_PER_HOUR
