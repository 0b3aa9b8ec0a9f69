from django.core.management.base import BaseCommand

from lantian.core.divisions import sync_divisions
from lantian.core.models import Division


class Command(BaseCommand):
    help = "Create or update the administrative divisions from the GB/T 2260 data file."

    def handle(self, *args, **options):
        written = sync_divisions(Division)
        self.stdout.write(f"{written} divisions written, {Division.objects.count()} in total.")
