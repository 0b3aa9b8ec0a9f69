"""The SLA clock kernel against an independent minute-by-minute count (lantian.ops.sla)."""

from datetime import date, datetime, time, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lantian.core.standards.worktime import WorkCalendar
from lantian.ops.sla import BREACHED, OK, WARNING, Timeline, evaluate_clock, incident_clocks, report_due

# 2026 National Day: 1–8 October off, Saturday 10 October worked (国办发明电〔2025〕7号).
HOLIDAYS = [date(2026, 10, d) for d in range(1, 9)]
WORKED = [date(2026, 10, 10)]
OFFICE = WorkCalendar(HOLIDAYS, WORKED)


def minute_count(start, end, pauses, office):
    """Counted minutes by walking every minute: a minute counts when it is inside office hours (if any),
    inside [start, end) and outside every pause."""
    count = 0
    moment = start
    while moment < end:
        paused = any(begin <= moment < (finish or end) for begin, finish in pauses)
        if not paused and (not office or _in_office(moment)):
            count += 1
        moment += timedelta(minutes=1)
    return count


def _in_office(moment):
    day = moment.date()
    workday = (day.weekday() < 5 and day not in HOLIDAYS) or day in WORKED
    t = moment.time()
    return workday and (time(9) <= t < time(12) or time(13, 30) <= t < time(17, 30))


def test_24x7_with_pause_met_and_breached():
    start = datetime(2026, 3, 2, 10, 0)
    pause = (datetime(2026, 3, 2, 10, 10), datetime(2026, 3, 2, 10, 40))
    met = evaluate_clock(
        start=start,
        target_minutes=30,
        stop=datetime(2026, 3, 2, 10, 55),
        pauses=[pause],
        now=datetime(2026, 3, 3),
    )
    assert met.elapsed_minutes == 25 and met.state == WARNING and not met.running
    breached = evaluate_clock(
        start=start,
        target_minutes=30,
        stop=datetime(2026, 3, 2, 11, 1),
        pauses=[pause],
        now=datetime(2026, 3, 3),
    )
    assert breached.elapsed_minutes == 31 and breached.state == BREACHED


def test_exactly_at_target_is_met_and_75_percent_warns():
    start = datetime(2026, 3, 2, 10, 0)
    at = evaluate_clock(
        start=start, target_minutes=40, stop=start + timedelta(minutes=40), now=start + timedelta(hours=1)
    )
    assert at.state == WARNING and not at.breached
    running = evaluate_clock(start=start, target_minutes=40, now=start + timedelta(minutes=29))
    assert running.state == OK and running.due_at == start + timedelta(minutes=40)
    assert running.warn_at == start + timedelta(minutes=30)
    assert evaluate_clock(start=start, target_minutes=40, now=start + timedelta(minutes=30)).state == WARNING


def test_zero_target_means_immediately():
    start = datetime(2026, 3, 2, 10, 0)
    assert evaluate_clock(start=start, target_minutes=0, stop=start, now=start).state == OK
    late = evaluate_clock(
        start=start, target_minutes=0, stop=start + timedelta(minutes=1), now=start + timedelta(hours=1)
    )
    assert evaluate_clock(start=start, target_minutes=0, stop=start + timedelta(minutes=1), now=start).running
    assert late.state == BREACHED


def test_open_pause_freezes_the_clock_and_has_no_due_time():
    start = datetime(2026, 3, 2, 10, 0)
    pauses = [(datetime(2026, 3, 2, 10, 20), None)]
    reading = evaluate_clock(start=start, target_minutes=30, pauses=pauses, now=datetime(2026, 3, 2, 18, 0))
    assert reading.elapsed_minutes == 20 and reading.paused and reading.running
    assert reading.due_at is None and reading.state == OK


def test_office_hours_across_national_day():
    # Reported Wednesday 30 September 16:00: 1.5 hours that day, then nothing until Friday 9 October.
    start = datetime(2026, 9, 30, 16, 0)
    reading = evaluate_clock(
        start=start, target_minutes=6 * 60, now=datetime(2026, 10, 9, 12, 0), calendar=OFFICE
    )
    assert reading.elapsed_minutes == pytest.approx(90 + 180)
    # 90 minutes of the 360 remain: 13:30 + 1.5 h on 9 October.
    assert reading.due_at == datetime(2026, 10, 9, 15, 0)
    # Worked Saturday 10 October counts.
    on_saturday = evaluate_clock(
        start=datetime(2026, 10, 9, 17, 0),
        target_minutes=60,
        stop=datetime(2026, 10, 10, 9, 31),
        now=datetime(2026, 10, 12),
        calendar=OFFICE,
    )
    assert on_saturday.elapsed_minutes == pytest.approx(61) and on_saturday.breached


def test_incident_clocks_stop_at_their_events():
    t = Timeline(
        reported=datetime(2026, 3, 2, 10, 0),
        responded=datetime(2026, 3, 2, 10, 20),
        restored=datetime(2026, 3, 2, 11, 0),
        resolved=datetime(2026, 3, 3, 9, 0),
    )
    clocks = incident_clocks(t, {"own": 30, "restore": 40, "resolve": 24 * 60}, now=datetime(2026, 3, 9))
    assert clocks["own"].elapsed_minutes == 20 and clocks["own"].state == OK
    assert clocks["restore"].elapsed_minutes == 60 and clocks["restore"].breached
    assert clocks["resolve"].elapsed_minutes == 23 * 60 and clocks["resolve"].state == WARNING
    assert "restore" not in incident_clocks(t, {"own": 30, "resolve": 60}, now=datetime(2026, 3, 9))
    assert report_due(t.resolved) == datetime(2026, 3, 4, 9, 0)


def test_bad_timelines_are_refused():
    with pytest.raises(ValueError, match="before the report"):
        incident_clocks(
            Timeline(datetime(2026, 3, 2, 10), responded=datetime(2026, 3, 2, 9)),
            {"own": 5},
            now=datetime(2026, 3, 3),
        )
    with pytest.raises(ValueError, match="pause 1 ends"):
        evaluate_clock(
            start=datetime(2026, 3, 2),
            target_minutes=5,
            now=datetime(2026, 3, 3),
            pauses=[(datetime(2026, 3, 2, 5), datetime(2026, 3, 2, 4))],
        )
    with pytest.raises(ValueError, match="negative"):
        evaluate_clock(start=datetime(2026, 3, 2), target_minutes=-1, now=datetime(2026, 3, 3))


MINUTES = st.integers(min_value=0, max_value=6 * 24 * 60)
BASE = datetime(2026, 9, 28, 8, 0)  # a Monday before National Day


@st.composite
def timelines(draw):
    length = draw(st.integers(min_value=0, max_value=5 * 24 * 60))
    pauses = []
    for _ in range(draw(st.integers(min_value=0, max_value=3))):
        a = draw(st.integers(min_value=0, max_value=length + 60))
        b = draw(st.one_of(st.none(), st.integers(min_value=a, max_value=length + 120)))
        pauses.append((BASE + timedelta(minutes=a), None if b is None else BASE + timedelta(minutes=b)))
    stopped = draw(st.booleans())
    return length, pauses, stopped


@settings(max_examples=60, deadline=None)
@given(timelines(), st.integers(min_value=0, max_value=3000), st.booleans())
def test_matches_minute_by_minute_count(timeline, target, office):
    length, pauses, stopped = timeline
    end = BASE + timedelta(minutes=length)
    now = end if not stopped else end + timedelta(days=3)
    reading = evaluate_clock(
        start=BASE,
        target_minutes=target,
        now=now,
        stop=end if stopped else None,
        pauses=pauses,
        calendar=OFFICE if office else None,
    )
    expected = minute_count(BASE, end, pauses, office)
    assert reading.elapsed_minutes == pytest.approx(expected, abs=1e-6)
    if expected > target:
        assert reading.state == BREACHED
    elif target and expected >= 0.75 * target:
        assert reading.state == WARNING
    else:
        assert reading.state == OK
