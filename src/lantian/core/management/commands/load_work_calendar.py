from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from lantian.core.models import WorkCalendarDay
from lantian.core.worktime import DATA_FILE, sync_calendar


class Command(BaseCommand):
    help = (
        "Load the work calendar (holidays and working weekends) from the shipped data file: every year "
        "the table does not have yet, and the years named by --replace anew. Years the system "
        "administrator keeps in the table are otherwise left alone."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--replace",
            type=int,
            action="append",
            default=[],
            metavar="YEAR",
            help="Overwrite this year with the file's days (repeat for more years).",
        )
        parser.add_argument(
            "--file",
            type=Path,
            default=DATA_FILE,
            help="A CSV file with the header date,kind,name (default: the shipped data file).",
        )

    def handle(self, *args, replace, file, **options):
        try:
            years = sync_calendar(WorkCalendarDay, file, frozenset(replace))
        except (OSError, ValueError) as error:
            raise CommandError(str(error)) from error
        loaded = ", ".join(map(str, years)) if years else "none"
        total = WorkCalendarDay.objects.count()
        self.stdout.write(f"Years loaded: {loaded}. {total} calendar days in the table.")
