"""The command centre's menu."""

from django.utils.translation import gettext_lazy as _

from lantian.core.navigation import MenuGroup, MenuItem, register_menu

register_menu(
    "cases",
    MenuGroup(
        _("Command centre"),
        "urgent",
        (
            MenuItem(_("Report a case"), "cases:report", "cases.add_case"),
            MenuItem(_("My work"), "cases:queues", "cases.change_case"),
            MenuItem(_("Cases"), "cases:case_list", "cases.view_case"),
            MenuItem(_("Command overview"), "cases:overview", "cases.export_case"),
            MenuItem(_("Case categories"), "cases:category_list", "cases.view_category"),
            MenuItem(_("Workflows"), "cases:workflow_list", "cases.view_workflow"),
            MenuItem(_("Unit grids"), "cases:grid_list", "cases.view_grid"),
        ),
        weight=60,
    ),
)
