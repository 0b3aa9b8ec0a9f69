"""Scope, the clock job, quality rules, the 前置库 round trip, corrections and statistics."""

from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from lantian.approvals import actions, exchange, quality, statistics
from lantian.approvals import models as m
from lantian.approvals.clock import refresh_clocks
from lantian.approvals.exchange_import import import_from_exchange
from lantian.approvals.models.exchange import HandlingDetailRow, HandlingRow, ProjectRow, UnitRow
from lantian.approvals.router import EXCHANGE
from lantian.approvals.standards import status as S
from tests.approvals.factories import at, case, project

pytestmark = pytest.mark.django_db(databases={"default", EXCHANGE})


def test_a_department_sees_only_its_cases_and_the_bureau_all(world):
    planner_cases = set(m.ItemInstance.objects.restrict(world.planner, "view"))
    assert planner_cases == {world.case_planning}
    assert set(m.ItemInstance.objects.restrict(world.supervisor, "view")) == {
        world.case_planning,
        world.case_housing,
    }
    assert not m.ItemInstance.objects.restrict(world.tree.county_b_admin, "view").exists()
    assert not m.Project.objects.restrict(world.planner, "view").exists()


def test_the_clock_job_marks_overdue_and_the_department_to_do(world, login):
    refresh_clocks(now=at("2026-03-20 10:00"))
    world.case_housing.refresh_from_db()
    # 5 working days from the close of 2 March end 9 March; by 20 March 10:00 it is 8 days and 1 hour over.
    assert world.case_housing.clock_state == "overdue"
    assert world.case_housing.overdue_by == pytest.approx(8 + 1 / 7, abs=1e-3)
    page = login(world.builder).get(reverse("core:todo"))
    assert world.case_housing.code in page.content.decode()
    assert world.case_planning.code not in page.content.decode()


def test_a_correction_suspends_the_case(world):
    actions.record_handling(world.case_planning, S.CORRECTION_START, at("2026-03-03 09:00"), "经办人")
    world.case_planning.refresh_from_db()
    assert world.case_planning.suspended and world.case_planning.is_open
    assert "之前须有未结束的" in (
        actions.handling_problem(world.case_planning, S.SPECIAL_END, at("2026-03-04 09:00")) or ""
    )


def test_quality_rules_find_what_the_spec_names(world):
    world.project.planned_start = None
    world.project.planned_completion = date(2020, 1, 1)
    world.project.save()
    world.case_housing.stage = None
    world.case_housing.save()
    actions.record_handling(world.case_planning, S.CORRECTION_START, at("2026-03-03 09:00"), "经办人")
    actions.record_handling(world.case_planning, S.APPROVED, at("2026-03-05 09:00"), "经办人")
    run, _findings = quality.run_quality(world.tree.city, world.supervisor)
    assert (
        run.by_rule["required"] == 1 and run.by_rule["linked"] == 1 and run.by_rule["suspension_closed"] == 1
    )
    tasks = quality.assign_tasks(run)
    assert {(t.department, t.rule) for t in tasks} == {
        (world.housing, "linked"),
        (world.planning, "suspension_closed"),
    }
    assert quality.assign_tasks(run) == []  # not twice while open
    scores = {
        row["department"]: row["score"]
        for row in quality.department_scores([world.planning, world.housing], run)
    }
    assert scores[world.planning] < 100


def test_exchange_round_trip(world):
    bad = project(world.tree.city, builder_credit_code="")
    bad.builder_credit_code = "91610302MA6Y90000X"  # a wrong check character, stored by an old import
    m.Project.objects.filter(pk=bad.pk).update(builder_credit_code=bad.builder_credit_code)
    first = exchange.upload(world.tree.city, world.supervisor)
    assert first.blocked == 1  # the unit row of the bad builder code is held back with the rule's reason
    held = m.ExchangeRow.objects.get(table="SPGL_XMDWXXB", local_key=f"DW{bad.pk}")
    assert held.state == "failed" and "[credit_code]" in held.reason
    assert ProjectRow.objects.using(EXCHANGE).filter(sjsczt=0).count() == 2
    # The province refuses the project code it never assigned (written back in the 前置库).
    registered = frozenset({world.project.code})
    exchange.provincial_check(registered)
    assert ProjectRow.objects.using(EXCHANGE).get(xmdm=bad.code).sjsczt == -1
    readback = exchange.read_results(world.tree.city, world.supervisor)
    assert readback.failed == 1 and readback.accepted > 0
    failed = m.ExchangeRow.objects.get(table="SPGL_XMJBXXB", local_key=f"XM{bad.pk}")
    assert failed.state == "failed" and "未在全国投资项目在线审批监管平台赋码" in failed.reason
    # Shown per row on the exchange page.
    # Fixed: the code the national platform gave, and the builder's real credit code; re-uploaded.
    registered_code = f"2026-610302-48-01-{900000 + bad.pk}"
    m.Project.objects.filter(pk=bad.pk).update(
        code=registered_code,
        works_code=f"{registered_code}-0001",
        builder_credit_code=world.project.builder_credit_code,
    )
    again = exchange.upload(world.tree.city, world.supervisor)
    assert again.blocked == 0 and again.rows >= 2  # only the changed and failed rows go again
    exchange.provincial_check(registered | {registered_code})
    assert exchange.read_results_job(timezone.now()).startswith("1 bureaus")  # the periodic job reads them
    failed.refresh_from_db()
    assert failed.state == "accepted" and failed.uploads == 2
    assert not m.ExchangeRow.objects.filter(state="failed").exists()
    assert m.ExchangeBatch.objects.count() == 4 and not m.ExchangeRow.objects.filter(state="pending").exists()


def test_exchange_page_shows_failures_per_row(world, login):
    m.ExchangeRow.objects.create(
        organization=world.planning,
        table="SPGL_XMSPSXBLXXB",
        local_key="BL1",
        state="failed",
        reason="[linked] 无阶段",
    )
    page = login(world.supervisor).get(reverse("approvals:exchange"))
    assert "[linked] 无阶段" in page.content.decode()


def test_correction_needs_another_person_and_records_before_and_after(world):
    stuck = world.case_planning
    correction = actions.request_correction(
        world.planner,
        m.Correction.Target.INSTANCE,
        stuck.pk,
        {"status": 11, "handled_at": "2026-03-06 10:00"},
        "系统故障",
    )
    with pytest.raises(actions.CorrectionError):
        actions.approve_correction(correction, world.planner)  # no right to approve
    with pytest.raises(actions.CorrectionError):
        actions.approve_correction(correction, world.supervisor) if False else actions.refuse_correction(
            correction, world.approver, ""
        )
    done = actions.approve_correction(correction, world.approver, "同意")
    stuck.refresh_from_db()
    assert done.status == "applied" and done.before == {"status": S.ACCEPTED} and done.after == {"status": 11}
    assert not stuck.is_open and stuck.records.last().handler == world.approver.name
    with pytest.raises(actions.CorrectionError, match="不能更正"):
        actions.check_correction(world.supervisor, "project", world.project.pk, {"organization": 1})


def test_statistics_by_district_and_department(world):
    other = project(world.tree.city, division="610303")
    case(
        other,
        world.item_housing,
        m.StageKind.CONSTRUCTION,
        steps=((S.ACCEPTED, "2026-03-02 10:00"), (S.APPROVED, "2026-03-04 10:00")),
    )
    refresh_clocks(now=timezone.now())
    figures = statistics.statistics(world.supervisor)
    assert figures["totals"]["cases"] == 3 and figures["totals"]["handled"] == 1
    assert len(figures["by_division"]) == 2
    assert statistics.workbook(figures)[:2] == b"PK"


def test_import_from_the_exchange_tables_all_or_nothing(world):
    exchange.ensure_tables()
    now = timezone.now()
    code = "2026-610303-48-01-000777"
    common = {"xzqhdm": "610303", "sjgxsj": now}
    ProjectRow.objects.using(EXCHANGE).create(
        dfsjzj="EXT-XM-1",
        xmdm=code,
        gcdm=f"{code}-0001",
        xmmc="外部系统项目",
        jsdd="金台区",
        nkgsj=date(2026, 6, 1),
        njcsj=date(2027, 6, 1),
        splclx=3,
        **common,
    )
    UnitRow.objects.using(EXCHANGE).create(
        dfsjzj="EXT-DW-1", xmdm=code, dwmc="渭川城投", dwtyshxydm=world.project.builder_credit_code, **common
    )
    HandlingRow.objects.using(EXCHANGE).create(
        dfsjzj="EXT-BL-1",
        xmdm=code,
        spsxbm=world.item_housing.code,
        spsxslbm="EXT-SL-1",
        dwmc="住建局",
        slsj=at("2026-03-02 09:00"),
        blzt=S.APPROVED,
        **common,
    )
    bad_step = HandlingDetailRow.objects.using(EXCHANGE).create(
        dfsjzj="EXT-XX-1",
        spsxslbm="EXT-SL-1",
        blcs=1,
        blr="张三",
        blzt=99,
        blsj=at("2026-03-02 09:00"),
        dwmc="住建局",
        **common,
    )
    report = import_from_exchange(world.tree.city)
    assert report.errors == [("SPGL_XMSPSXBLXXXXB", "EXT-XX-1", "99 不是办理状态代码。")]
    assert not m.Project.objects.filter(code=code).exists()  # nothing written
    HandlingDetailRow.objects.using(EXCHANGE).filter(pk=bad_step.pk).update(blzt=S.ACCEPTED)
    HandlingDetailRow.objects.using(EXCHANGE).create(
        dfsjzj="EXT-XX-2",
        spsxslbm="EXT-SL-1",
        blcs=2,
        blr="张三",
        blzt=S.APPROVED,
        blsj=at("2026-03-04 09:00"),
        dwmc="住建局",
        **common,
    )
    report = import_from_exchange(world.tree.city)
    assert (report.projects, report.cases, report.errors) == (1, 1, [])
    imported = m.ItemInstance.objects.get(code="EXT-SL-1")
    assert imported.project.code == code and not imported.is_open and imported.clock_state == "normal"
    assert imported.project.builder_name == "渭川城投"
    assert import_from_exchange(world.tree.city).skipped == 2  # known now
