"""The periodic job that keeps every open case's time-limit state current, in three bulk updates
(never computed per row on page load)."""

from datetime import timedelta

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from lantian.cases.models import Case, Clock, State
from lantian.core.periodic import periodic_job


def refresh_clocks(now) -> dict[str, int]:
    """Set ``clock`` of the open (not parked) cases from their warning and due times at ``now``."""
    running = Case.objects.filter(state=State.OPEN)
    overdue = Q(due_at__lte=now)
    warning = Q(due_at__gt=now, warn_at__lte=now)
    return {
        Clock.OVERDUE: running.filter(overdue).exclude(clock=Clock.OVERDUE).update(clock=Clock.OVERDUE),
        Clock.WARNING: running.filter(warning).exclude(clock=Clock.WARNING).update(clock=Clock.WARNING),
        Clock.NORMAL: running.exclude(overdue | warning)
        .exclude(clock=Clock.NORMAL)
        .update(clock=Clock.NORMAL),
    }


@periodic_job(
    "cases.clocks", every=timedelta(minutes=5), description=_("Case time limits: due soon and overdue")
)
def job(now) -> str:
    changed = refresh_clocks(now)
    return ", ".join(f"{state}: {count}" for state, count in changed.items())
