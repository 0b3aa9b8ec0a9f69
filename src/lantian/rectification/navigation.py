"""The rectification menu."""

from django.utils.translation import gettext_lazy as _

from lantian.core.navigation import MenuGroup, MenuItem, register_menu

register_menu(
    "rectification",
    MenuGroup(
        _("Rectification"),
        "clipboard-check",
        (
            MenuItem(
                _("Rectification notices"),
                "rectification:rectificationnotice_list",
                "rectification.view_rectificationnotice",
            ),
            MenuItem(
                _("Rectification reports"),
                "rectification:rectificationresponse_list",
                "rectification.view_rectificationresponse",
            ),
        ),
        weight=25,
    ),
)
