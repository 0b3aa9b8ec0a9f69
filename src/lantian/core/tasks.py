from celery import shared_task

from lantian.core.jobs import run_job


@shared_task(acks_late=True, ignore_result=True)
def run_job_task(job_id: int) -> None:
    run_job(job_id)


@shared_task(ignore_result=True)
def run_periodic_job_task(name: str) -> None:
    """Celery beat's entry point for a registered periodic job (``lantian.core.periodic``)."""
    from lantian.core.periodic import run_periodic_job

    run_periodic_job(name)
