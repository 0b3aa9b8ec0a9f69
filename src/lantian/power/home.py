"""What the home pages show of power supervision: open events, ongoing alarms and today's findings."""

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext as _

from lantian.core.home import Figure, Panel, register_home_panel
from lantian.power.models import AlarmEvent, Finding


@register_home_panel
def power(user):
    if not user.has_perm("power.view_alarmevent"):
        return None
    counts = (
        AlarmEvent.objects.restrict(user, "view")
        .order_by()
        .aggregate(
            open=Count("pk", filter=Q(status__in=AlarmEvent.OPEN_STATUSES)),
            ongoing=Count("pk", filter=Q(ongoing=True)),
            explained=Count("pk", filter=Q(status=AlarmEvent.Status.EXPLAINED)),
        )
    )
    events = reverse("power:alarmevent_list")
    figures = [
        Figure(
            _("open alarm events"), counts["open"], f"{events}?is_open=true", attention=counts["open"] > 0
        ),
        Figure(
            _("alarms going on"), counts["ongoing"], f"{events}?ongoing=true", attention=counts["ongoing"] > 0
        ),
        Figure(_("explanations to verify"), counts["explained"], f"{events}?status=explained"),
    ]
    if user.has_perm("power.view_finding"):
        findings = Finding.objects.restrict(user, "view")
        day = findings.order_by("-day").values_list("day", flat=True).first()
        if day is not None:
            figures.append(
                Figure(
                    _("data check findings of %(day)s") % {"day": day.isoformat()},
                    findings.filter(day=day).count(),
                    f"{reverse('power:finding_list')}?day={day.isoformat()}",
                )
            )
    return Panel(
        "power.events",
        _("Power supervision"),
        "bolt",
        figures,
        url=reverse("power:overview") if user.has_perm("power.view_alarmevent") else events,
        weight=40,
    )
