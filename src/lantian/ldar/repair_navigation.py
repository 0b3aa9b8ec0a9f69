"""The menu of leak repair."""

from django.utils.translation import gettext_lazy as _

from lantian.core.navigation import MenuGroup, MenuItem, register_menu

register_menu(
    "ldar.repair",
    MenuGroup(
        _("LDAR repair"),
        "tool",
        (
            MenuItem(_("Repair tasks"), "ldar:repairtask_list", "ldar.view_repairtask"),
            MenuItem(_("Delayed repairs"), "ldar:delayedrepair_list", "ldar.view_delayedrepair"),
            MenuItem(_("Repair work orders"), "ldar:repairorder_list", "ldar.view_repairorder"),
            MenuItem(_("Daily inspections (AVO)"), "ldar:avoinspection_list", "ldar.view_avoinspection"),
            MenuItem(_("Detection due dates"), "ldar:detectiondue_list", "ldar.view_detectiondue"),
            MenuItem(_("Monthly repair statistics"), "ldar:repairmonth_list", "ldar.view_repairmonth"),
            MenuItem(_("Spot checks"), "ldar:spotcheck_list", "ldar.view_spotcheck"),
        ),
        weight=22,
    ),
)
