from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from lantian.core import periodic
from lantian.core.models import PeriodicJobState

pytestmark = pytest.mark.django_db


@pytest.fixture
def jobs(monkeypatch):
    """A registry of two jobs of this test only."""
    monkeypatch.setattr(periodic, "_jobs", {})
    calls = []

    @periodic.periodic_job("test.counts", every=timedelta(minutes=5), description="counts")
    def counts(now):
        calls.append(now)
        return f"{len(calls)} runs"

    @periodic.periodic_job("test.broken", every=timedelta(hours=1))
    def broken(now):
        PeriodicJobState.objects.create(name="written by the failing job")
        raise RuntimeError("disk full")

    return calls


def test_a_due_job_runs_once_per_interval_and_its_run_is_recorded(jobs):
    start = timezone.now()
    assert {job.name for job in periodic.due_jobs(start)} == {"test.counts", "test.broken"}
    periodic.run_due_jobs(start)
    state = PeriodicJobState.objects.get(name="test.counts")
    assert (state.last_ok, state.last_summary, state.runs) == (True, "1 runs", 1)
    assert periodic.due_jobs(start + timedelta(minutes=4)) == []
    assert [job.name for job in periodic.due_jobs(start + timedelta(minutes=5))] == ["test.counts"]


def test_a_failing_job_is_recorded_rolled_back_and_does_not_stop_the_others(jobs):
    results = periodic.run_due_jobs()
    assert results == {"test.broken": False, "test.counts": True}
    state = PeriodicJobState.objects.get(name="test.broken")
    assert (state.last_ok, state.failures, state.last_summary) == (False, 1, "RuntimeError: disk full")
    assert not PeriodicJobState.objects.filter(name="written by the failing job").exists()


def test_a_job_already_running_elsewhere_is_skipped(jobs):
    from django.core.cache import cache

    cache.add("lantian:periodic:test.counts", 1, 60)
    try:
        assert periodic.run_periodic_job("test.counts") is False
    finally:
        cache.delete("lantian:periodic:test.counts")
    assert jobs == []


def test_the_command_runs_named_jobs_and_refuses_unknown_ones(jobs, capsys):
    call_command("run_periodic", "test.counts")
    assert len(jobs) == 1
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="no periodic job named 'nope'"):
        call_command("run_periodic", "nope")


def test_celery_beat_gets_one_task_per_job_and_keeps_a_changed_interval(jobs):
    periodic.sync_beat_schedule()
    task = PeriodicTask.objects.get(name="lantian: test.counts")
    assert (task.task, task.args, task.interval.every) == (periodic.BEAT_TASK, '["test.counts"]', 5)
    task.interval = type(task.interval).objects.create(every=30, period="minutes")
    task.save()
    periodic.sync_beat_schedule()
    assert PeriodicTask.objects.get(name="lantian: test.counts").interval.every == 30
    del periodic._jobs["test.broken"]
    periodic.sync_beat_schedule()
    assert not PeriodicTask.objects.get(name="lantian: test.broken").enabled


def test_a_job_may_run_outside_a_transaction_of_its_own(monkeypatch):
    from django.db import connection

    monkeypatch.setattr(periodic, "_jobs", {})
    seen = []

    @periodic.periodic_job("test.outside", every=timedelta(hours=1), atomic=False)
    def outside(now):
        seen.append(len(connection.atomic_blocks))

    @periodic.periodic_job("test.inside", every=timedelta(hours=1))
    def inside(now):
        seen.append(len(connection.atomic_blocks))

    # the test itself runs in a transaction: count the blocks the job adds to it
    depth = len(connection.atomic_blocks)
    periodic.run_periodic_job("test.outside")
    periodic.run_periodic_job("test.inside")
    assert seen == [depth, depth + 1]
