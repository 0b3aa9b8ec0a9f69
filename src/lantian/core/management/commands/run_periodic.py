import time

from django.core.management.base import BaseCommand, CommandError

from lantian.core.periodic import due_jobs, get_job, registered_jobs, run_periodic_job


class Command(BaseCommand):
    help = (
        "Run the registered periodic jobs that are due (overdue checks, roll-ups, clocks). "
        "Production runs them on Celery beat; the embedded default runs this from cron or with --loop."
    )

    def add_arguments(self, parser):
        parser.add_argument("names", nargs="*", help="run these jobs now, due or not")
        parser.add_argument("--all", action="store_true", help="run every registered job now")
        parser.add_argument("--loop", action="store_true", help="keep running due jobs every minute")
        parser.add_argument("--list", action="store_true", help="list the registered jobs")

    def handle(self, *args, names, all, loop, list, **options):
        if list:
            for job in registered_jobs():
                self.stdout.write(f"{job.name:<32} every {job.every}  {job.description}")
            return
        try:
            chosen = [get_job(name) for name in names]
        except KeyError as error:
            raise CommandError(error.args[0]) from None
        if all:
            chosen = registered_jobs()
        while True:
            for job in chosen or due_jobs():
                ok = run_periodic_job(job.name)
                self.stdout.write(f"{job.name}: {'ok' if ok else 'failed or already running'}")
            if not loop:
                return
            time.sleep(60)
