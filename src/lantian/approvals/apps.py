"""Construction-project approval supervision (工程建设项目审批管理): projects, items and their clocks,
statistics, data quality, the 前置库 exchange and authorised corrections."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApprovalsConfig(AppConfig):
    name = "lantian.approvals"
    label = "approvals"
    verbose_name = _("Construction approvals")

    def ready(self):
        from lantian.approvals import (  # noqa: F401 (registers models, menu, to-do, home, jobs, role texts)
            clock,
            exchange,
            home,
            navigation,
            registrations,
            roles,
            todo,
        )
