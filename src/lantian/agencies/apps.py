"""Testing-agency filing (检测机构备案): the agency's information, staff, instruments and documents,
reviewed by the bureau."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AgenciesConfig(AppConfig):
    name = "lantian.agencies"
    label = "agencies"
    verbose_name = _("Testing agencies")

    def ready(self):
        from lantian.agencies import home, navigation, registrations, todo  # noqa: F401 (registers models, menu, to-do, home)
        from lantian.agencies.approval import approved_filing_required
        from lantian.core.links import register_link_rule

        register_link_rule(approved_filing_required)
