"""The approvals menu."""

from django.utils.translation import gettext_lazy as _

from lantian.core.navigation import MenuGroup, MenuItem, register_menu

register_menu(
    "approvals",
    MenuGroup(
        _("Construction approvals"),
        "building-bank",
        (
            MenuItem(_("Approval statistics"), "approvals:statistics", "approvals.view_iteminstance"),
            MenuItem(
                _("Big screen: approvals"), "approvals:screen", "approvals.view_iteminstance", new_window=True
            ),
            MenuItem(_("Construction projects"), "approvals:project_list", "approvals.view_project"),
            MenuItem(
                _("Approval processes"), "approvals:approvalprocess_list", "approvals.view_approvalprocess"
            ),
            MenuItem(_("Process stages"), "approvals:processstage_list", "approvals.view_processstage"),
            MenuItem(_("Approval items"), "approvals:approvalitem_list", "approvals.view_approvalitem"),
            MenuItem(_("Item instances"), "approvals:iteminstance_list", "approvals.view_iteminstance"),
            MenuItem(_("Handling records"), "approvals:handlingrecord_list", "approvals.view_handlingrecord"),
            MenuItem(
                _("Parallel approvals"), "approvals:parallelapproval_list", "approvals.view_parallelapproval"
            ),
            MenuItem(
                _("Joint acceptances"), "approvals:jointacceptance_list", "approvals.view_jointacceptance"
            ),
            MenuItem(
                _("Item configuration changes"),
                "approvals:itemconfigchange_list",
                "approvals.view_itemconfigchange",
            ),
            MenuItem(_("Code maps"), "approvals:codemap_list", "approvals.view_codemap"),
        ),
        weight=40,
    ),
)
register_menu(
    "approvals.supervision",
    MenuGroup(
        _("Approval data supervision"),
        "checklist",
        (
            MenuItem(_("Data quality"), "approvals:quality", "approvals.view_qualityfinding"),
            MenuItem(_("Data-quality runs"), "approvals:qualityrun_list", "approvals.view_qualityrun"),
            MenuItem(
                _("Data-quality findings"), "approvals:qualityfinding_list", "approvals.view_qualityfinding"
            ),
            MenuItem(
                _("Rectification tasks"),
                "approvals:rectificationtask_list",
                "approvals.view_rectificationtask",
            ),
            MenuItem(_("Provincial exchange"), "approvals:exchange", "approvals.view_exchangerow"),
            MenuItem(_("Exchange rows"), "approvals:exchangerow_list", "approvals.view_exchangerow"),
            MenuItem(_("Exchange batches"), "approvals:exchangebatch_list", "approvals.view_exchangebatch"),
            MenuItem(_("Corrections"), "approvals:correction_list", "approvals.view_correction"),
        ),
        weight=41,
    ),
)
