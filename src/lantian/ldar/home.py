"""What the home page of an enterprise or a testing agency shows of the LDAR archive."""

from django.db.models import Q, Sum
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext as _

from lantian.core.home import Figure, Panel, register_home_panel
from lantian.ldar.models import Area, Equipment, ProcessUnit

TYPES_SHOWN = 6  # the most numerous seal-point types; the list page has the rest


@register_home_panel
def archive(user):
    """Units, areas, equipment and valid seal points of the archives the user sees (an enterprise its
    own, an agency its clients'): by dynamic/static and by type. The points are summed from the roll-up
    the archive's triggers keep (``SealPointCount``), not counted one by one."""
    if not user.has_perm("ldar.view_sealpoint"):
        return None
    from lantian.ldar.screens import visible_point_counts

    rollup = visible_point_counts(user)
    counts = rollup.aggregate(
        total=Coalesce(Sum("n"), 0),
        dynamic=Coalesce(Sum("n", filter=Q(is_dynamic=True)), 0),
        static=Coalesce(Sum("n", filter=Q(is_dynamic=False)), 0),
    )
    by_type = (
        rollup.values("seal_type", "seal_type__name").annotate(n=Sum("n")).order_by("-n", "seal_type__name")
    )
    point_list = reverse("ldar:sealpoint_list")
    figures = [
        Figure(
            _("process units"),
            ProcessUnit.objects.restrict(user, "view").count(),
            reverse("ldar:processunit_list"),
        ),
        Figure(_("areas"), Area.objects.restrict(user, "view").count(), reverse("ldar:area_list")),
        Figure(
            _("equipment"), Equipment.objects.restrict(user, "view").count(), reverse("ldar:equipment_list")
        ),
        Figure(_("valid seal points"), counts["total"], f"{point_list}?is_valid=true"),
        Figure(_("dynamic"), counts["dynamic"], f"{point_list}?is_valid=true&is_dynamic=true"),
        Figure(_("static"), counts["static"], f"{point_list}?is_valid=true&is_dynamic=false"),
    ]
    figures += [
        Figure(row["seal_type__name"], row["n"], f"{point_list}?is_valid=true&seal_type={row['seal_type']}")
        for row in by_type[:TYPES_SHOWN]
    ]
    return Panel("ldar.archive", _("LDAR archive"), "list-tree", figures, url=point_list, weight=20)


@register_home_panel(homes=("regulator", "enterprise", "provider"))
def ldar_kpis(user):
    """Open leaks, overdue repairs and points due for detection, in the user's scope (reviews waiting
    are in the to-do count; the bureau its jurisdiction, an enterprise itself, an agency its clients)."""
    if not user.has_perm("ldar.view_repairtask"):
        return None
    from lantian.ldar.screens import home_kpis

    kpis = home_kpis(user)
    tasks, dues = reverse("ldar:repairtask_list"), reverse("ldar:detectiondue_list")
    return Panel(
        "ldar.kpis",
        _("LDAR at a glance"),
        "alert-triangle",
        [
            Figure(
                _("open leaks"), kpis["open_leaks"], f"{tasks}?state=open", attention=kpis["open_leaks"] > 0
            ),
            Figure(
                _("overdue repairs"),
                kpis["overdue_repairs"],
                f"{tasks}?overdue=true",
                attention=kpis["overdue_repairs"] > 0,
            ),
            Figure(
                _("points overdue for detection"),
                kpis["overdue"],
                f"{dues}?state=overdue",
                attention=kpis["overdue"] > 0,
            ),
            Figure(_("points never detected"), kpis["never"], f"{dues}?state=never"),
            Figure(_("points due within 30 days"), kpis["soon"], f"{dues}?state=due_soon"),
        ],
        url=tasks,
        weight=10,
    )
