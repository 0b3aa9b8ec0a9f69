"""Electricity-usage supervision of pollution-control facilities (治理设施用电监管, specs/power.md)."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PowerConfig(AppConfig):
    name = "lantian.power"
    label = "power"
    verbose_name = _("Power supervision")

    def ready(self):
        from lantian.power import home, jobs, navigation, registrations, todo  # noqa: F401 (registers)
