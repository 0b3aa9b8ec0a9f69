from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "lantian.core"
    label = "core"
    verbose_name = _("Platform")

    def ready(self):
        from lantian.core import (  # noqa: F401 (registrations* register models)
            access_log,
            help,
            navigation,
            periodic,
            registrations,
            registrations_calendar,
            roles,
            worktime,
        )

        access_log.connect()
        navigation.register_core_menu()
        help.register_help_menu()
        post_migrate.connect(roles.sync_after_migrate, dispatch_uid="lantian.core.roles.sync")
        post_migrate.connect(periodic.sync_beat_schedule, dispatch_uid="lantian.core.periodic.sync")
        post_migrate.connect(
            worktime.load_after_migrate, sender=self, dispatch_uid="lantian.core.worktime.load"
        )
