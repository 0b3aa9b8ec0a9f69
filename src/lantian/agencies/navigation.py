"""The agencies menu."""

from django.utils.translation import gettext_lazy as _

from lantian.core.navigation import MenuGroup, MenuItem, register_menu

register_menu(
    "agencies",
    MenuGroup(
        _("Testing agencies"),
        "certificate",
        (
            MenuItem(_("Agency filings"), "agencies:agencyfiling_list", "agencies.view_agencyfiling"),
            # An agency's own filing: agency users (and system administrators) may add filings.
            MenuItem(_("My filing"), "agencies:my_filing", "agencies.add_agencyfiling"),
            MenuItem(_("Pending reviews"), "agencies:pending_filings", "agencies.review_agencyfiling"),
            MenuItem(_("Filing archives"), "agencies:filingarchive_list", "agencies.view_filingarchive"),
        ),
        weight=30,
    ),
)
