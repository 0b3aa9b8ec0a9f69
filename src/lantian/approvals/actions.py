"""Domain actions of the approvals module: every change of state goes through one of these."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from lantian.approvals import clock
from lantian.approvals.models import (
    ApprovalItem,
    Correction,
    HandlingRecord,
    HandlingStatus,
    ItemConfigChange,
    ItemInstance,
    Project,
    RectificationTask,
)
from lantian.approvals.standards import status as S

# Item settings whose changes are kept in the item's configuration history.
TRACKED_SETTINGS = (
    "name",
    "department",
    "stage",
    "time_limit",
    "limit_unit",
    "materials",
    "handlers",
    "is_active",
)


def item_settings(item: ApprovalItem) -> dict[str, str]:
    values = {}
    for name in TRACKED_SETTINGS:
        field = ApprovalItem._meta.get_field(name)
        value = getattr(item, name)
        if field.choices:
            value = getattr(item, f"get_{name}_display")()
        values[name] = "" if value is None else str(value)
    return values


def record_item_changes(item: ApprovalItem, before: dict[str, str], user) -> list[ItemConfigChange]:
    after = item_settings(item)
    now = timezone.now()
    changes = [
        ItemConfigChange(
            item=item,
            changed_at=now,
            changed_by=user,
            field=str(ApprovalItem._meta.get_field(name).verbose_name),
            before=before[name],
            after=after[name],
        )
        for name in TRACKED_SETTINGS
        if before[name] != after[name]
    ]
    return ItemConfigChange.objects.bulk_create(changes)


def refresh_instance(instance: ItemInstance, now=None) -> None:
    """Status, open flag and clock of one case after it changed (the clock as at ``now``, default now)."""
    clock.sync_status(instance)
    instance.save(update_fields=["status", "is_open", "completed_at"])
    clock.refresh_clocks(now=now, queryset=ItemInstance.objects.filter(pk=instance.pk))


def handling_problem(instance: ItemInstance, status: int, handled_at) -> str | None:
    """Why this step cannot follow the case's records, or None."""
    last = instance.records.order_by("-sequence").values_list("status", "handled_at").first()
    if last is not None and handled_at < last[1]:
        return _("A handling step cannot be earlier than the case's last step (%(time)s).") % {
            "time": timezone.localtime(last[1]).strftime("%Y-%m-%d %H:%M")
        }
    if not instance.is_open:
        return _("The case is closed: a step after its end needs an authorised correction.")
    if handled_at < instance.received_at:
        return _("A handling step cannot be earlier than the case was received.")
    if status in S.SUSPENSION_ENDS:
        start = S.CORRECTION_START if status == S.CORRECTION_END else S.SPECIAL_START
        codes = list(instance.records.order_by("sequence").values_list("status", flat=True))
        opened = sum(1 for c in codes if c == start) - sum(1 for c in codes if c == status)
        if opened <= 0:
            return _("%(end)s needs an open %(start)s.") % {
                "end": HandlingStatus(status).label,
                "start": HandlingStatus(start).label,
            }
    return None


@transaction.atomic
def record_handling(
    instance: ItemInstance, status: int, handled_at, handler: str, opinion: str = ""
) -> HandlingRecord:
    instance = ItemInstance.objects.select_for_update().get(pk=instance.pk)
    sequence = (instance.records.aggregate(last=Max("sequence"))["last"] or 0) + 1
    record = HandlingRecord.objects.create(
        instance=instance,
        sequence=sequence,
        status=status,
        handled_at=handled_at,
        handler=handler,
        opinion=opinion,
    )
    refresh_instance(instance)
    return record


@transaction.atomic
def answer_task(task: RectificationTask, status: str, reply: str) -> RectificationTask:
    task.status, task.reply = status, reply
    task.closed_at = timezone.now() if status == RectificationTask.Status.CLOSED else None
    task.save()
    return task


# Corrections

CORRECTABLE = {
    Correction.Target.PROJECT: (
        "code",
        "works_code",
        "name",
        "location",
        "division",
        "investment",
        "land_area",
        "floor_area",
        "planned_start",
        "planned_completion",
        "builder_name",
        "builder_credit_code",
    ),
    Correction.Target.INSTANCE: ("project", "stage", "received_at", "status", "handled_at"),
}
TARGET_MODELS = {Correction.Target.PROJECT: Project, Correction.Target.INSTANCE: ItemInstance}


class CorrectionError(Exception):
    pass


def _target(user, target: str, object_id: int, action: str):
    model = TARGET_MODELS.get(target)
    if model is None:
        raise CorrectionError(_("Unknown kind of record."))
    obj = model.objects.restrict(user, action).filter(pk=object_id).first()
    if obj is None:
        raise CorrectionError(_("No such record in your scope."))
    return obj


def check_correction(user, target: str, object_id: int, changes) -> object:
    if not isinstance(changes, dict) or not changes:
        raise CorrectionError(_("Name at least one field and its new value."))
    unknown = sorted(set(changes) - set(CORRECTABLE.get(target, ())))
    if unknown:
        raise CorrectionError(
            _("These fields cannot be corrected: %(fields)s. Allowed: %(allowed)s.")
            % {"fields": ", ".join(unknown), "allowed": ", ".join(CORRECTABLE.get(target, ()))}
        )
    if "handled_at" in changes and "status" not in changes:
        raise CorrectionError(_("handled_at goes with status: the time of the step that unblocks the case."))
    obj = _target(user, target, object_id, "view")
    _apply(obj, changes, dry_run=True)
    return obj


def request_correction(user, target: str, object_id: int, changes: dict, reason: str) -> Correction:
    obj = check_correction(user, target, object_id, changes)
    organization = obj.department if target == Correction.Target.INSTANCE else obj.organization
    return Correction.objects.create(
        organization=organization,
        target=target,
        object_id=obj.pk,
        record=str(obj)[:120],
        changes=changes,
        reason=reason,
        requested_by=user,
        before=_snapshot(obj, changes),
    )


def _snapshot(obj, changes) -> dict:
    values = {}
    for name in changes:
        if name == "handled_at":
            continue
        value = (
            getattr(obj, f"{name}_id", None)
            if name in ("project", "stage", "division")
            else getattr(obj, name)
        )
        values[name] = value if isinstance(value, int | float | str | type(None)) else str(value)
    return values


def _apply(obj, changes: dict, dry_run: bool, user=None, note: str = ""):
    """Set the corrected fields and check them as the forms do; a status is a handling step."""
    errors = {}
    step = None
    for name, value in changes.items():
        if name == "handled_at":
            continue
        if name == "status":
            try:
                code = int(value)
                HandlingStatus(code)
            except (TypeError, ValueError):
                errors[name] = _("%(value)s is not a handling status code.") % {"value": value}
                continue
            handled_at = changes.get("handled_at")
            moment = timezone.now()
            if handled_at:
                try:
                    moment = ItemInstance._meta.get_field("completed_at").to_python(handled_at)
                except ValidationError as error:
                    errors["handled_at"] = "; ".join(error.messages)
                    continue
                if timezone.is_naive(moment):
                    moment = timezone.make_aware(moment)
            step = (code, moment)
            continue
        field = obj._meta.get_field(name)
        try:
            if field.is_relation:
                related = (
                    field.related_model.objects.filter(pk=value).first() if value not in (None, "") else None
                )
                if related is None and not field.null:
                    raise ValidationError(_("No such record."))
                setattr(obj, name, related)
            else:
                setattr(obj, name, field.clean(value, obj))
        except ValidationError as error:
            errors[name] = "; ".join(error.messages)
    if errors:
        raise CorrectionError("; ".join(f"{k}: {v}" for k, v in errors.items()))
    try:
        obj.full_clean()
    except ValidationError as error:
        raise CorrectionError("; ".join(error.messages)) from None
    if dry_run:
        return
    obj.save()
    if step is not None:
        HandlingRecord.objects.create(
            instance=obj,
            sequence=(obj.records.aggregate(last=Max("sequence"))["last"] or 0) + 1,
            status=step[0],
            handled_at=step[1],
            handler=user.name or user.username,
            opinion=note[:500],
        )
    if isinstance(obj, ItemInstance):
        refresh_instance(obj)


@transaction.atomic
def approve_correction(correction: Correction, user, note: str = "") -> Correction:
    correction = Correction.objects.select_for_update().get(pk=correction.pk)
    if not user.has_perm("approvals.approve_correction"):
        raise CorrectionError(_("You may not approve corrections."))
    if correction.status != Correction.Status.REQUESTED:
        raise CorrectionError(_("This correction was already decided."))
    if correction.requested_by_id == user.pk:
        raise CorrectionError(
            _("A correction is approved by someone other than the person who asked for it.")
        )
    obj = _target(user, correction.target, correction.object_id, "change")
    before = _snapshot(obj, correction.changes)
    opinion = _("Correction %(number)s: %(reason)s") % {"number": correction.pk, "reason": correction.reason}
    _apply(obj, correction.changes, dry_run=False, user=user, note=opinion)
    obj.refresh_from_db()
    correction.before, correction.after = before, _snapshot(obj, correction.changes)
    correction.status, correction.decided_by, correction.decided_at = (
        Correction.Status.APPLIED,
        user,
        timezone.now(),
    )
    correction.decision_note = note[:300]
    correction.save()
    return correction


@transaction.atomic
def refuse_correction(correction: Correction, user, note: str) -> Correction:
    correction = Correction.objects.select_for_update().get(pk=correction.pk)
    if not user.has_perm("approvals.approve_correction"):
        raise CorrectionError(_("You may not approve corrections."))
    if correction.status != Correction.Status.REQUESTED:
        raise CorrectionError(_("This correction was already decided."))
    if not note.strip():
        raise CorrectionError(_("Say why the correction is refused."))
    _target(user, correction.target, correction.object_id, "view")
    correction.status, correction.decided_by, correction.decided_at = (
        Correction.Status.REFUSED,
        user,
        timezone.now(),
    )
    correction.decision_note = note[:300]
    correction.save()
    return correction
