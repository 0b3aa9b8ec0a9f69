"""Periodic jobs: work that keeps derived figures current (overdue repairs, hourly air values, power
roll-ups, approval clocks, health checks) and must never run on page load.

A module registers a function once, in a module its app's ``ready()`` imports::

    from lantian.core.periodic import periodic_job

    @periodic_job("ldar.overdue", every=timedelta(minutes=15), description=_("Overdue repairs"))
    def refresh_overdue(now: datetime) -> str:
        ...
        return f"{count} overdue"          # the summary kept with the run

The same registry drives both ways of running them:

- the embedded default (and cron on a small server): ``manage.py run_periodic`` runs the jobs that are
  due once, ``--loop`` keeps doing so every minute, ``--all`` or job names run those now;
- production: Celery beat with django-celery-beat. ``sync_beat_schedule`` (after every migrate) keeps
  one ``PeriodicTask`` per registered job, calling ``lantian.core.tasks.run_periodic_job_task``; the
  interval can be changed in the admin and is kept.

Every run is recorded in ``core.PeriodicJobState`` (time, duration, result, failure count). Two runs of
one job never overlap: a run takes a lock in the shared cache for at most its interval.
"""

import contextlib
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

logger = logging.getLogger(__name__)

BEAT_TASK = "lantian.core.tasks.run_periodic_job_task"


@dataclass(frozen=True)
class PeriodicJob:
    name: str
    every: timedelta
    function: Callable[[datetime], str | None]
    description: str = ""
    atomic: bool = True


_jobs: dict[str, PeriodicJob] = {}


def periodic_job(name: str, every: timedelta, description: str = "", *, atomic: bool = True):
    """Register ``function(now) -> summary`` to run every ``every``, in one transaction (a failure
    leaves nothing half-written) unless ``atomic=False``: a job that manages its own transactions or
    must not hold one open, such as a backup reading the database through another connection."""
    if every < timedelta(minutes=1):
        raise ValueError(f"periodic job {name}: runs at most once a minute")

    def register(function):
        known = _jobs.get(name)
        if known is not None and known.function is not function:
            raise ValueError(f"periodic job {name} is registered twice")
        _jobs[name] = PeriodicJob(name, every, function, str(description), atomic)
        return function

    return register


def registered_jobs() -> list[PeriodicJob]:
    return sorted(_jobs.values(), key=lambda job: job.name)


def get_job(name: str) -> PeriodicJob:
    try:
        return _jobs[name]
    except KeyError:
        raise KeyError(f"no periodic job named {name!r}; known: {', '.join(sorted(_jobs))}") from None


def due_jobs(now: datetime | None = None) -> list[PeriodicJob]:
    """The jobs whose last start is older than their interval, or which never ran."""
    from lantian.core.models import PeriodicJobState

    now = now or timezone.now()
    started = dict(PeriodicJobState.objects.values_list("name", "last_started"))
    return [
        job
        for job in registered_jobs()
        if started.get(job.name) is None or started[job.name] + job.every <= now
    ]


def run_periodic_job(name: str, now: datetime | None = None) -> bool:
    """Run one job now and record the run; False when it is already running elsewhere or failed.
    A failure is logged and recorded, never raised: one broken job must not stop the others."""
    from lantian.core.models import PeriodicJobState

    job = get_job(name)
    lock = f"lantian:periodic:{name}"
    if not cache.add(lock, 1, timeout=int(job.every.total_seconds())):
        logger.info("periodic job %s is already running", name)
        return False
    now = now or timezone.now()
    state, _created = PeriodicJobState.objects.get_or_create(name=name)
    state.last_started = now
    state.save(update_fields=["last_started"])
    began = time.monotonic()
    try:
        with transaction.atomic() if job.atomic else contextlib.nullcontext():
            summary = job.function(now) or ""
        ok = True
    except Exception as error:  # recorded and logged; the next run tries again
        logger.exception("periodic job %s failed", name)
        summary, ok = f"{type(error).__name__}: {error}", False
    finally:
        cache.delete(lock)
    PeriodicJobState.objects.filter(pk=state.pk).update(
        last_finished=timezone.now(),
        last_ok=ok,
        last_summary=str(summary)[:500],
        duration_ms=int((time.monotonic() - began) * 1000),
        runs=state.runs + 1,
        failures=state.failures + (0 if ok else 1),
    )
    return ok


def run_due_jobs(now: datetime | None = None) -> dict[str, bool]:
    return {job.name: run_periodic_job(job.name, now) for job in due_jobs(now)}


def sync_beat_schedule(**kwargs) -> None:
    """post_migrate: one django-celery-beat ``PeriodicTask`` per registered job (interval kept when an
    administrator changed it); tasks of jobs no longer registered are disabled."""
    from django.apps import apps

    if not apps.is_installed("django_celery_beat"):
        return
    from django.db import connection, router
    from django_celery_beat.models import IntervalSchedule, PeriodicTask

    if not router.allow_migrate_model(kwargs.get("using", "default"), PeriodicTask):
        return
    if PeriodicTask._meta.db_table not in connection.introspection.table_names():
        return
    names = set()
    for job in registered_jobs():
        task_name = f"lantian: {job.name}"
        names.add(task_name)
        if PeriodicTask.objects.filter(name=task_name).exists():
            PeriodicTask.objects.filter(name=task_name).update(task=BEAT_TASK, args=f'["{job.name}"]')
            continue
        interval, _created = IntervalSchedule.objects.get_or_create(
            every=max(1, int(job.every.total_seconds() // 60)), period=IntervalSchedule.MINUTES
        )
        PeriodicTask.objects.create(
            name=task_name, task=BEAT_TASK, interval=interval, args=f'["{job.name}"]',
            description=job.description[:200],
        )  # fmt: skip
    PeriodicTask.objects.filter(name__startswith="lantian: ", task=BEAT_TASK).exclude(name__in=names).update(
        enabled=False
    )
