"""The working-time clock of a step, on a calendar with the 2026 Spring Festival (国办发明电〔2025〕7号:
15–23 February off, Saturday 14 and Saturday 28 February worked)."""

import datetime
from zoneinfo import ZoneInfo

import pytest

from lantian.cases import clock
from lantian.core.standards.worktime import WorkCalendar

TZ = ZoneInfo("Asia/Shanghai")
SPRING = [datetime.date(2026, 2, 15) + datetime.timedelta(days=i) for i in range(9)]
CAL = WorkCalendar(SPRING, [datetime.date(2026, 2, 14), datetime.date(2026, 2, 28)], tz=TZ)


def at(*parts):
    return datetime.datetime(*parts, tzinfo=TZ)


def test_hours_run_in_office_time_only():
    # Friday 16:30 + 4 working hours: 1 h on Friday, 3 h on Saturday the 14th (a working Saturday).
    assert clock.due_time(CAL, at(2026, 2, 13, 16, 30), 4, "hours") == at(2026, 2, 14, 12, 0)
    # The lunch break does not count: 11:00 + 2 h is 14:30.
    assert clock.due_time(CAL, at(2026, 3, 9, 11, 0), 2, "hours") == at(2026, 3, 9, 14, 30)


def test_days_end_at_the_close_of_the_nth_working_day_after_the_holiday():
    # Reported Saturday 14 February (worked); 1 working day later is Tuesday the 24th, after the holiday.
    assert clock.due_time(CAL, at(2026, 2, 14, 10, 0), 1, "days") == at(2026, 2, 24, 17, 30)
    assert clock.due_time(CAL, at(2026, 2, 13, 10, 0), 3, "days") == at(2026, 2, 25, 17, 30)


def test_no_limit_means_no_due_time():
    assert clock.due_time(CAL, at(2026, 3, 9, 9), 0, "hours") is None
    assert clock.warning_time(CAL, at(2026, 3, 9, 9), None) is None


def test_the_warning_comes_at_80_percent_of_the_working_time():
    start = at(2026, 3, 9, 9, 0)
    due = clock.due_time(CAL, start, 10, "hours")  # 7 h Monday, 3 h Tuesday: Tuesday 12:00
    assert due == at(2026, 3, 10, 12, 0)
    assert clock.warning_time(CAL, start, due) == at(2026, 3, 10, 10, 0)  # after 8 working hours


def test_parking_stops_the_clock():
    due = at(2026, 3, 9, 17, 30)
    # Parked Monday 15:30 with 2 working hours left, resumed Wednesday 9:00: due Wednesday 11:00.
    assert clock.resumed_due(CAL, at(2026, 3, 9, 15, 30), at(2026, 3, 11, 9, 0), due) == at(
        2026, 3, 11, 11, 0
    )
    # Parked when already overdue: the old limit stands.
    assert clock.resumed_due(CAL, at(2026, 3, 10, 9), at(2026, 3, 11, 9), due) == due


def test_parking_over_the_holiday_counts_no_holiday_time():
    due = at(2026, 2, 13, 17, 30)
    resumed = clock.resumed_due(CAL, at(2026, 2, 13, 16, 30), at(2026, 2, 24, 9, 0), due)
    assert resumed == at(2026, 2, 24, 10, 0)


def test_an_extension_adds_working_time_to_the_limit():
    due = at(2026, 2, 13, 17, 30)
    assert clock.extended_due(CAL, due, 2, "hours") == at(2026, 2, 14, 11, 0)
    assert clock.extended_due(CAL, due, 2, "days") == at(2026, 2, 24, 17, 30)
    with pytest.raises(ValueError):
        clock.extended_due(CAL, due, 0, "days")


def test_remaining_and_state():
    due = at(2026, 3, 9, 17, 30)
    assert clock.remaining_hours(CAL, at(2026, 3, 9, 13, 30), due) == 4.0
    assert clock.remaining_hours(CAL, at(2026, 3, 10, 10, 0), due) == -1.0
    warn = at(2026, 3, 9, 16, 0)
    assert clock.clock_state(at(2026, 3, 9, 15), warn, due) == "normal"
    assert clock.clock_state(at(2026, 3, 9, 16), warn, due) == "warning"
    assert clock.clock_state(due, warn, due) == "overdue"
    assert clock.clock_state(due, None, None) == "normal"
