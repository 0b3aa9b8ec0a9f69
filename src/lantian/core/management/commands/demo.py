from django.core.management.base import BaseCommand

from lantian.core.demo import DEMO_PASSWORD, DIVISION_NOTE, build_demo, build_module_demos


class Command(BaseCommand):
    help = (
        "Load the demo city (organisations, one account per built-in role, and every module's data). "
        "Safe to run again."
    )

    def handle(self, *args, **options):
        accounts = build_demo()
        for line in build_module_demos():
            self.stdout.write(line)
        self.stdout.write(
            self.style.SUCCESS(f"Demo data ready. Accounts (password for all: {DEMO_PASSWORD}):")
        )
        for username, role, organization in accounts:
            self.stdout.write(f"  {username:<12} {role:<10} {organization}")
        self.stdout.write(DIVISION_NOTE)
