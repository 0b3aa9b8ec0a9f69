"""Rectification feedback (企业问题整改反馈, ldar.md §7): the bureau's notice after a site check, the
enterprise's account of what it did, the bureau's acceptance or return."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RectificationConfig(AppConfig):
    name = "lantian.rectification"
    label = "rectification"
    verbose_name = _("Rectification")

    def ready(self):
        from lantian.rectification import navigation, overdue, registrations, todo  # noqa: F401 (registers)
