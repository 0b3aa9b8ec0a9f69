"""The domain actions of leak repair (spec §3): opening repair tasks from leaks (in bulk, idempotent),
applying an approved delay, noting repair attempts, attaching the agency's re-test to a repair work
order (which closes the task when it passes) and judging a spot check.

Views, the API and the readings-saved hook call these; nothing else changes a task's state.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from lantian.ldar import standards
from lantian.ldar.models import DetectionRecord, RetestRecord
from lantian.ldar.models.repair import (
    REPEAT_COUNT,
    REPEAT_WINDOW_DAYS,
    RepairOrder,
    RepairTask,
    SpotCheck,
    SpotCheckReading,
    overdue_q,
)
from lantian.ldar.standards.spotcheck import spot_check_violation

BATCH = 2000  # ids per query: well under SQLite's parameter limit
TASK_FIELDS = (
    "pk",
    "enterprise_id",
    "agency_id",
    "cycle_id",
    "seal_point_id",
    "tag",
    "unit_id",
    "area_id",
    "seal_type_id",
    "net_value",
    "detected_on",
    "started_at",
    "is_leak",
)


class RepairError(Exception):
    """A repair action that is not possible now; the message says why, for the user."""


def chunks(ids, size: int = BATCH):
    ids = sorted(ids)
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


# --- opening tasks ---


def follow_readings(record_ids, work_order_ids=()) -> int:
    """The readings-saved hook: open repair tasks for the leaks among ``record_ids``."""
    return open_repair_tasks(record_ids)


def open_repair_tasks(record_ids) -> int:
    """Open a repair task for every leaking reading among ``record_ids`` that has none, unless its
    point already has an open task for a leak found on or before it (the same leak, read again).
    A reading corrected to no leak cancels its task if nothing was repaired yet; corrected back, the
    task opens again. Bulk and idempotent; returns the number of tasks opened."""
    opened = 0
    for ids in chunks(set(record_ids)):
        with transaction.atomic():
            opened += _open_batch(ids)
    return opened


def _open_batch(ids) -> int:
    # only the leaking readings are read: a reading that does not leak matters only through its task
    rows = list(DetectionRecord.objects.filter(pk__in=ids, is_leak=True).values(*TASK_FIELDS))
    tasks = dict(RepairTask.objects.filter(detection_id__in=ids).values_list("detection_id", "state"))
    leaking = {row["pk"] for row in rows}
    cancel = [pk for pk, state in tasks.items() if state == RepairTask.State.OPEN and pk not in leaking]
    if cancel:  # corrected to no leak: nothing to repair unless a repair was already recorded
        RepairTask.objects.filter(detection_id__in=cancel, state=RepairTask.State.OPEN).exclude(
            orders__isnull=False
        ).update(state=RepairTask.State.CANCELLED, overdue=False)
    reopen = [pk for pk, state in tasks.items() if state == RepairTask.State.CANCELLED and pk in leaking]
    if reopen:
        RepairTask.objects.filter(detection_id__in=reopen).update(state=RepairTask.State.OPEN)
    leaks = [row for row in rows if row["is_leak"] and row["pk"] not in tasks]
    if not leaks:
        return 0
    open_since: dict[int, object] = {}
    for point, day in RepairTask.objects.filter(
        seal_point_id__in={row["seal_point_id"] for row in leaks}, state=RepairTask.State.OPEN
    ).values_list("seal_point_id", "detected_on"):
        open_since[point] = min(day, open_since.get(point, day))
    tasks = []
    for row in sorted(leaks, key=lambda row: row["started_at"]):
        point, day = row["seal_point_id"], row["detected_on"]
        if point in open_since and open_since[point] <= day:
            continue  # the point's leak is already being repaired
        first_due, complete_due = standards.repair_due(day)
        tasks.append(
            RepairTask(
                enterprise_id=row["enterprise_id"],
                agency_id=row["agency_id"],
                detection_id=row["pk"],
                cycle_id=row["cycle_id"],
                seal_point_id=point,
                tag=row["tag"],
                unit_id=row["unit_id"],
                area_id=row["area_id"],
                seal_type_id=row["seal_type_id"],
                net_value=row["net_value"],
                detected_on=day,
                first_attempt_due=first_due,
                complete_due=complete_due,
                due_on=complete_due,
            )
        )
        open_since[point] = day
    RepairTask.objects.bulk_create(tasks, batch_size=500, ignore_conflicts=True)
    today = timezone.localdate()
    refresh_overdue(RepairTask.objects.filter(detection_id__in=[task.detection_id for task in tasks]), today)
    refresh_repeats({task.seal_point_id for task in tasks})
    return len(tasks)


def refresh_repeats(point_ids) -> int:
    """Count each task's repairs of its point within the year up to it (反复维修: ≥ 3 in 12 months)."""
    changed = []
    for ids in chunks(set(point_ids)):
        by_point = defaultdict(list)
        for task in (
            RepairTask.objects.filter(seal_point_id__in=ids)
            .exclude(state=RepairTask.State.CANCELLED)
            .only("pk", "seal_point_id", "detected_on", "repeat_count", "repeated")
            .order_by("seal_point_id", "detected_on", "pk")
        ):
            by_point[task.seal_point_id].append(task)
        for tasks in by_point.values():
            for index, task in enumerate(tasks):
                since = task.detected_on - timedelta(days=REPEAT_WINDOW_DAYS)
                count = sum(1 for other in tasks[: index + 1] if other.detected_on > since)
                if (task.repeat_count, task.repeated) != (count, count >= REPEAT_COUNT):
                    task.repeat_count, task.repeated = count, count >= REPEAT_COUNT
                    changed.append(task)
    RepairTask.objects.bulk_update(changed, ["repeat_count", "repeated"], batch_size=500)
    return len(changed)


def refresh_overdue(tasks, today) -> int:
    """Set the stored overdue flag of ``tasks`` (a queryset) as of ``today``; returns how many are."""
    tasks.filter(overdue=True).exclude(overdue_q(today)).update(overdue=False)
    return tasks.filter(overdue_q(today)).update(overdue=True)


# --- delay, attempts, re-test ---


def apply_delay(delay) -> RepairTask:
    """An approved delay: the task is due on the planned date (inside the approval's transaction)."""
    task = RepairTask.objects.select_for_update().get(pk=delay.task_id)
    task.delayed, task.due_on = True, delay.planned_date
    task.overdue = task.overdue_now(timezone.localdate())
    task.save(update_fields=["delayed", "due_on", "overdue", "updated_at"])
    return task


def note_attempts(task_ids) -> None:
    """A task's first attempt is its earliest repair work order."""
    first = RepairOrder.objects.filter(task=OuterRef("pk")).order_by("repaired_on").values("repaired_on")[:1]
    tasks = RepairTask.objects.filter(pk__in=list(task_ids))
    tasks.update(first_attempt_on=Subquery(first))
    refresh_overdue(tasks, timezone.localdate())


def retest_form(order, user, data=None):
    """The agency's re-test form for a repair work order: the detection re-tested is the task's."""
    from lantian.ldar.forms_detection import RetestRecordForm

    if data is not None:
        data = data.copy()
        data["detection"] = str(order.task.detection_id)
    form = RetestRecordForm(data, user=user, action="add", initial={"detection": order.task.detection_id})
    form.fields["detection"].disabled = True
    return form


def may_retest(order, user) -> bool:
    """Whether ``user`` may re-test this repair: the agency that found the leak, with the right to
    record re-tests, while the repair awaits its re-test."""
    if order.retest_id is not None or not order.task.is_open:
        return False
    if not user.has_perm("ldar.add_retestrecord"):
        return False
    return (
        DetectionRecord.objects.restrict(user, "view")
        .within_scope(user, "add")
        .filter(pk=order.task.detection_id)
        .exists()
    )


def record_retest(order, user, data):
    """Record the agency's re-test of a repair (a ``RetestRecord`` of the task's leaking reading,
    through its own form: the filing rule, the instrument and the scope apply) and judge it: no leak
    closes the task, a leak keeps it open for another repair. Returns the form (with errors when it
    was refused); raises RepairError if the repair cannot be re-tested now."""
    if not may_retest(order, user):
        raise PermissionDenied
    form = retest_form(order, user, data)
    if not form.is_valid():
        return form
    with transaction.atomic():
        order = RepairOrder.objects.select_for_update().select_related("task").get(pk=order.pk)
        if order.retest_id is not None or not order.task.is_open:
            raise RepairError(_("This repair has already been re-tested."))
        retest = form.save()
        if (
            not RetestRecord.objects.restrict(user, "view")
            .within_scope(user, "add")
            .filter(pk=retest.pk)
            .exists()
        ):
            raise PermissionDenied
        apply_retest(order, retest)
    return form


def apply_retest(order, retest) -> None:
    result = RepairOrder.Result.FAILED if retest.is_leak else RepairOrder.Result.PASSED
    RepairOrder.objects.filter(pk=order.pk).update(
        retest=retest, retest_value=retest.net_value, result=result, updated_at=timezone.now()
    )
    order.retest, order.retest_value, order.result = retest, retest.net_value, result
    if result == RepairOrder.Result.PASSED:
        task = RepairTask.objects.select_for_update().get(pk=order.task_id)
        task.state, task.closed_on = RepairTask.State.REPAIRED, order.repaired_on
        task.late, task.overdue = order.repaired_on > task.due_on, False
        task.save(update_fields=["state", "closed_on", "late", "overdue", "updated_at"])


# --- spot checks ---


def judge_spot_check(spot_check_id) -> None:
    """The figures and verdict of a spot check from its readings (GB 37822-2019 §13.4 c))."""
    figures = SpotCheckReading.objects.filter(spot_check_id=spot_check_id).aggregate(
        sampled=Count("pk"),
        leaking=Count("pk", filter=Q(is_leak=True)),
        outside=Count("pk", filter=Q(is_leak=True, in_repair_window=False)),
    )
    SpotCheck.objects.filter(pk=spot_check_id).update(
        sampled=figures["sampled"],
        leaking=figures["leaking"],
        outside_window=figures["outside"],
        violation=spot_check_violation(figures["sampled"], figures["outside"]),
    )
