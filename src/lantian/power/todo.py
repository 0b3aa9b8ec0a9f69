"""Open alarm events in the to-do centre: the enterprise explains its notified and rejected events,
the bureau decides on explained ones."""

from django.utils.translation import gettext as _

from lantian.core.todo import TodoItem, register_todo_provider
from lantian.power.models import AlarmEvent

LISTED = 50  # the to-do centre shows the most recent; the event list has them all


def _waiting(user):
    """The events waiting for ``user``'s organisation, and the kind of to-do they are."""
    events = AlarmEvent.objects.none()
    if user.organization_id is None:
        return events
    visible = AlarmEvent.objects.restrict(user, "view")
    if user.has_perm("power.explain_alarmevent"):
        events = visible.filter(
            enterprise_id=user.organization_id,
            status__in=(AlarmEvent.Status.NOTIFIED, AlarmEvent.Status.REJECTED),
        )
    if user.has_perm("power.verify_alarmevent"):
        events = events | visible.filter(status=AlarmEvent.Status.EXPLAINED).exclude(
            enterprise_id=user.organization_id
        )
    return events


def event_items(user):
    events = _waiting(user).select_related("enterprise", "production_facility", "treatment_facility")
    for event in events.order_by("-start")[:LISTED]:
        explained = event.status == AlarmEvent.Status.EXPLAINED
        yield TodoItem(
            title=(
                _("Verify the explanation: %(event)s")
                if explained
                else _("Explain the power alarm: %(event)s")
            )
            % {"event": event.get_kind_display()},
            url=event.get_absolute_url(),
            kind="review" if explained else "assigned",
            organization=event.enterprise,
            detail=f"{event.production_facility.name} / {event.treatment_facility.name} · "
            f"{event.start:%Y-%m-%d %H:%M}",
            at=event.start,
        )


def event_count(user) -> int:
    return _waiting(user).count()


register_todo_provider(event_items, count=event_count)
