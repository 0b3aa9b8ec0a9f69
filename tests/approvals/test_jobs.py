"""The clock job and the quality run over the database give what the per-object path gives: cases with
corrections, special procedures, odd histories and the 2026 holidays."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from lantian.approvals import models as m
from lantian.approvals.clock import refresh_clocks, sync_status
from lantian.approvals.quality import run_quality
from lantian.approvals.router import EXCHANGE
from lantian.approvals.standards import status as S
from lantian.approvals.standards.clock import item_clock
from lantian.core.worktime import calendar
from tests.approvals.factories import at, item

pytestmark = pytest.mark.django_db(databases={"default", EXCHANGE})

STORED = ("clock_state", "remaining", "overdue_by", "used_workdays", "suspended")

# (limit, unit, steps): acceptance, corrections (6/7) and special procedures (9/10) across the Spring
# Festival (15–23 Feb), Labour Day (1–5 May) and National Day (1–8 Oct), with their working weekends.
HISTORIES = (
    (5, "workdays", [(S.ACCEPTED, "2026-02-12 10:30")]),
    (3, "workdays", [(S.ACCEPTED, "2026-09-28 09:00"), (6, "2026-09-29 09:00"), (7, "2026-10-09 09:00")]),
    (10, "workdays", [(S.ACCEPTED, "2026-11-20 10:00"), (6, "2026-11-25 09:00")]),  # held now
    (
        20,
        "workhours",
        [
            (S.ACCEPTED, "2026-06-01 09:00"),
            (6, "2026-06-02 09:00"),
            (9, "2026-06-03 09:00"),
            (7, "2026-06-04 09:00"),
            (10, "2026-06-05 09:00"),
        ],
    ),
    (5, "workdays", [(S.ACCEPTED, "2026-03-02 09:00"), (S.APPROVED, "2026-03-20 10:00")]),
    (10, "days", [(S.ACCEPTED, "2026-04-28 16:00"), (9, "2026-04-30 09:00"), (10, "2026-05-06 09:00")]),
    (48, "hours", [(S.ACCEPTED, "2026-11-30 08:00"), (6, "2026-12-01 10:00"), (7, "2026-12-02 10:00")]),
    (10, "workdays", []),  # received only: not started
    (7, "workdays", [(S.HANDLING_START, "2026-12-01 18:30")]),  # started without acceptance, after close
    (15, "workdays", [(S.ACCEPTED, "2026-02-14 09:00"), (7, "2026-02-25 09:00")]),  # 调休 Saturday; lone end
    (15, "workdays", [(S.ACCEPTED, "2026-01-05 09:00"), (6, "2026-01-06 09:00"), (11, "2026-01-20 09:00")]),
    (5, "workdays", [(S.WITHDRAWN, "2026-05-06 09:00")]),
    (48, "workhours", [(S.ACCEPTED, "2026-12-04 17:00")]),  # a few hours left: warning
    (20, "workdays", [(S.ACCEPTED, "2026-11-30 09:00"), (9, "2026-12-01 09:00"), (10, "2026-12-03 09:00")]),
    (3, "workdays", [(S.ACCEPTED, "2026-09-30 11:00"), (S.REJECTED, "2026-10-12 12:00")]),
)


def _case(department, approval_item, serial, limit, unit, steps):
    received = at(steps[0][1]) - timedelta(minutes=30) if steps else at("2026-12-01 09:00")
    instance = m.ItemInstance.objects.create(
        code=f"JOB{serial:05d}",
        item=approval_item,
        department=department,
        time_limit=limit,
        limit_unit=unit,
        received_at=received,
    )
    records = [(S.RECEIVED, received)] + [(code, at(moment)) for code, moment in steps]
    m.HandlingRecord.objects.bulk_create(
        m.HandlingRecord(instance=instance, sequence=n, status=code, handled_at=moment, handler="经办人")
        for n, (code, moment) in enumerate(records, start=1)
    )
    sync_status(instance)
    instance.save()
    return instance


def _per_object(now) -> dict[int, tuple]:
    """The stored clock fields as the job computed them before it read columns: model instances, their
    records, the kernel and the same rounding, one instance at a time."""
    cal = calendar()
    expected = {}
    for instance in m.ItemInstance.objects.prefetch_related("records"):
        events = [(r.status, r.handled_at) for r in sorted(instance.records.all(), key=lambda r: r.sequence)]
        clock = item_clock(cal, instance.time_limit, instance.limit_unit, events, now)
        if clock.unit == "workdays":
            used = round(clock.used, 4)
        elif clock.unit == "workhours":
            used = round(clock.used / cal.hours_per_day, 4)
        elif clock.started_at:
            end = clock.stopped_at or now
            used = round(cal.working_hours_between(clock.started_at, end) / cal.hours_per_day, 4)
        else:
            used = 0.0
        expected[instance.pk] = (
            clock.state,
            round(clock.remaining, 4),
            round(clock.overdue, 4),
            used,
            clock.suspended,
        )
    return expected


def _stored() -> dict[int, tuple]:
    return {pk: tuple(values) for pk, *values in m.ItemInstance.objects.values_list("pk", *STORED)}


@pytest.fixture
def cases(world):
    approval_item = item(world.planning, "JOB-001", m.StageKind.WORKS_PLANNING, 10)
    made = [
        _case(world.planning, approval_item, n, limit, unit, steps)
        for n, (limit, unit, steps) in enumerate(HISTORIES)
    ]
    m.ItemInstance.objects.update(clock_at=None)  # as imported: never computed
    return made


def _clock_writes(queries) -> int:
    return sum('"clock_state" =' in query["sql"] for query in queries)


def test_the_clock_job_stores_what_the_per_object_path_computes(cases):
    now = at("2026-12-07 14:00")
    assert refresh_clocks(now) == m.ItemInstance.objects.count()
    assert _stored() == _per_object(now)
    assert set(m.ItemInstance.objects.values_list("clock_at", flat=True)) == {now}
    states = {values[0] for values in _stored().values()}
    assert states == {"normal", "warning", "overdue"}
    assert m.ItemInstance.objects.filter(suspended=True).exists()

    # A step on an open case, then the job a day later: the open cases again, the closed ones kept.
    first = cases[0]
    m.HandlingRecord.objects.create(
        instance=first,
        sequence=3,
        status=S.CORRECTION_START,
        handled_at=at("2026-12-07 15:00"),
        handler="经办人",
    )
    later = at("2026-12-08 11:00")
    refresh_clocks(later)
    assert _stored() == _per_object(later)
    computed = dict(m.ItemInstance.objects.values_list("pk", "clock_at"))
    assert all(computed[c.pk] == (later if c.is_open else now) for c in cases)


def test_the_clock_job_writes_only_the_clocks_that_changed(cases):
    now = at("2026-12-07 14:00")
    refresh_clocks(now)
    with CaptureQueriesContext(connection) as queries:
        refresh_clocks(now)
    assert _clock_writes(queries) == 0  # nothing changed: only clock_at is stamped
    assert set(m.ItemInstance.objects.values_list("clock_at", flat=True)) == {now}
    with CaptureQueriesContext(connection) as queries:
        refresh_clocks(at("2026-12-08 11:00"))
    assert _clock_writes(queries) >= 1
    assert _stored() == _per_object(at("2026-12-08 11:00"))


def test_the_quality_run_keeps_every_finding_of_the_rules(cases, world):
    run, findings = run_quality(world.tree.city, world.supervisor)
    stored = set(run.results.values_list("rule", "table", "record_key", "field"))
    assert stored == {(f.rule, f.table, f.key, f.field) for f in findings}
    steps = m.HandlingRecord.objects.filter(instance__in=cases).count()
    lone_end = m.HandlingRecord.objects.get(instance=cases[9], status=S.CORRECTION_END)
    left_open = m.HandlingRecord.objects.get(instance=cases[10], status=S.CORRECTION_START)
    assert {key for rule, _t, key, _f in stored if rule == "suspension_closed"} == {
        f"BLXX{lone_end.pk}",
        f"BLXX{left_open.pk}",
    }
    # the fixture's cases have no project nor stage: two findings each, on the case row
    linked = {(key, field) for rule, _t, key, field in stored if rule == "linked"}
    assert linked == {(f"BL{c.pk}", field) for c in cases for field in ("XMDM", "SPJDXH")}
    assert run.checked >= len(cases) + steps
    assert run.by_rule["suspension_closed"] == 2 and run.by_rule["linked"] == 2 * len(cases)
