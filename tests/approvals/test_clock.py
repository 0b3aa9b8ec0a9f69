"""The item clock against hand-counted cases across the 2026 holidays and a minute-walking reference."""

import csv
import random
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from lantian.approvals.standards import status as S
from lantian.approvals.standards.clock import item_clock
from lantian.core.standards.worktime import WorkCalendar

CSV = Path(__file__).parents[2] / "src/lantian/core/data/calendar/china.csv"


def _calendar():
    holidays, workdays = [], []
    with CSV.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row["date"].startswith(("2025", "2026")):
                (holidays if row["kind"] == "holiday" else workdays).append(date.fromisoformat(row["date"]))
    return WorkCalendar(holidays, workdays)


CAL = _calendar()


def at(text):
    return datetime.fromisoformat(text)


def test_working_days_leave_out_the_start_day_and_spring_festival():
    # Accepted Thursday 2026-02-12; working days after it: 13 (Fri), 14 (Sat, 调休), 24, 25, 26 (the
    # holiday runs 15–23): the 5-day limit ends at the close of 26 February.
    events = [(S.RECEIVED, at("2026-02-12 10:00")), (S.ACCEPTED, at("2026-02-12 10:30"))]
    on_time = item_clock(CAL, 5, "workdays", events, at("2026-02-26 17:30"))
    assert on_time.remaining == 0 and on_time.state == "warning"
    late = item_clock(CAL, 5, "workdays", events, at("2026-02-27 12:00"))
    assert late.state == "overdue" and late.overdue == pytest.approx(3 / 7)
    early = item_clock(CAL, 5, "workdays", events, at("2026-02-13 17:30"))
    assert early.remaining == pytest.approx(4) and early.state == "normal"


def test_a_correction_stops_the_clock_and_an_open_one_holds_it():
    events = [
        (S.ACCEPTED, at("2026-09-28 09:00")),  # Monday; 29, 30 work, 1–7 October off, 9/10 work
        (S.CORRECTION_START, at("2026-09-29 09:00")),
        (S.CORRECTION_END, at("2026-10-09 09:00")),
    ]
    # Counted: 29 Sept before 9:00 nothing, then 9 Oct from 9:00. 3 working days end 13 Oct close
    # (9 Fri, 10 Sat 调休, 12 Mon → the 3rd is 12 Oct). Used by 12 Oct close: 3 days.
    clock = item_clock(CAL, 3, "workdays", events, at("2026-10-12 17:30"))
    assert clock.used == pytest.approx(3) and clock.state == "warning"
    assert item_clock(CAL, 3, "workdays", events, at("2026-10-13 09:30")).overdue == pytest.approx(0.5 / 7)
    held = item_clock(CAL, 3, "workdays", events[:2], at("2026-12-31 12:00"))
    assert held.suspended and held.used == 0 and held.state == "normal"
    assert held.suspended_hours == pytest.approx(
        CAL.working_hours_between(at("2026-09-29 09:00"), at("2026-12-31 12:00"))
    )


def test_special_procedure_overlapping_a_correction_counts_once():
    events = [
        (S.ACCEPTED, at("2026-06-01 09:00")),
        (S.CORRECTION_START, at("2026-06-02 09:00")),
        (S.SPECIAL_START, at("2026-06-03 09:00")),
        (S.CORRECTION_END, at("2026-06-04 09:00")),
        (S.SPECIAL_END, at("2026-06-05 09:00")),
    ]
    clock = item_clock(CAL, 20, "workhours", events, at("2026-06-05 12:00"))
    # Before: 1 June 9:00 – 2 June 9:00 = 7 h; after: 5 June 9:00–12:00 = 3 h.
    assert clock.used == pytest.approx(10) and clock.suspended_hours == pytest.approx(21)
    assert clock.state == "warning"  # 10 h left, ≤ 48 h


def test_completion_stops_the_clock_and_keeps_the_state():
    events = [(S.ACCEPTED, at("2026-03-02 09:00")), (S.APPROVED, at("2026-03-20 10:00"))]
    finished = item_clock(CAL, 5, "workdays", events, at("2026-12-01 09:00"))
    assert finished.stopped_at == at("2026-03-20 10:00") and finished.state == "overdue"
    assert finished.overdue == pytest.approx(13 + 1 / 7 - 5)  # 3–19 March: 13 days, 20th: 1 h


def test_not_started_and_bad_input():
    clock = item_clock(CAL, 10, "workdays", [(S.RECEIVED, at("2026-03-02 09:00"))], at("2026-05-01 09:00"))
    assert clock.started_at is None and clock.remaining == 10 and clock.state == "normal"
    with pytest.raises(ValueError, match="unit"):
        item_clock(CAL, 10, "weeks", [], at("2026-05-01 09:00"))
    with pytest.raises(ValueError, match="positive"):
        item_clock(CAL, 0, "days", [], at("2026-05-01 09:00"))
    with pytest.raises(ValueError, match="code 99"):
        item_clock(CAL, 3, "days", [(99, at("2026-05-01 09:00"))], at("2026-05-01 09:00"))


def test_natural_days_and_aware_times():
    tz = ZoneInfo("Asia/Shanghai")
    events = [
        (S.ACCEPTED, datetime(2026, 9, 30, 16, 0, tzinfo=tz)),
        (S.SPECIAL_START, datetime(2026, 10, 2, 0, 0, tzinfo=tz)),
    ]
    utc = ZoneInfo("UTC")
    clock = item_clock(CAL, 3, "days", events, datetime(2026, 10, 20, 0, 0, tzinfo=utc))
    assert clock.used == pytest.approx(1) and clock.suspended  # 1 Oct counted, then held


def _reference(cal, limit, unit, events, now):
    """Walk minute by minute: count the minutes that are counted time, outside suspensions."""
    events = sorted(events, key=lambda e: e[1])
    start = next((m for c, m in events if c == S.ACCEPTED), None)
    stop = next((m for c, m in events if c in S.FINAL and m >= start), now)
    spans, open_at = [], {}
    for code, moment in events:
        if moment > stop:
            break
        if code in (6, 9):
            open_at.setdefault(code, moment)
        elif code in (7, 10) and (code - 1) in open_at:
            spans.append((open_at.pop(code - 1), moment))
    spans += [(m, stop) for m in open_at.values()]
    if unit == "workdays":
        begin = datetime.combine(start.date() + timedelta(days=1), datetime.min.time())
    else:
        begin = start
    minutes, moment = 0, begin
    while moment < stop:
        in_office = cal.is_workday(moment.date()) and any(
            datetime.combine(moment.date(), a) <= moment < datetime.combine(moment.date(), b)
            for a, b in cal.hours
        )
        if in_office and not any(a <= moment < b for a, b in spans):
            minutes += 1
        moment += timedelta(minutes=1)
    used = minutes / 60 / (cal.hours_per_day if unit == "workdays" else 1)
    return limit - used


@pytest.mark.parametrize("seed", range(12))
def test_random_histories_match_a_minute_walk(seed):
    rng = random.Random(seed)
    start = datetime(2026, 1, 1, 9, 0) + timedelta(days=rng.randrange(0, 330), minutes=rng.randrange(0, 600))
    moment = start
    events = [(S.ACCEPTED, moment)]
    for _ in range(rng.randrange(0, 4)):
        moment += timedelta(minutes=rng.randrange(60, 6000))
        kind = rng.choice((6, 9))
        events.append((kind, moment))
        if rng.random() < 0.8:
            moment += timedelta(minutes=rng.randrange(30, 9000))
            events.append((kind + 1, moment))
    if rng.random() < 0.5:
        events.append((S.APPROVED, moment + timedelta(minutes=rng.randrange(30, 20000))))
    now = moment + timedelta(minutes=rng.randrange(0, 30000))
    unit, limit = rng.choice((("workdays", rng.randrange(1, 20)), ("workhours", rng.randrange(4, 80))))
    rng.shuffle(events)
    clock = item_clock(CAL, limit, unit, events, now)
    assert clock.remaining == pytest.approx(_reference(CAL, limit, unit, events, now), abs=1e-6)
