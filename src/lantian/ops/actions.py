"""Domain transitions of the ops records, called by views and API (never signals)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lantian.ops import clocks
from lantian.ops.models import Incident, IncidentPause

EVENTS = {
    "respond": "responded_at",
    "arrive": "on_site_at",
    "restore": "restored_at",
    "resolve": "resolved_at",
}


def record_event(
    incident: Incident, event: str, at: datetime | None = None, root_cause: str = ""
) -> Incident:
    """Stamp one event of the timeline (once); a resolution closes an open pause and needs a root cause
    for incidents (not for requests and questions)."""
    field = EVENTS[event]
    at = at or timezone.now()
    with transaction.atomic():
        incident = Incident.objects.select_for_update().get(pk=incident.pk)
        if getattr(incident, field) is not None:
            raise ValidationError(_("This event is already recorded."))
        if incident.resolved_at is not None:
            raise ValidationError(_("The incident is resolved: its timeline is closed."))
        if at < incident.reported_at:
            raise ValidationError(_("An event cannot come before the report."))
        if at > timezone.now() + timedelta(minutes=5):
            raise ValidationError(_("An event cannot be in the future."))
        if event == "resolve":
            root_cause = root_cause.strip()
            if incident.kind == Incident.Kind.INCIDENT and not (root_cause or incident.root_cause):
                raise ValidationError(_("Give the root cause to resolve an incident."))
            if root_cause:
                incident.root_cause = root_cause
            if incident.responded_at is None:
                incident.responded_at = at
            incident.pauses.filter(ended_at__isnull=True).update(ended_at=at)
        setattr(incident, field, at)
        incident.save()  # refreshes the clocks
    return incident


def pause(incident: Incident, reason: str, user, at: datetime | None = None) -> IncidentPause:
    reason = reason.strip()
    if not reason:
        raise ValidationError(_("Say why the incident waits for the client."))
    at = at or timezone.now()
    with transaction.atomic():
        incident = Incident.objects.select_for_update().get(pk=incident.pk)
        if incident.resolved_at is not None:
            raise ValidationError(_("The incident is resolved: its timeline is closed."))
        if incident.pauses.filter(ended_at__isnull=True).exists():
            raise ValidationError(_("The incident is already pending."))
        last = incident.pauses.order_by("-ended_at").values_list("ended_at", flat=True).first()
        if at < incident.reported_at or (last is not None and at < last):
            raise ValidationError(_("A pause cannot start before the report or inside an earlier pause."))
        entry = IncidentPause.objects.create(
            incident=incident, started_at=at, reason=reason[:200], paused_by=user
        )
        clocks.refresh(incident)
    return entry


def resume(incident: Incident, at: datetime | None = None) -> IncidentPause:
    at = at or timezone.now()
    with transaction.atomic():
        incident = Incident.objects.select_for_update().get(pk=incident.pk)
        entry = incident.pauses.filter(ended_at__isnull=True).first()
        if entry is None:
            raise ValidationError(_("The incident is not pending."))
        if at < entry.started_at:
            raise ValidationError(_("The pause cannot end before it starts."))
        entry.ended_at = at
        entry.save(update_fields=["ended_at"])
        clocks.refresh(incident)
    return entry


def submit_report(incident: Incident, at: datetime | None = None) -> Incident:
    if incident.resolved_at is None:
        raise ValidationError(_("The incident report follows the resolution."))
    incident.report_submitted_at = at or timezone.now()
    incident.save(update_fields=["report_submitted_at"])
    return incident
