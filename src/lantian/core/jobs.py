"""Background jobs: ``start_job`` records a Job and runs its task on a Celery worker (or in-process
in the embedded default). A task is a plain function ``task(job: JobRun, **arguments)``."""

import logging
import traceback

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from lantian.core.models import Job

log = logging.getLogger(__name__)
STORED_ERRORS = 1000
ERROR_CHARS = 1000  # of one stored error: a message never keeps a whole uploaded cell


def stored_errors(errors: list) -> list[str]:
    """The errors a job keeps: the first STORED_ERRORS, each cut to ERROR_CHARS characters."""
    return [
        text if len(text) <= ERROR_CHARS else text[: ERROR_CHARS - 1] + "…"
        for text in map(str, errors[:STORED_ERRORS])
    ]


class JobRun:
    """What a running task sees of its job: progress reporting and the result file."""

    def __init__(self, job: Job):
        self.job = job
        self._last_percent = -1

    def progress(self, done: int, total: int, message: str = "") -> None:
        percent = min(100, int(done * 100 / total)) if total else 0
        if percent == self._last_percent and not message:
            return  # one write per percent, not one per row
        self._last_percent = percent
        Job.objects.filter(pk=self.job.pk).update(progress=percent, message=message[:500] or self.job.message)

    def attach(self, filename: str, content: bytes) -> None:
        self.job.result.save(filename, ContentFile(content), save=False)
        self.job.result_name = filename
        Job.objects.filter(pk=self.job.pk).update(result=self.job.result.name, result_name=filename)

    def fail(self, message: str, errors: list | None = None) -> None:
        """End the job as failed with a message for its owner (and, e.g., every import error)."""
        raise JobFailed(message, errors or [])


class JobFailed(Exception):
    def __init__(self, message: str, errors: list):
        super().__init__(message)
        self.message, self.errors = message, errors


def start_job(user, name: str, task: str, **arguments) -> Job:
    job = Job.objects.create(owner=user, name=name[:200], task=task, arguments=arguments)
    if settings.CELERY_TASK_ALWAYS_EAGER:
        run_job(job.pk)
        job.refresh_from_db()
    else:
        from lantian.core.tasks import run_job_task

        transaction.on_commit(lambda: run_job_task.delay(job.pk))
    return job


def run_job(job_id: int) -> None:
    job = Job.objects.get(pk=job_id)
    if job.status != Job.Status.PENDING:
        return  # delivered twice: the first delivery owns it
    Job.objects.filter(pk=job.pk).update(status=Job.Status.RUNNING, started_at=timezone.now())
    run = JobRun(job)
    status, message, errors = Job.Status.SUCCEEDED, "", []
    try:
        message = import_string(job.task)(run, **job.arguments) or ""
    except JobFailed as failure:
        status, message, errors = Job.Status.FAILED, failure.message, failure.errors
    except Exception as error:
        log.exception("job %s (%s) crashed", job.pk, job.task)
        status, message, errors = (
            Job.Status.FAILED,
            str(error) or type(error).__name__,
            [traceback.format_exc(limit=3)],
        )
    Job.objects.filter(pk=job.pk).update(
        status=status,
        progress=100 if status == Job.Status.SUCCEEDED else run._last_percent if run._last_percent > 0 else 0,
        message=str(message)[:500],
        errors=stored_errors(errors),
        finished_at=timezone.now(),
    )
