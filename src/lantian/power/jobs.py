"""The power module's periodic jobs (``lantian.core.periodic``): derived state is computed here in
bulk, never on page load."""

from datetime import timedelta

from auditlog.context import disable_auditlog
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lantian.core.periodic import periodic_job
from lantian.power import alarms, checks, ingest, partitions


@periodic_job(
    "power.partitions", every=timedelta(days=1), description=_("Power readings: monthly partitions")
)
def create_partitions(now) -> str:
    created = partitions.ensure_ahead(timezone.localdate(now))
    return f"created {', '.join(created)}" if created else "partitions in place"


@periodic_job(
    "power.pipeline",
    every=timedelta(minutes=1),
    description=_("Power readings from the gateway, roll-ups and alarm rules"),
)
def pipeline(now) -> str:
    """Ingest, roll up and evaluate in one job, in this order, so that they never race."""
    with disable_auditlog():  # derived state: the change log is for users' edits
        return " · ".join((ingest.ingest(now), ingest.rollup(now), alarms.evaluate(now)))


@periodic_job("power.checks", every=timedelta(days=1), description=_("Power data checks of yesterday"))
def daily_checks(now) -> str:
    day = timezone.localdate(now) - timedelta(days=1)
    counts = checks.run_checks(day)
    return f"{day}: {sum(counts.values())} findings"
