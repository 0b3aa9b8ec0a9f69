from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AirConfig(AppConfig):
    name = "lantian.air"
    label = "air"
    verbose_name = _("Air quality")

    def ready(self):
        from lantian.air import jobs, navigation, registrations, roles, todo  # noqa: F401 (registers)
