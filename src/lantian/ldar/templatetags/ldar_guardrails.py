"""Guard-rail cards for other pages: a work order's flags (its page) and an agency's count (its filing
page). Both count through ``restrict(user, "view")``: a reader sees only flags in their scope."""

from django import template
from django.db.models import Count
from django.urls import reverse

from lantian.ldar.models import GuardRailFlag, WorkOrderCheck

register = template.Library()
SHOWN = 10  # flags listed on the work order's page; the list page has the rest


@register.inclusion_tag("ldar/guardrails/workorder_flags.html", takes_context=True)
def work_order_flags(context, order):
    user = context["request"].user
    flags = (
        GuardRailFlag.objects.restrict(user, "view")
        .filter(work_order=order)
        .select_related("record")
        .order_by("record_id", "rule", "pk")
    )
    total = flags.count()
    return {
        "check": WorkOrderCheck.objects.filter(work_order=order).first(),
        "flags": list(flags[:SHOWN]),
        "total": total,
        "more": total > SHOWN,
        "list_url": f"{reverse('ldar:guardrailflag_list')}?work_order={order.pk}",
    }


@register.inclusion_tag("ldar/guardrails/agency_flags.html", takes_context=True)
def agency_flags(context, agency):
    user = context["request"].user
    flags = GuardRailFlag.objects.restrict(user, "view").filter(agency=agency).order_by()
    per_rule = flags.values("rule").annotate(n=Count("pk")).order_by("-n")
    labels = dict(GuardRailFlag._meta.get_field("rule").choices)
    list_url = f"{reverse('ldar:guardrailflag_list')}?agency={agency.pk}"
    return {
        "total": sum(row["n"] for row in per_rule),
        "orders": flags.exclude(work_order=None).values("work_order").distinct().count(),
        "rules": [(labels[row["rule"]], row["n"], f"{list_url}&rule={row['rule']}") for row in per_rule],
        "list_url": list_url,
    }
