"""The ops periodic jobs (lantian.core.periodic): clocks, inspections, health checks, backups, assessment."""

from datetime import timedelta

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lantian.core.periodic import periodic_job
from lantian.core.worktime import calendar as work_calendar


@periodic_job("ops.clocks", every=timedelta(minutes=5), description=_("SLA clocks of open incidents"))
def refresh_clocks(now):
    from lantian.ops.clocks import refresh_open
    from lantian.ops.escalation import send_pending

    seen, changed = refresh_open(now)
    transaction.on_commit(send_pending)  # e-mails of new escalations, and retries of failed ones
    return f"{seen} incidents, {changed} changed"


@periodic_job("ops.inspections", every=timedelta(minutes=15), description=_("Inspection runs due and missed"))
def schedule_inspections(now):
    from lantian.ops.inspections import schedule_and_flag

    created, flagged = schedule_and_flag(now, work_calendar().is_workday)
    return f"{created} runs scheduled, {flagged} missed"


@periodic_job("ops.monitor", every=timedelta(minutes=5), description=_("Checks of monitored services"))
def check_services(now):
    from lantian.ops.monitors import run_all

    checked, failed = run_all(now)
    return f"{checked} checked, {failed} failed"


# Not in a transaction of its own: SQLite's online backup reads through another connection and would wait
# forever for the job's own open write transaction.
@periodic_job(
    "ops.backup", every=timedelta(hours=1), description=_("Platform backup and retention"), atomic=False
)
def scheduled_backup(now):
    """A backup once the last successful one is older than LANTIAN_BACKUP_EVERY_HOURS (24)."""
    from lantian.ops.backup import apply_retention, run_backup
    from lantian.ops.models import BackupRun

    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        return "skipped: an in-memory database has nothing to back up"
    every = timedelta(hours=float(getattr(settings, "LANTIAN_BACKUP_EVERY_HOURS", 24)))
    last = (
        BackupRun.objects.filter(contract__isnull=True, result=BackupRun.Result.SUCCEEDED)
        .order_by("-started_at")
        .values_list("started_at", flat=True)
        .first()
    )
    if last is not None and now - last < every:
        removed = apply_retention(now)
        following = timezone.localtime(last + every)
        return f"{removed} old archives removed; next backup after {following:%Y-%m-%d %H:%M}"
    run = run_backup(now=now)
    return f"backed up: {run.size} bytes"


@periodic_job("ops.assessment", every=timedelta(hours=6), description=_("Monthly assessment proposals"))
def propose_assessments(now):
    from lantian.ops.assessment import months_to_propose, propose
    from lantian.ops.models import Contract

    today = timezone.localdate(now)
    count = 0
    for contract in Contract.objects.filter(
        scheme__isnull=False, starts_on__lte=today, ends_on__gte=today - timedelta(days=31)
    ):
        for month in months_to_propose(today):
            propose(contract, month, now)
            count += 1
    return f"{count} assessments proposed"
