"""Inspection runs: which runs are due when, filling one in (pass/fail, note, photo per item), and the
periodic flagging of missed runs."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lantian.ops.models import InspectionResult, InspectionRun, InspectionTemplate

MAX_PHOTO_BYTES = 8 * 1024 * 1024
PHOTO_TYPES = {b"\xff\xd8\xff": "jpg", b"\x89PNG\r\n\x1a\n": "png"}


def is_due(template: InspectionTemplate, day: date, workday) -> bool:
    """Whether ``template`` has a run on ``day``: every working day, its weekday, or the first working
    day of the month. ``workday(day)`` tells working days (the platform's calendar)."""
    if template.frequency == InspectionTemplate.Frequency.DAILY:
        return workday(day)
    if template.frequency == InspectionTemplate.Frequency.WEEKLY:
        return day.weekday() == template.weekday
    first = day.replace(day=1)
    while not workday(first):
        first += timedelta(days=1)
    return day == first


def items_of(run: InspectionRun) -> list[dict]:
    """The run's items with their results (the template's items when nothing is recorded yet)."""
    results = {r.position: r for r in run.results.all()}
    return [
        {
            "position": index,
            "item": results[index].item if index in results else text,
            "result": results.get(index),
        }
        for index, text in enumerate(run.template.item_list)
    ]


def _photo_extension(upload) -> str:
    if upload.size > MAX_PHOTO_BYTES:
        raise ValidationError(_("A photo may have at most 8 MB."))
    head = upload.read(8)
    upload.seek(0)
    for magic, extension in PHOTO_TYPES.items():
        if head.startswith(magic):
            return extension
    raise ValidationError(_("A photo is a JPEG or PNG image."))


def record_run(run: InspectionRun, data, files, user, now: datetime | None = None) -> InspectionRun:
    """Record every item of ``run`` from a posted form: ``item-N`` is "pass" or "fail" (empty: not
    checked), ``note-N`` text, ``photo-N`` an image. All or nothing; a failed item needs a note."""
    now = now or timezone.now()
    items = run.template.item_list
    errors, rows, photos = [], [], {}
    for index, text in enumerate(items):
        verdict = data.get(f"item-{index}", "")
        note = data.get(f"note-{index}", "").strip()[:300]
        if verdict not in ("", "pass", "fail"):
            errors.append(_("Item %(n)d: choose pass or fail.") % {"n": index + 1})
            continue
        if verdict == "fail" and not note:
            errors.append(_("Item %(n)d (%(item)s): say what failed.") % {"n": index + 1, "item": text})
        photo = files.get(f"photo-{index}")
        if photo is not None:
            try:
                photos[index] = (photo, _photo_extension(photo))
            except ValidationError as error:
                errors.append(
                    _("Item %(n)d: %(error)s") % {"n": index + 1, "error": " ".join(error.messages)}
                )
        passed = {"pass": True, "fail": False}.get(verdict)
        rows.append(InspectionResult(run=run, position=index, item=text[:200], passed=passed, note=note))
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        run = InspectionRun.objects.select_for_update().get(pk=run.pk)
        kept = {r.position: r.photo.name for r in run.results.all() if r.photo}
        run.results.all().delete()
        for row in rows:
            if row.position in photos:
                upload, extension = photos[row.position]
                row.photo.save(f"item-{row.position}.{extension}", upload, save=False)
            elif row.position in kept:
                row.photo.name = kept[row.position]
        InspectionResult.objects.bulk_create(rows)
        run.status, run.performed_at, run.performed_by = InspectionRun.Status.DONE, now, user
        run.notes = data.get("notes", run.notes).strip()[:2000]
        run.save()
    return run


def schedule_and_flag(now: datetime, workday, horizon_days: int = 7) -> tuple[int, int]:
    """Create the runs due from ``now - horizon`` to today (idempotent) and flag as missed those past their
    time and not done. (runs created, runs flagged)."""
    today = timezone.localdate(now)
    zone = timezone.get_current_timezone()
    templates = list(InspectionTemplate.objects.filter(active=True).select_related("contract"))
    wanted = []
    for template in templates:
        first = max(today - timedelta(days=horizon_days), template.contract.starts_on)
        last = min(today, template.contract.ends_on)
        day = first
        while day <= last:
            if is_due(template, day, workday):
                wanted.append(InspectionRun(template=template, due_on=day))
            day += timedelta(days=1)
    before = InspectionRun.objects.count()
    InspectionRun.objects.bulk_create(wanted, ignore_conflicts=True)
    created = InspectionRun.objects.count() - before
    flagged = 0
    late = InspectionRun.objects.filter(status=InspectionRun.Status.DUE, due_on__lte=today).select_related(
        "template"
    )
    missed = [run.pk for run in late if datetime.combine(run.due_on, run.template.due_time, zone) < now]
    if missed:
        flagged = InspectionRun.objects.filter(pk__in=missed).update(status=InspectionRun.Status.MISSED)
    return created, flagged
