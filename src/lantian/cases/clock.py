"""The working-time clock of a case step (pure: the calendar is passed in).

A step's limit runs in working hours (office time from the moment the step starts) or working days
(the n-th working day after the day it starts, to the office's close). A warning is due when 80 %
of the step's working time has passed. Parking (挂账) stops the clock: the working time left when
the case was parked is counted again from the moment it resumes. An extension (延期) adds working
hours or days to the current limit.
"""

from __future__ import annotations

from datetime import datetime

from lantian.core.standards.worktime import WorkCalendar

WARNING_SHARE = 0.8  # of the step's working time


def due_time(cal: WorkCalendar, start: datetime, limit: int, unit: str) -> datetime | None:
    """When a step started at ``start`` with ``limit`` ``unit`` runs out; None without a limit."""
    if limit <= 0:
        return None
    if unit == "hours":
        return cal.add_working_hours(start, limit)
    if unit == "days":
        return _closing(cal, start, limit)
    raise ValueError(f"unknown unit {unit!r}")


def warning_time(cal: WorkCalendar, start: datetime, due: datetime | None) -> datetime | None:
    """The moment WARNING_SHARE of the working time between ``start`` and ``due`` has passed."""
    if due is None:
        return None
    hours = cal.working_hours_between(start, due)
    return cal.add_working_hours(start, hours * WARNING_SHARE) if hours > 0 else due


def extended_due(cal: WorkCalendar, due: datetime, amount: int, unit: str) -> datetime:
    """``due`` moved on by ``amount`` working hours or working days."""
    if amount <= 0:
        raise ValueError("an extension adds at least one hour or day")
    if unit == "hours":
        return cal.add_working_hours(due, amount)
    return _closing(cal, due, amount)


def resumed_due(cal: WorkCalendar, parked_at: datetime, resumed_at: datetime, due: datetime) -> datetime:
    """The new limit of a step parked at ``parked_at`` and resumed at ``resumed_at``: the working time
    that was left at parking counts from the resumption (none left: the old limit stands)."""
    left = cal.working_hours_between(parked_at, due)
    if left <= 0:
        return due
    return cal.add_working_hours(resumed_at, left)


def remaining_hours(cal: WorkCalendar, now: datetime, due: datetime | None) -> float | None:
    """Working hours left until ``due`` (negative: hours overdue); None without a limit."""
    if due is None:
        return None
    if now <= due:
        return cal.working_hours_between(now, due)
    return -cal.working_hours_between(due, now)


def clock_state(now: datetime, warn_at: datetime | None, due_at: datetime | None) -> str:
    """normal, warning or overdue: the same rule the periodic job applies in bulk."""
    if due_at is None:
        return "normal"
    if now >= due_at:
        return "overdue"
    if warn_at is not None and now >= warn_at:
        return "warning"
    return "normal"


def _closing(cal: WorkCalendar, moment: datetime, days: int) -> datetime:
    """The office's close on the ``days``-th working day after the local day of ``moment``, in the
    form ``moment`` has (aware in its zone, or naive local)."""
    aware = moment.utcoffset() is not None
    local = moment.astimezone(cal.tz).replace(tzinfo=None) if aware else moment
    close = cal.closing_time(cal.workday_deadline(local.date(), days))
    return close.replace(tzinfo=cal.tz).astimezone(moment.tzinfo) if aware else close
