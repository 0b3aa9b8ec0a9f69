"""The working-time kernel (lantian.core.standards.worktime) and the shipped work calendar data."""

import ast
import csv
import math
import sys
from datetime import UTC, date, datetime, time, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lantian.core.standards import worktime
from lantian.core.standards.worktime import WorkCalendar

CALENDAR_CSV = Path(worktime.__file__).resolve().parents[1] / "data" / "calendar" / "china.csv"


def span(first: str, last: str) -> set[date]:
    start, end = date.fromisoformat(first), date.fromisoformat(last)
    return {start + timedelta(days=i) for i in range((end - start).days + 1)}


# 国务院办公厅关于2026年部分节假日安排的通知 (State Council General Office, November 2025):
# 元旦 1月1日至3日放假，1月4日（周日）上班；春节 2月15日至23日放假，2月14日（周六）、2月28日（周六）上班；
# 清明节 4月4日至6日；劳动节 5月1日至5日放假，5月9日（周六）上班；端午节 6月19日至21日；中秋节 9月25日至27日；
# 国庆节 10月1日至7日放假，9月20日（周日）、10月10日（周六）上班。
NOTICE_2026 = {
    "holiday": span("2026-01-01", "2026-01-03")
    | span("2026-02-15", "2026-02-23")
    | span("2026-04-04", "2026-04-06")
    | span("2026-05-01", "2026-05-05")
    | span("2026-06-19", "2026-06-21")
    | span("2026-09-25", "2026-09-27")
    | span("2026-10-01", "2026-10-07"),
    "workday": {date(2026, 1, 4), date(2026, 2, 14), date(2026, 2, 28), date(2026, 5, 9), date(2026, 9, 20),
                date(2026, 10, 10)},
}  # fmt: skip
# 国务院办公厅关于2025年部分节假日安排的通知 (November 2024): 元旦 1月1日；春节 1月28日至2月4日放假，
# 1月26日（周日）、2月8日（周六）上班；清明节 4月4日至6日；劳动节 5月1日至5日放假，4月27日（周日）上班；
# 端午节 5月31日至6月2日；国庆节、中秋节 10月1日至8日放假，9月28日（周日）、10月11日（周六）上班。
NOTICE_2025 = {
    "holiday": {date(2025, 1, 1)}
    | span("2025-01-28", "2025-02-04")
    | span("2025-04-04", "2025-04-06")
    | span("2025-05-01", "2025-05-05")
    | span("2025-05-31", "2025-06-02")
    | span("2025-10-01", "2025-10-08"),
    "workday": {
        date(2025, 1, 26),
        date(2025, 2, 8),
        date(2025, 4, 27),
        date(2025, 9, 28),
        date(2025, 10, 11),
    },
}


def read_rows():
    with CALENDAR_CSV.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        assert reader.fieldnames == ["date", "kind", "name"]
        return [{**row, "date": date.fromisoformat(row["date"])} for row in reader]


ROWS = read_rows()
CAL = WorkCalendar(
    [r["date"] for r in ROWS if r["kind"] == "holiday"], [r["date"] for r in ROWS if r["kind"] == "workday"]
)
SHANGHAI = worktime.LOCAL_TIME


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


# The shipped data


@pytest.mark.parametrize("year,notice", [(2025, NOTICE_2025), (2026, NOTICE_2026)])
def test_the_shipped_year_is_the_state_council_notice(year, notice):
    for kind in ("holiday", "workday"):
        shipped = {r["date"] for r in ROWS if r["date"].year == year and r["kind"] == kind}
        assert shipped == notice[kind], kind


def test_the_shipped_file_is_well_formed():
    dates = [r["date"] for r in ROWS]
    assert dates == sorted(set(dates))
    assert {r["kind"] for r in ROWS} == {"holiday", "workday"}
    assert all(r["date"].weekday() >= 5 for r in ROWS if r["kind"] == "workday")
    assert all(0 < len(r["name"]) <= 50 for r in ROWS)
    assert {r["date"].year for r in ROWS} == set(range(2004, 2027))
    names_2026 = {r["date"]: r["name"] for r in ROWS if r["date"].year == 2026}
    assert names_2026[date(2026, 2, 14)] == names_2026[date(2026, 2, 17)] == "春节"
    assert names_2026[date(2026, 10, 10)] == names_2026[date(2026, 10, 1)] == "国庆节"


# Working days across the 2026 Spring Festival and National Day


def test_the_2026_spring_festival():
    assert CAL.is_workday(date(2026, 2, 14))  # Saturday worked
    assert not any(CAL.is_workday(d) for d in span("2026-02-15", "2026-02-23"))  # Monday 16th to 23rd off
    assert CAL.is_workday(date(2026, 2, 28))  # Saturday worked
    assert not CAL.is_workday(date(2026, 3, 1))  # an ordinary Sunday
    thursday = date(2026, 2, 12)
    assert [CAL.workday_deadline(thursday, n) for n in (1, 2, 3, 4)] == [
        date(2026, 2, 13),
        date(2026, 2, 14),
        date(2026, 2, 24),
        date(2026, 2, 25),
    ]
    assert CAL.workdays_between(date(2026, 2, 13), date(2026, 2, 28)) == 6  # 14th, 24th–28th


def test_the_2026_national_day():
    assert CAL.is_workday(date(2026, 9, 20))  # Sunday worked
    assert not CAL.is_workday(date(2026, 9, 25))  # Friday, 中秋节
    assert CAL.is_workday(date(2026, 10, 10))  # Saturday worked
    assert CAL.workday_deadline(date(2026, 9, 18), 1) == date(2026, 9, 20)
    wednesday = date(2026, 9, 30)
    assert [CAL.workday_deadline(wednesday, n) for n in (1, 2, 3, 4)] == [
        date(2026, 10, 8),
        date(2026, 10, 9),
        date(2026, 10, 10),
        date(2026, 10, 12),
    ]
    # 20 working days (行政许可法 第四十二条) from Tuesday 15 September: 16–18, 20, 21–24, 28–30,
    # 8–10 October, 12–16, 19 → Monday 19 October.
    assert CAL.workday_deadline(date(2026, 9, 15), 20) == date(2026, 10, 19)
    assert CAL.workdays_between(date(2026, 9, 18), date(2026, 10, 12)) == 12


def test_the_start_day_is_not_counted_whatever_it_is():
    assert CAL.workday_deadline(date(2026, 2, 17), 1) == date(2026, 2, 24)  # from a holiday
    assert CAL.workday_deadline(date(2026, 2, 13), 1) == date(2026, 2, 14)  # from a working day
    assert CAL.workday_deadline(date(2026, 2, 13), 0) == date(2026, 2, 13)
    assert CAL.workday_deadline(date(2026, 2, 17), 0) == date(2026, 2, 17)
    assert CAL.workday_deadline(datetime(2026, 2, 13, 16, 0), 1) == date(2026, 2, 14)  # a datetime's day


def test_an_empty_or_reversed_span_has_no_working_days():
    assert CAL.workdays_between(date(2026, 3, 2), date(2026, 3, 2)) == 0
    assert CAL.workdays_between(date(2026, 3, 6), date(2026, 3, 2)) == 0
    assert CAL.workdays_between(date(2026, 3, 1), date(2026, 3, 2)) == 1  # (a, b]: b counts, a does not


def test_a_bad_number_of_days_is_refused():
    with pytest.raises(ValueError, match="negative"):
        CAL.workday_deadline(date(2026, 3, 2), -1)
    with pytest.raises(TypeError):
        CAL.workday_deadline(date(2026, 3, 2), 1.5)
    with pytest.raises(TypeError):
        CAL.workday_deadline(date(2026, 3, 2), True)
    with pytest.raises(OverflowError):
        CAL.workday_deadline(date(9999, 12, 1), 100)


def test_a_long_span_is_counted_without_the_exceptions_lost():
    # 2004-01-01 to 2026-12-31: the weekdays, less the weekday holidays, plus the weekends worked.
    first, last = date(2003, 12, 31), date(2026, 12, 31)
    days = [first + timedelta(days=i) for i in range(1, (last - first).days + 1)]
    expected = sum(1 for d in days if CAL.is_workday(d))
    assert CAL.workdays_between(first, last) == expected
    assert CAL.workday_deadline(first, expected) == date(2026, 12, 31)


# Office hours


def test_an_addition_ending_at_a_close_returns_the_close():
    assert CAL.add_working_hours(at("2026-02-13 11:00"), 1) == at("2026-02-13 12:00")
    assert CAL.add_working_hours(at("2026-02-13 16:30"), 1) == at("2026-02-13 17:30")
    assert CAL.add_working_hours(at("2026-02-13 09:00"), 7) == at("2026-02-13 17:30")
    assert CAL.add_working_hours(at("2026-09-30 09:00"), 7) == at("2026-09-30 17:30")  # before 8 days off


def test_the_lunch_break_is_skipped():
    assert CAL.add_working_hours(at("2026-02-13 11:00"), 2) == at("2026-02-13 14:30")
    assert CAL.add_working_hours(at("2026-02-13 11:59"), 0.5) == at("2026-02-13 13:59")
    assert CAL.working_hours_between(at("2026-02-13 11:00"), at("2026-02-13 14:30")) == 2


def test_a_start_outside_office_hours_counts_from_the_next_opening():
    assert CAL.add_working_hours(at("2026-02-13 12:30"), 1) == at("2026-02-13 14:30")  # lunch
    assert CAL.add_working_hours(at("2026-02-13 07:00"), 1) == at("2026-02-13 10:00")  # before opening
    assert CAL.add_working_hours(at("2026-02-13 18:00"), 1) == at("2026-02-14 10:00")  # Saturday worked
    assert CAL.add_working_hours(at("2026-02-13 17:30"), 0.5) == at("2026-02-14 09:30")
    assert CAL.add_working_hours(at("2026-10-03 10:00"), 1) == at("2026-10-08 10:00")  # on a holiday
    assert CAL.add_working_hours(at("2026-09-30 16:30"), 2) == at("2026-10-08 10:00")
    assert CAL.add_working_hours(at("2026-02-13 17:00"), 7.5) == at("2026-02-14 17:30")  # Saturday's close
    assert CAL.add_working_hours(at("2026-02-13 17:00"), 8) == at("2026-02-24 09:30")  # over the Festival


def test_adding_nothing_returns_the_start():
    lunch = at("2026-02-13 12:30")
    assert CAL.add_working_hours(lunch, 0) is lunch


def test_working_hours_between_counts_office_hours_only():
    assert CAL.working_hours_between(at("2026-09-30 09:00"), at("2026-10-08 12:00")) == 10
    assert CAL.working_hours_between(at("2026-02-13 08:00"), at("2026-02-24 10:00")) == 15
    assert CAL.working_hours_between(at("2026-10-03 08:00"), at("2026-10-04 20:00")) == 0
    assert CAL.working_hours_between(at("2026-02-13 14:00"), at("2026-02-13 10:00")) == 0  # reversed


def test_suspended_intervals_are_left_out_once_however_they_overlap():
    # Thursday 8 to Saturday 10 October 2026 (worked): 21 office hours.
    a, b = at("2026-10-08 09:00"), at("2026-10-10 17:30")
    assert CAL.working_hours_between(a, b) == 21
    suspended = [
        (at("2026-10-09 09:30"), at("2026-10-09 12:00")),  # inside the next one's union
        (at("2026-10-08 11:00"), at("2026-10-09 10:00")),  # 1 + 4 + 1 hours
        (at("2026-10-01 00:00"), at("2026-10-02 00:00")),  # before a
        (at("2026-10-10 17:00"), at("2026-10-12 12:00")),  # past b: half an hour counts
        (at("2026-10-09 11:00"), at("2026-10-09 11:00")),  # empty
    ]
    # left out: 8th 11:00–12:00 and 13:30–17:30, 9th 9:00–12:00, 10th 17:00–17:30
    assert CAL.working_hours_between(a, b, suspended) == 21 - 8.5
    assert CAL.working_hours_between(a, b, reversed(suspended)) == 21 - 8.5
    assert CAL.working_hours_between(a, b, [(a - timedelta(days=30), b + timedelta(days=30))]) == 0


def test_a_suspension_ending_before_it_starts_is_refused():
    with pytest.raises(ValueError, match="suspended interval 2 ends"):
        CAL.working_hours_between(
            at("2026-10-08 09:00"),
            at("2026-10-10 17:30"),
            [
                (at("2026-10-08 10:00"), at("2026-10-08 11:00")),
                (at("2026-10-09 10:00"), at("2026-10-09 09:00")),
            ],
        )


def test_aware_times_are_counted_in_local_time_and_keep_their_zone():
    start = datetime(2026, 2, 13, 3, 0, tzinfo=UTC)  # 11:00 in Shanghai
    end = CAL.add_working_hours(start, 2)
    assert end == datetime(2026, 2, 13, 6, 30, tzinfo=UTC)  # 14:30 in Shanghai
    assert end.tzinfo is UTC
    tokyo = timezone(timedelta(hours=9))
    assert CAL.add_working_hours(datetime(2026, 2, 13, 12, 0, tzinfo=tokyo), 1).tzinfo is tokyo
    assert CAL.add_working_hours(datetime(2026, 2, 13, 12, 0, tzinfo=tokyo), 1) == datetime(
        2026, 2, 13, 12, 0, tzinfo=SHANGHAI
    )
    local = datetime(2026, 2, 13, 11, 0, tzinfo=SHANGHAI)
    assert CAL.add_working_hours(local, 2) == datetime(2026, 2, 13, 14, 30, tzinfo=SHANGHAI)
    # 13th 11:00–17:30 (5 h), Saturday 14th (7 h), 24th 9:00–10:00 (1 h)
    assert CAL.working_hours_between(start, datetime(2026, 2, 24, 2, 0, tzinfo=UTC)) == 13  # 10:00 local
    assert CAL.working_hours_between(start, at("2026-02-24 10:00")) == 13  # naive is local


def test_office_hours_are_configurable():
    cal = WorkCalendar(CAL.holidays, CAL.extra_workdays, hours=[("08:30", "12:00"), ("14:00", "18:00")])
    assert cal.hours_per_day == 7.5
    assert cal.add_working_hours(at("2026-02-13 11:00"), 1) == at("2026-02-13 12:00")
    assert cal.add_working_hours(at("2026-02-13 11:00"), 1.5) == at("2026-02-13 14:30")
    assert cal.add_working_hours(at("2026-02-13 08:00"), 7.5) == at("2026-02-13 18:00")
    assert cal.closing_time(date(2026, 2, 13)) == at("2026-02-13 18:00")
    assert CAL.hours_per_day == 7
    assert CAL.closing_time(date(2026, 2, 13)) == at("2026-02-13 17:30")
    one_period = WorkCalendar(hours=[(time(9), time(17))])
    assert one_period.add_working_hours(at("2026-03-06 16:00"), 2) == at("2026-03-09 10:00")


@pytest.mark.parametrize(
    "hours,message",
    [
        ([], "at least one period"),
        ([("12:00", "09:00")], "does not end after it starts"),
        ([("09:00", "12:00"), ("11:00", "17:00")], "starts before period 1 ends"),
    ],
)
def test_bad_office_hours_are_refused(hours, message):
    with pytest.raises(ValueError, match=message):
        WorkCalendar(hours=hours)


def test_bad_calendars_and_amounts_are_refused():
    with pytest.raises(ValueError, match="2026-02-14 is listed both"):
        WorkCalendar([date(2026, 2, 14)], [date(2026, 2, 14)])
    with pytest.raises(TypeError):
        WorkCalendar(["2026-02-14"])
    for amount in (-1, math.nan, math.inf):
        with pytest.raises(ValueError):
            CAL.add_working_hours(at("2026-02-13 09:00"), amount)
    with pytest.raises(TypeError):
        CAL.add_working_hours(date(2026, 2, 13), 1)


# Properties

DAYS = st.dates(min_value=date(2003, 12, 1), max_value=date(2027, 1, 31))
MOMENTS = st.datetimes(min_value=datetime(2004, 1, 1), max_value=datetime(2026, 12, 31))


@settings(max_examples=300, deadline=None)
@given(DAYS, st.integers(min_value=0, max_value=1500))
def test_deadline_and_count_are_inverse(start, n):
    deadline = CAL.workday_deadline(start, n)
    assert CAL.workdays_between(start, deadline) == n
    if n:
        assert CAL.is_workday(deadline)
        assert CAL.workdays_between(start, deadline - timedelta(days=1)) == n - 1  # the first such day


@settings(max_examples=200, deadline=None)
@given(DAYS, st.integers(min_value=0, max_value=60))
def test_counting_agrees_with_walking_day_by_day(start, length):
    end = start + timedelta(days=length)
    walked = sum(CAL.is_workday(start + timedelta(days=i)) for i in range(1, length + 1))
    assert CAL.workdays_between(start, end) == walked
    day = start + timedelta(days=length)
    weekday_rule = day.weekday() < 5
    listed_off, listed_on = day in CAL.holidays, day in CAL.extra_workdays
    assert CAL.is_workday(day) == ((weekday_rule or listed_on) and not listed_off)


SPAN_DAYS = st.dates(min_value=date(2026, 1, 1), max_value=date(2026, 3, 31))


@settings(max_examples=300, deadline=None)
@given(st.sets(SPAN_DAYS, max_size=60), st.sets(SPAN_DAYS, max_size=30), SPAN_DAYS, st.integers(0, 80))
def test_any_calendar_agrees_with_walking_day_by_day(holidays, extra, start, n):
    cal = WorkCalendar(holidays, extra - holidays)
    walked, day = 0, start
    while walked < n:
        day += timedelta(days=1)
        walked += cal.is_workday(day)
    assert cal.workday_deadline(start, n) == day
    assert cal.workdays_between(start, day) == n


@settings(max_examples=300, deadline=None)
@given(MOMENTS, st.floats(min_value=0, max_value=7 * 1000))
def test_adding_hours_then_measuring_gives_them_back(start, hours):
    end = CAL.add_working_hours(start, hours)
    assert end >= start
    assert math.isclose(CAL.working_hours_between(start, end), hours, abs_tol=1e-6)
    if hours > 1e-6:  # the earliest such time: a microsecond before, the hours have not passed yet
        assert CAL.working_hours_between(start, end - timedelta(microseconds=1)) < hours


@settings(max_examples=200, deadline=None)
@given(MOMENTS, MOMENTS, MOMENTS)
def test_working_hours_add_up_over_consecutive_spans(a, b, c):
    a, b, c = sorted((a, b, c))
    whole = CAL.working_hours_between(a, c)
    assert math.isclose(
        CAL.working_hours_between(a, b) + CAL.working_hours_between(b, c), whole, abs_tol=1e-9
    )
    assert math.isclose(
        CAL.working_hours_between(a, c, [(b, c)]), CAL.working_hours_between(a, b), abs_tol=1e-9
    )


# Purity


def test_the_kernel_imports_only_the_standard_library():
    imported = set()
    for node in ast.walk(ast.parse(Path(worktime.__file__).read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            imported |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            imported.add(node.module.split(".")[0])
    assert imported
    assert imported <= set(sys.stdlib_module_names) | {"__future__"}, imported
