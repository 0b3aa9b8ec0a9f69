"""What the home page of a testing agency or an enterprise shows of the guard rails: the flags on the
readings it sees, per rule."""

from django.db.models import Count
from django.urls import reverse
from django.utils.translation import gettext as _

from lantian.core.home import Figure, Panel, register_home_panel
from lantian.ldar.models import GuardRailFlag


@register_home_panel
def guard_rails(user):
    if not user.has_perm("ldar.view_guardrailflag"):
        return None
    flags = GuardRailFlag.objects.restrict(user, "view").order_by()
    per_rule = list(flags.values("rule").annotate(n=Count("pk")).order_by("-n", "rule"))
    if not per_rule:
        return None
    labels = dict(GuardRailFlag._meta.get_field("rule").choices)
    flag_list = reverse("ldar:guardrailflag_list")
    figures = [
        Figure(_("flags"), sum(row["n"] for row in per_rule), flag_list, attention=True),
        Figure(
            _("work orders flagged"),
            flags.exclude(work_order=None).values("work_order").distinct().count(),
            flag_list,
        ),
    ]
    figures += [
        Figure(str(labels[row["rule"]]), row["n"], f"{flag_list}?rule={row['rule']}") for row in per_rule
    ]
    return Panel(
        "ldar.guardrails",
        _("Guard rails"),
        "shield-check",
        figures,
        url=reverse("ldar:guardrails_by_agency"),
        note=_("Flags report readings that look made up; they never block saving."),
        weight=22,
    )
