"""The audit state of hourly values (数据审核): kept in ``HourlyValue.audit`` from the active marks.

A mark's hours get its reason; revoking a mark gives its hours back the reasons of the other active
marks (or 0); sand-dust marks yield to invalidating marks on the same hour. The daily values of the
days touched are recomputed at once, so evaluations on audited data follow immediately.
"""

from __future__ import annotations

from datetime import datetime

from django.db.models import Case, IntegerField, Q, Value, When

from . import daily
from .models import AuditMark, HourlyValue


def refresh(station_id: int, start: datetime, end: datetime) -> None:
    """Recompute the audit state of a station's hours ``start`` … ``end`` (hour starts, inclusive)
    and the daily values of their days."""
    hours = HourlyValue.objects.filter(station_id=station_id, time__gte=start, time__lte=end)
    hours.update(audit=0)
    marks = (
        AuditMark.objects.filter(
            station_id=station_id, revoked_at__isnull=True, start__lte=end, end__gte=start
        )
        .annotate(
            weak=Case(
                When(reason=AuditMark.Reason.SAND_DUST, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("weak", "created_at", "pk")
    )
    for mark in marks:
        covered = hours.filter(time__gte=max(start, mark.start), time__lte=min(end, mark.end))
        if mark.parameter:
            covered = covered.filter(parameter=mark.parameter)
        covered.update(audit=mark.reason)
    daily.rollup([station_id], daily.local_day(start), daily.local_day(end))


def marks_in(station_ids, start: datetime, end: datetime):
    return AuditMark.objects.filter(
        Q(station_id__in=station_ids), revoked_at__isnull=True, start__lte=end, end__gte=start
    )
