"""The power module's domain actions: threshold history, and the closure of alarm events
(notified → explained by the enterprise → verified or rejected by the bureau)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lantian.core import files
from lantian.power.models import AlarmEvent

EXPLANATION_LIMIT = 2000


def resync_thresholds(point_ids) -> None:
    """Set each threshold's ``valid_until`` to the next ``valid_from`` of its point, in one statement."""
    point_ids = [pk for pk in point_ids if pk is not None]
    if not point_ids:
        return
    placeholders = ", ".join(["%s"] * len(point_ids))
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            UPDATE power_runningthreshold SET valid_until = (
                SELECT MIN(later.valid_from) FROM power_runningthreshold later
                WHERE later.point_id = power_runningthreshold.point_id
                  AND later.valid_from > power_runningthreshold.valid_from
            )
            WHERE point_id IN ({placeholders})
            """,
            point_ids,
        )


def _event_for(user, pk, permission: str) -> AlarmEvent:
    """The event, locked, if ``user`` holds ``permission`` and sees it (through the one scope gate)."""
    if not user.has_perm(permission):
        raise PermissionDenied
    event = AlarmEvent.objects.restrict(user, "view").select_for_update().filter(pk=pk).first()
    if event is None:
        raise PermissionDenied
    return event


def explain(user, event_pk: int, text: str, uploads=()) -> AlarmEvent:
    """The enterprise explains a notified (or rejected) event, with files as evidence."""
    text = (text or "").strip()
    if not text:
        raise ValidationError({"explanation": _("Say what happened.")})
    if len(text) > EXPLANATION_LIMIT:
        raise ValidationError(
            {"explanation": _("At most %(limit)d characters.") % {"limit": EXPLANATION_LIMIT}}
        )
    with transaction.atomic():
        event = _event_for(user, event_pk, "power.explain_alarmevent")
        if user.organization_id != event.enterprise_id:
            raise PermissionDenied
        if event.status not in (AlarmEvent.Status.NOTIFIED, AlarmEvent.Status.REJECTED):
            raise ValidationError(_("Only a notified or rejected event is explained."))
        event.explanation = text
        event.explained_at = timezone.now()
        event.status = AlarmEvent.Status.EXPLAINED
        event.save(update_fields=["explanation", "explained_at", "status"])
        if uploads:
            files.attach(event, list(uploads), user, description=_("Explanation"))
    return event


def decide(user, event_pk: int, accept: bool, text: str) -> AlarmEvent:
    """The bureau verifies an explained event (closed) or rejects the explanation (back to the
    enterprise). A rejection says why."""
    text = (text or "").strip()
    if not accept and not text:
        raise ValidationError({"decision": _("Say why the explanation is rejected.")})
    if len(text) > EXPLANATION_LIMIT:
        raise ValidationError({"decision": _("At most %(limit)d characters.") % {"limit": EXPLANATION_LIMIT}})
    with transaction.atomic():
        event = _event_for(user, event_pk, "power.verify_alarmevent")
        if user.organization_id == event.enterprise_id:
            raise PermissionDenied
        if event.status != AlarmEvent.Status.EXPLAINED:
            raise ValidationError(_("Only an explained event is verified or rejected."))
        event.status = AlarmEvent.Status.VERIFIED if accept else AlarmEvent.Status.REJECTED
        event.decision = text
        event.decided_at = timezone.now()
        event.save(update_fields=["status", "decision", "decided_at"])
    return event
