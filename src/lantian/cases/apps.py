from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "lantian.cases"
    label = "cases"
    verbose_name = _("Command centre")

    def ready(self):
        # registers models, menu, to-do items, periodic jobs and role texts
        from lantian.cases import navigation, periodic, registrations, roles, todo  # noqa: F401
