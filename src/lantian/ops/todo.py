"""To-do items of operations: incidents whose clocks warn or breached (escalation), missed inspections,
proposed deductions awaiting the client. Read from the stored derived states (the periodic job keeps
them current), bounded."""

from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from lantian.core.todo import TodoItem, register_todo_provider
from lantian.ops.models import Assessment, ClockState, Incident, InspectionRun

LIMIT = 50
MISSED_DAYS = 14


def _escalated(user):
    return Incident.objects.restrict(user, "change").exclude(status=Incident.Status.RESOLVED).filter(
        own_state__in=[ClockState.WARNING, ClockState.BREACHED]
    ) | Incident.objects.restrict(user, "change").exclude(status=Incident.Status.RESOLVED).filter(
        resolve_state__in=[ClockState.WARNING, ClockState.BREACHED]
    )


def _missed(user):
    """Missed runs of the last two weeks (older ones are history, counted by the assessment)."""
    since = timezone.localdate() - timedelta(days=MISSED_DAYS)
    return InspectionRun.objects.restrict(user, "change").filter(
        status=InspectionRun.Status.MISSED, due_on__gte=since
    )


def _to_confirm(user):
    if not user.has_perm("ops.review_assessment"):
        return Assessment.objects.none()
    return (
        Assessment.objects.restrict(user, "view")
        .filter(status=Assessment.Status.PROPOSED, deductions__status="proposed")
        .distinct()
    )


def items(user):
    for incident in _escalated(user).select_related("contract__vendor").order_by("next_due_at")[:LIMIT]:
        yield TodoItem(
            title=str(incident),
            url=incident.get_absolute_url(),
            kind="overdue",
            due=incident.next_due_at,
            organization=incident.contract.vendor,
            detail=_("SLA breached") if incident.breached else _("SLA at 75 %"),
            at=incident.reported_at,
        )
    for run in _missed(user).select_related("template__contract__vendor").order_by("-due_on")[:LIMIT]:
        yield TodoItem(
            title=_("Missed inspection: %(run)s") % {"run": run},
            url=run.get_absolute_url(),
            kind="overdue",
            due=run.due_on,
            organization=run.template.contract.vendor,
        )
    for record in _to_confirm(user).select_related("contract__vendor")[:LIMIT]:
        yield TodoItem(
            title=_("Deductions to confirm: %(assessment)s") % {"assessment": record},
            url=record.get_absolute_url(),
            kind="review",
            organization=record.contract.vendor,
        )


def count(user) -> int:
    return (
        min(_escalated(user).count(), LIMIT)
        + min(_missed(user).count(), LIMIT)
        + min(_to_confirm(user).count(), LIMIT)
    )


register_todo_provider(items, count=count)
