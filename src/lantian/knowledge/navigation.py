"""The knowledge menu."""

from django.utils.translation import gettext_lazy as _

from lantian.core.navigation import MenuGroup, MenuItem, register_menu

register_menu(
    "knowledge",
    MenuGroup(
        _("Knowledge base"),
        "books",
        (MenuItem(_("Regulations and standards"), "knowledge:document_list", "knowledge.view_document"),),
        weight=80,
    ),
)
