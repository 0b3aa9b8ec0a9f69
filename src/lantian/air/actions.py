"""Domain actions of the air-quality module: audit marks and the handling of anomalies."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from . import audit
from .models import Anomaly, AuditMark


@transaction.atomic
def create_mark(form, user) -> AuditMark:
    """Save a validated ``AuditMarkForm`` as the user's mark and apply it to the hourly values."""
    mark = form.save(commit=False)
    mark.created_by = user
    mark.save()
    audit.refresh(mark.station_id, mark.start, mark.end)
    return mark


@transaction.atomic
def revoke_mark(mark: AuditMark, user, reason: str) -> AuditMark:
    """Revoke a mark (it stays on record); its hours return to their state without it."""
    mark = AuditMark.objects.select_for_update().get(pk=mark.pk)
    if mark.revoked_at is not None:
        raise ValidationError(_("This mark was already revoked."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Say why the mark is revoked."))
    mark.revoked_at, mark.revoked_by, mark.revoke_reason = timezone.now(), user, reason[:200]
    mark.save(update_fields=["revoked_at", "revoked_by", "revoke_reason"])
    audit.refresh(mark.station_id, mark.start, mark.end)
    return mark


@transaction.atomic
def handle_anomaly(form, user) -> Anomaly:
    """Save an analyst's handling of an anomaly (status, explanation, audit mark, field check)."""
    anomaly = form.save(commit=False)
    if anomaly.status == Anomaly.Status.OPEN:
        anomaly.handled_by, anomaly.handled_at = None, None
    else:
        anomaly.handled_by, anomaly.handled_at = user, timezone.now()
    anomaly.save()
    return anomaly
