"""What the home page shows of approvals: open cases by time-limit state and the data to fix."""

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext as _

from lantian.approvals.models import ClockState, ExchangeRow, ItemInstance
from lantian.core.home import Figure, Panel, register_home_panel


@register_home_panel
def approval_cases(user):
    if not user.has_perm("approvals.view_iteminstance"):
        return None
    counts = (
        ItemInstance.objects.restrict(user, "view")
        .filter(is_open=True)
        .order_by()
        .aggregate(
            open=Count("pk"),
            warning=Count("pk", filter=Q(clock_state=ClockState.WARNING)),
            overdue=Count("pk", filter=Q(clock_state=ClockState.OVERDUE)),
            suspended=Count("pk", filter=Q(suspended=True)),
        )
    )
    cases = reverse("approvals:iteminstance_list")
    figures = [
        Figure(_("open cases"), counts["open"], f"{cases}?is_open=true"),
        Figure(_("near the limit"), counts["warning"], f"{cases}?is_open=true&clock_state=warning"),
        Figure(
            _("overdue"),
            counts["overdue"],
            f"{cases}?is_open=true&clock_state=overdue",
            attention=bool(counts["overdue"]),
        ),
        Figure(_("suspended"), counts["suspended"], f"{cases}?is_open=true&suspended=true"),
    ]
    if user.has_perm("approvals.view_exchangerow"):
        failed = ExchangeRow.objects.restrict(user, "view").filter(state=ExchangeRow.State.FAILED).count()
        figures.append(
            Figure(
                _("exchange failures"),
                failed,
                reverse("approvals:exchangerow_list") + "?state=failed",
                attention=bool(failed),
            )
        )
    return Panel(
        "approvals.cases", _("Construction approvals"), "building-bank", figures, url=cases, weight=40
    )
