from celery import shared_task

from lantian.core.jobs import run_job


@shared_task(acks_late=True, ignore_result=True)
def run_job_task(job_id: int) -> None:
    run_job(job_id)
