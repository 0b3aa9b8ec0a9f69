"""Operations and maintenance (运维): contracts and SLAs, incidents, backups, health, inspections,
staff and security records, monthly assessment (ops spec)."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpsConfig(AppConfig):
    name = "lantian.ops"
    label = "ops"
    verbose_name = _("Operations")

    def ready(self):
        from lantian.ops import jobs, navigation, registrations, roles, todo  # noqa: F401 (registers them)
