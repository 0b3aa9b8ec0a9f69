"""Open anomalies in the to-do centre of those who may handle them."""

from django.utils.translation import gettext as _

from lantian.core.todo import TodoItem, register_todo_provider

from .models import Anomaly

TODO_LIMIT = 50  # the newest; the anomaly list has the rest


def _open(user):
    if not user.has_perm("air.change_anomaly"):
        return Anomaly.objects.none()
    return Anomaly.objects.restrict(user, "change").filter(status=Anomaly.Status.OPEN)


def open_anomalies(user):
    rows = _open(user).select_related("station", "station__organization").order_by("-start")[:TODO_LIMIT]
    for anomaly in rows:
        yield TodoItem(
            str(anomaly),
            anomaly.get_absolute_url(),
            "assigned",
            organization=anomaly.station.organization,
            detail=_("Anomaly to confirm or explain: %(detail)s") % {"detail": anomaly.detail},
            at=anomaly.found_at,
        )


def open_count(user) -> int:
    return min(_open(user).count(), TODO_LIMIT)


register_todo_provider(open_anomalies, count=open_count)
