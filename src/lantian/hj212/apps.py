from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class Hj212Config(AppConfig):
    """The Django side of HJ 212: device registry, storage, gateway and operator pages. The codec in
    this package stays free of Django."""

    name = "lantian.hj212"
    label = "hj212"
    verbose_name = _("HJ 212 devices")

    def ready(self):
        from lantian.hj212 import home, navigation, registrations  # noqa: F401 (registers models, menu, home)
