from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KnowledgeConfig(AppConfig):
    name = "lantian.knowledge"
    label = "knowledge"
    verbose_name = _("Knowledge base")

    def ready(self):
        from lantian.knowledge import home, navigation, registrations  # noqa: F401 (registers models, menu, home)
