from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LdarConfig(AppConfig):
    name = "lantian.ldar"
    label = "ldar"
    verbose_name = _("LDAR")

    def ready(self):
        from lantian.ldar import (  # noqa: F401 (registers models, menu, home)
            guardrails_checks,
            home,
            home_guardrails,
            navigation,
            registrations,
            registrations_detection,
            registrations_emissions,
            registrations_guardrails,
            registrations_repair,
            registrations_reports,
        )
