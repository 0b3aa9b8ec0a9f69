"""Leak repair (spec §3): tasks opened from leaks with the kernel's deadlines (bulk, idempotent, through
the readings-saved hook), delayed repair through the review flow, repair work orders closed only by the
agency's passing re-test, who may do what, the periodic jobs (overdue, due dates, monthly figures), the
to-do centre, repeated repairs and the seal point's page."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import ProtectedError
from django.urls import reverse
from django.utils import timezone

from lantian.core import review
from lantian.core.models import ReviewStatus
from lantian.core.todo import items_for
from lantian.ldar import standards
from lantian.ldar.actions_repair import open_repair_tasks, record_retest, refresh_repeats
from lantian.ldar.forms_detection import DetectionRecordForm
from lantian.ldar.models import DetectionRecord, LeakRuleSet, RetestRecord
from lantian.ldar.models.repair import DelayedRepair, DetectionDue, RepairMonth, RepairOrder, RepairTask
from lantian.ldar.repair_jobs import (
    detection_due_job,
    overdue_job,
    refresh_detection_due,
    refresh_repair_months,
)
from tests.ldar.cases import detection
from tests.ldar.detection_factories import record
from tests.ldar.factories import moment, more_points

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 4, 9)


def leak_task(d) -> RepairTask:
    open_repair_tasks([d.leak.pk, d.record.pk])
    return RepairTask.objects.get(detection=d.leak)


def retest_data(d, net, at="2026-04-14T10:00:00"):
    return {
        "background": "1",
        "reading": str(net + 1),
        "instrument": str(d.instrument.pk),
        "operator": "张伟",
        "tested_at": at,
    }


def repair(task, day=datetime.date(2026, 4, 10)) -> RepairOrder:
    return RepairOrder.objects.create(task=task, repaired_on=day, repaired_by="王五", method="packing")


# --- opening tasks ---


def test_a_leak_opens_one_task_with_the_kernels_deadlines(tree):
    d = detection(tree)
    assert open_repair_tasks([d.leak.pk, d.record.pk]) == 1
    task = RepairTask.objects.get()
    assert task.detection == d.leak and task.seal_point == d.leak.seal_point and task.tag == d.leak.tag
    assert (task.first_attempt_due, task.complete_due) == standards.repair_due(d.leak.detected_on)
    assert task.due_on == task.complete_due and task.state == RepairTask.State.OPEN
    assert task.enterprise == tree.ent_a1 and task.agency == tree.agency
    assert open_repair_tasks([d.leak.pk, d.record.pk]) == 0  # idempotent
    assert RepairTask.objects.count() == 1


def test_the_same_leak_read_again_while_open_opens_no_second_task(tree):
    d = detection(tree)
    leak_task(d)
    again = record(d.cycle, d.leak.seal_point, 7000.0, at=moment(2026, 4, 20, 9))
    assert open_repair_tasks([again.pk]) == 0


def test_a_reading_corrected_to_no_leak_cancels_its_untouched_task_and_back(tree):
    d = detection(tree)
    task = leak_task(d)
    DetectionRecord.objects.filter(pk=d.leak.pk).update(is_leak=False)
    open_repair_tasks([d.leak.pk])
    task.refresh_from_db()
    assert task.state == RepairTask.State.CANCELLED
    DetectionRecord.objects.filter(pk=d.leak.pk).update(is_leak=True)
    open_repair_tasks([d.leak.pk])
    task.refresh_from_db()
    assert task.state == RepairTask.State.OPEN


def test_saving_a_reading_through_its_form_opens_the_task_on_commit(tree, django_capture_on_commit_callbacks):
    d = detection(tree)
    point = d.archive.points[2]
    form = DetectionRecordForm(
        data={
            "cycle": d.cycle.pk,
            "tag": point.tag,
            "background": "1",
            "reading": "8000",
            "instrument": d.instrument.pk,
            "operator": "张伟",
            "started_at": "2026-04-08T11:00:00",
            "ended_at": "2026-04-08T11:00:30",
        },
        user=tree.agency_admin,
        action="add",
    )
    assert form.is_valid(), form.errors
    with django_capture_on_commit_callbacks(execute=True):
        saved = form.save()
    assert RepairTask.objects.filter(detection=saved).exists()


def test_opening_is_bulk(tree, django_assert_max_num_queries):
    d = detection(tree)
    more_points(d.archive.group, 60)
    records = [record(d.cycle, p, 9000.0) for p in d.archive.group.points.filter(detections__isnull=True)]
    with django_assert_max_num_queries(16):
        assert open_repair_tasks([r.pk for r in records]) == len(records)


def test_three_repairs_of_a_point_within_a_year_are_repeated(tree):
    d = detection(tree)
    point = d.leak.seal_point
    first = leak_task(d)
    days = [(2026, 5, 10), (2026, 6, 10)]
    for day in days:
        RepairTask.objects.filter(seal_point=point).update(state=RepairTask.State.REPAIRED)
        r = record(d.cycle, point, 9000.0, at=moment(*day, 9))
        open_repair_tasks([r.pk])
    tasks = list(RepairTask.objects.filter(seal_point=point).order_by("detected_on"))
    assert [t.repeat_count for t in tasks] == [1, 2, 3]
    assert [t.repeated for t in tasks] == [False, False, True]
    RepairTask.objects.filter(pk=first.pk).update(detected_on=datetime.date(2025, 4, 1))
    refresh_repeats({point.pk})
    assert [t.repeat_count for t in RepairTask.objects.filter(seal_point=point).order_by("detected_on")] == [
        1,
        1,
        2,
    ]


# --- delayed repair ---


def test_a_delay_goes_to_the_bureau_and_moves_the_deadline_only_once_approved(tree):
    d = detection(tree)
    task = leak_task(d)
    delay = DelayedRepair(
        task=task, reason_kind="shutdown", reason="需停车", planned_date=datetime.date(2026, 9, 1)
    )
    delay.full_clean()
    delay.save()
    review.submit(delay, tree.ent_a1_admin)
    review.reject(delay, tree.county_a_admin, "计划日期过晚")
    task.refresh_from_db()
    assert not task.delayed and task.due_on == task.complete_due
    delay.planned_date = datetime.date(2026, 6, 1)
    delay.save()
    review.submit(delay, tree.ent_a1_admin)
    review.approve(delay, tree.county_a_admin)
    task.refresh_from_db()
    assert task.delayed and task.due_on == datetime.date(2026, 6, 1)
    assert delay.status == ReviewStatus.APPROVED


def test_a_delay_must_plan_after_the_deadline_and_an_enterprise_cannot_review_it(tree):
    d = detection(tree)
    task = leak_task(d)
    with pytest.raises(ValidationError, match="planned_date"):
        DelayedRepair(task=task, reason_kind="other", reason="x", planned_date=task.complete_due).full_clean()
    delay = DelayedRepair.objects.create(
        task=task, reason_kind="unsafe", reason="带压", planned_date=datetime.date(2026, 7, 1)
    )
    review.submit(delay, tree.ent_a1_admin)
    with pytest.raises(review.ReviewNotAllowed):
        review.approve(delay, tree.ent_a2_admin)
    with pytest.raises(review.ReviewNotAllowed):
        review.approve(delay, tree.county_b_admin)  # not the enterprise's bureau
    second = DelayedRepair.objects.create(
        task=task, reason_kind="unsafe", reason="带压", planned_date=datetime.date(2026, 8, 1)
    )
    with pytest.raises(review.ReviewError, match="正在审核中"):
        review.submit(second, tree.ent_a1_admin)


# --- repairs and re-tests ---


def test_a_failing_retest_keeps_the_task_open_and_a_passing_one_closes_it(tree):
    d = detection(tree)
    task = leak_task(d)
    first = repair(task)
    task.refresh_from_db()
    assert task.first_attempt_on == datetime.date(2026, 4, 10)
    assert record_retest(first, tree.agency_admin, retest_data(d, 6000)).is_valid()
    first.refresh_from_db()
    task.refresh_from_db()
    assert first.result == RepairOrder.Result.FAILED and task.is_open
    second = repair(task, datetime.date(2026, 4, 15))
    assert record_retest(second, tree.agency_admin, retest_data(d, 20, "2026-04-16T09:00:00")).is_valid()
    second.refresh_from_db()
    task.refresh_from_db()
    assert second.result == RepairOrder.Result.PASSED and second.retest_value == 20
    assert task.state == RepairTask.State.REPAIRED and task.closed_on == datetime.date(2026, 4, 15)
    assert not task.late  # repaired 7 days after detection: within 15
    assert RetestRecord.objects.filter(detection=d.leak).count() == 3  # the factory's and these two


def test_a_retest_at_the_threshold_is_still_a_leak(tree):
    d = detection(tree)
    task = leak_task(d)
    order = repair(task)
    record_retest(order, tree.agency_admin, retest_data(d, d.leak.threshold))
    order.refresh_from_db()
    assert order.result == RepairOrder.Result.FAILED


def test_a_repair_after_the_deadline_is_late(tree):
    d = detection(tree)
    task = leak_task(d)
    order = repair(task, datetime.date(2026, 4, 30))
    record_retest(order, tree.agency_admin, retest_data(d, 5, "2026-05-01T09:00:00"))
    task.refresh_from_db()
    assert task.state == RepairTask.State.REPAIRED and task.late


def test_only_the_agency_retests_and_nobody_edits_a_retested_repair(tree):
    d = detection(tree)
    task = leak_task(d)
    order = repair(task)
    with pytest.raises(PermissionDenied):
        record_retest(order, tree.ent_a1_admin, retest_data(d, 5))
    form = record_retest(order, tree.agency_admin, {**retest_data(d, 5), "tested_at": "2026-04-01T09:00:00"})
    assert not form.is_valid() and "tested_at" in form.errors  # before the detection: refused, nothing saved
    order.refresh_from_db()
    assert order.retest is None
    record_retest(order, tree.agency_admin, retest_data(d, 5))
    order.refresh_from_db()
    with pytest.raises(ValidationError):
        order.full_clean()
    with pytest.raises(ProtectedError):
        order.delete()
    with pytest.raises(PermissionDenied):
        record_retest(order, tree.agency_admin, retest_data(d, 5))  # already re-tested


def test_an_enterprise_cannot_edit_the_agencys_retest_or_reading(tree, login):
    d = detection(tree)
    task = leak_task(d)
    order = repair(task)
    record_retest(order, tree.agency_admin, retest_data(d, 5))
    order.refresh_from_db()
    client = login(tree.ent_a1_admin)
    assert client.get(reverse("ldar:retestrecord_edit", args=[order.retest_id])).status_code in (403, 404)
    assert client.get(reverse("ldar:detectionrecord_edit", args=[d.leak.pk])).status_code in (403, 404)


def test_a_closed_task_takes_no_new_repair(tree):
    d = detection(tree)
    task = leak_task(d)
    record_retest(repair(task), tree.agency_admin, retest_data(d, 5))
    task.refresh_from_db()
    with pytest.raises(ValidationError, match="task"):
        RepairOrder(
            task=task, repaired_on=datetime.date(2026, 4, 20), repaired_by="王五", method="other"
        ).full_clean()


def test_the_retest_form_on_the_repair_page(tree, login):
    d = detection(tree)
    task = leak_task(d)
    order = repair(task)
    enterprise = login(tree.ent_a1_admin)
    page = enterprise.get(order.get_absolute_url()).content.decode()
    assert 'id="retest-form"' not in page
    assert enterprise.post(order.get_absolute_url(), retest_data(d, 5)).status_code == 403
    enterprise.logout()
    agency = login(tree.agency_admin)
    assert 'id="retest-form"' in agency.get(order.get_absolute_url()).content.decode()
    response = agency.post(order.get_absolute_url(), retest_data(d, 5))
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.state == RepairTask.State.REPAIRED


# --- the periodic jobs and the to-do centre ---


def test_overdue_rules(tree):
    d = detection(tree)
    task = leak_task(d)
    at = lambda day: timezone.make_aware(datetime.datetime(2026, *day, 12))  # noqa: E731
    overdue_job(at((4, 12)))
    task.refresh_from_db()
    assert not task.overdue
    overdue_job(at((4, 14)))  # no first attempt by 04-13
    task.refresh_from_db()
    assert task.overdue
    repair(task, datetime.date(2026, 4, 13))
    overdue_job(at((4, 20)))
    task.refresh_from_db()
    assert not task.overdue
    overdue_job(at((4, 24)))  # past 04-23
    task.refresh_from_db()
    assert task.overdue


def test_late_repairs_appear_in_the_todo_of_the_enterprise_and_the_bureau_only(tree):
    d = detection(tree)
    task = leak_task(d)
    overdue_job(timezone.now())
    task.refresh_from_db()
    assert task.overdue  # detected in April 2026, machine date later
    for user in (tree.ent_a1_admin, tree.county_a_admin):
        assert any(item.url == task.get_absolute_url() and item.kind == "overdue" for item in items_for(user))
    for user in (tree.ent_a2_admin, tree.county_b_admin, tree.agency_admin):
        assert all(item.url != task.get_absolute_url() for item in items_for(user))


def test_detection_due_dates_follow_the_kernel_and_the_rule_set(tree):
    d = detection(tree)
    valve, pump = d.leak.seal_point, d.archive.points[2]
    refresh_detection_due(TODAY)
    due = DetectionDue.objects.get(seal_point=valve)
    assert due.last_detected_on == d.leak.detected_on
    assert due.next_due == standards.next_detection_due(valve.seal_type.code, d.leak.detected_on, "GB37822")
    assert due.state == DetectionDue.State.CURRENT
    assert DetectionDue.objects.get(seal_point=pump).state == DetectionDue.State.NEVER
    LeakRuleSet.objects.filter(enterprise=tree.ent_a1).update(rule_set="GB31571")
    refresh_detection_due(datetime.date(2026, 8, 1))
    due.refresh_from_db()
    assert due.next_due == standards.next_detection_due(valve.seal_type.code, d.leak.detected_on, "GB31571")
    assert due.state == DetectionDue.State.OVERDUE  # 3 months under GB 31571


def test_detection_due_job_drops_invalid_points_and_lists_overdue_in_todo(tree):
    d = detection(tree)
    LeakRuleSet.objects.filter(enterprise=tree.ent_a1).update(rule_set="GB31571")
    summary = detection_due_job(timezone.now())
    assert "overdue" in summary
    valve = d.leak.seal_point
    type(valve).objects.filter(pk=valve.pk).update(is_valid=False)
    refresh_detection_due(timezone.localdate())
    assert not DetectionDue.objects.filter(seal_point=valve).exists()
    titles = [item.title for item in items_for(tree.ent_a1_admin) if "state=overdue" in item.url]
    assert titles and all(
        item.organization for item in items_for(tree.ent_a1_admin) if "state=overdue" in item.url
    )


def test_monthly_statistics(tree):
    d = detection(tree)
    task = leak_task(d)
    record_retest(
        repair(task, datetime.date(2026, 4, 30)), tree.agency_admin, retest_data(d, 5, "2026-05-01T08:00:00")
    )
    record(d.cycle, d.archive.points[2], 3.0, at=moment(2026, 5, 6, 9))
    refresh_repair_months()
    april = RepairMonth.objects.get(enterprise=tree.ent_a1, month=datetime.date(2026, 4, 1))
    assert (april.detected, april.leaking, april.leak_rate) == (2, 1, 50.0)
    assert (april.repaired_on_time, april.repaired_late, april.still_open) == (0, 1, 0)
    may = RepairMonth.objects.get(enterprise=tree.ent_a1, month=datetime.date(2026, 5, 1))
    assert (may.detected, may.leaking, may.leak_rate) == (1, 0, 0)


# --- pages ---


def test_the_seal_points_page_shows_its_whole_history(tree, login):
    d = detection(tree)
    task = leak_task(d)
    repair(task)
    refresh_detection_due(TODAY)
    page = login(tree.ent_a1_admin).get(d.leak.seal_point.get_absolute_url()).content.decode()
    assert 'id="point-detections"' in page and 'id="point-repairs"' in page
    assert task.get_absolute_url() in page and 'id="point-next-due"' in page


def test_the_task_page_offers_repair_and_delay_to_the_enterprise_only(tree, login):
    d = detection(tree)
    task = leak_task(d)
    enterprise = login(tree.ent_a1_admin)
    page = enterprise.get(task.get_absolute_url()).content.decode()
    assert 'id="add-repair-order"' in page and 'id="add-delay"' in page
    add = enterprise.get(reverse("ldar:repairorder_add") + f"?task={task.pk}")
    assert f'value="{task.pk}" selected' in add.content.decode()
    enterprise.logout()
    page = login(tree.county_a_admin).get(task.get_absolute_url()).content.decode()
    assert 'id="add-repair-order"' not in page and 'id="open-reading"' in page


def test_task_list_filters(tree, login):
    d = detection(tree)
    task = leak_task(d)
    overdue_job(timezone.now())
    client = login(tree.county_a_admin)
    url = reverse("ldar:repairtask_list")
    for query, expected in (
        ("?overdue=true", 1),
        ("?overdue=false", 0),
        (f"?unit={task.unit_id}&round=1&agency={tree.agency.pk}", 1),
        (f"?seal_type={task.seal_type_id}&state=open", 1),
        ("?state=repaired", 0),
    ):
        assert client.get(url + query).context["page_obj"].paginator.count == expected, query


def test_the_leaking_readings_page_links_its_repair_task(tree, login):
    d = detection(tree)
    task = leak_task(d)
    page = login(tree.ent_a1_admin).get(d.leak.get_absolute_url()).content.decode()
    assert f'href="{task.get_absolute_url()}"' in page
    assert (
        'id="open-repair-task"'
        not in login(tree.ent_a1_admin).get(d.record.get_absolute_url()).content.decode()
    )


def test_the_avo_ledger_names_a_point_by_its_tag(tree):
    from lantian.ldar.forms_repair import AvoInspectionForm

    d = detection(tree)
    data = {
        "enterprise": tree.ent_a1.pk,
        "unit": d.archive.unit.pk,
        "tag": "G9999-1",
        "inspected_on": "2026-04-02",
        "inspector": "王五",
        "finding": "dripping",
        "description": "阀杆滴漏",
    }
    form = AvoInspectionForm(data=data, user=tree.ent_a1_admin, action="add")
    assert not form.is_valid() and "tag" in form.errors
    form = AvoInspectionForm(
        data={**data, "tag": d.leak.tag, "description": ""}, user=tree.ent_a1_admin, action="add"
    )
    assert not form.is_valid() and "description" in form.errors
    form = AvoInspectionForm(data={**data, "tag": d.leak.tag}, user=tree.ent_a1_admin, action="add")
    assert form.is_valid(), form.errors
    assert form.save().seal_point == d.leak.seal_point
    other = AvoInspectionForm(data={**data, "tag": ""}, user=tree.ent_a2_admin, action="add")
    assert not other.is_valid()  # another enterprise's unit is not offered


def test_a_retested_repair_cannot_be_deleted_from_its_page(tree, login):
    d = detection(tree)
    task = leak_task(d)
    order = repair(task)
    record_retest(order, tree.agency_admin, retest_data(d, 5))
    client = login(tree.ent_a1_admin)
    response = client.post(reverse("ldar:repairorder_delete", args=[order.pk]))
    assert response.status_code == 302 and RepairOrder.objects.filter(pk=order.pk).exists()
    edit = client.post(
        reverse("ldar:repairorder_edit", args=[order.pk]),
        {"repaired_on": "2026-04-11", "repaired_by": "王五", "method": "other"},
    )
    assert edit.status_code == 200 and "re-tested" in edit.content.decode().replace("复检", "re-tested")
