"""``/health/`` for load balancers (django-health-check): every database, every cache (Redis in
production: a stopped Redis fails the check), the disk of the data folder, and the job queue's age.
200 when all pass, 500 otherwise; ``?format=json`` or ``Accept: application/json`` for machines."""

from __future__ import annotations

import dataclasses
import shutil
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from health_check import Cache, Database
from health_check.base import HealthCheck
from health_check.exceptions import ServiceUnavailable, ServiceWarning
from health_check.views import HealthCheckView


@dataclasses.dataclass
class DiskSpace(HealthCheck):
    """Free space of the folder holding the database, uploads and backups."""

    path: str = ""
    minimum_percent: float = 5.0
    warning_percent: float = 10.0

    def run(self):
        try:
            usage = shutil.disk_usage(self.path)
        except OSError as error:
            raise ServiceUnavailable(f"cannot read the disk: {error.strerror}") from error
        free = 100.0 * usage.free / usage.total
        if free < self.minimum_percent:
            raise ServiceUnavailable(f"{free:.1f} % free")
        if free < self.warning_percent:
            raise ServiceWarning(f"{free:.1f} % free")


@dataclasses.dataclass
class JobQueue(HealthCheck):
    """The oldest background job still waiting: workers that stopped leave jobs waiting."""

    maximum_minutes: float = 30.0

    def run(self):
        from lantian.core.models import Job

        limit = timezone.now() - timedelta(minutes=self.maximum_minutes)
        if Job.objects.filter(status=Job.Status.PENDING, created_at__lt=limit).exists():
            raise ServiceUnavailable(f"a job has waited more than {self.maximum_minutes:g} minutes")


def platform_checks() -> list:
    checks: list = [(Database, {"alias": alias}) for alias in settings.DATABASES]
    checks += [(Cache, {"alias": alias}) for alias in settings.CACHES]
    data = Path(getattr(settings, "VAR_DIR", "."))
    checks.append((DiskSpace, {"path": str(data if data.exists() else Path.cwd())}))
    checks.append(
        (JobQueue, {"maximum_minutes": float(getattr(settings, "LANTIAN_HEALTH_QUEUE_MINUTES", 30))})
    )
    return checks


class HealthView(HealthCheckView):
    def get_checks(self):
        self.checks = platform_checks()  # read per request: settings may differ (tests, reloads)
        return super().get_checks()
