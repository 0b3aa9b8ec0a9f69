import uuid
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from lantian.core.excel.importing import Importer
from lantian.core.excel.reading import ReadError, read_sheet, too_large
from lantian.core.models import User
from lantian.core.registry import registration_for
from lantian.core.scope import permission_name


class Command(BaseCommand):
    help = (
        "Import an xlsx or CSV file into a registered model with the checks of the import page: every "
        "error is printed by row and column, and nothing is written unless every row is right."
    )

    def add_arguments(self, parser):
        parser.add_argument("model", help="app_label.Model, e.g. core.Organization")
        parser.add_argument("file", type=Path)
        parser.add_argument("--dry-run", action="store_true", help="check every row, write nothing")
        parser.add_argument(
            "--create-parents",
            action="store_true",
            help="create the parents the rows name by code that do not exist yet (default: report them)",
        )
        parser.add_argument(
            "--delete", action="store_true", help="delete every stored row the file lists (by its key)"
        )
        parser.add_argument(
            "--user",
            metavar="USERNAME",
            help="import as this user, with their permissions and data scope (default: no limits, no actor)",
        )

    def handle(self, *args, model, file, dry_run, user, create_parents, delete, **options):
        try:
            model = apps.get_model(model)
        except (LookupError, ValueError) as error:
            raise CommandError(f"Unknown model {model!r}: use app_label.Model.") from error
        registration = registration_for(model)
        if registration is None or registration.importer is None:
            raise CommandError(f"{model._meta.label} has no Excel import.")
        if user is not None:
            user = User.objects.filter(username=user, is_active=True).first()
            if user is None:
                raise CommandError("No active user with that username.")
            if not user.has_perm(permission_name(model, "import")):
                raise CommandError(f"{user.username} may not import {model._meta.verbose_name_plural}.")
        try:
            if file.stat().st_size > settings.LANTIAN_IMPORT_MAX_BYTES:
                raise CommandError(too_large())
            sheet = read_sheet(file.name, file.read_bytes())
        except (OSError, ReadError) as error:
            raise CommandError(str(error)) from error
        cid = f"import_rows-{uuid.uuid4().hex[:12]}"
        if create_parents and registration.importer.chain is None:
            raise CommandError(
                f"{model._meta.label} names no parents by code: --create-parents does not apply."
            )
        if delete and not registration.importer.deletable:
            raise CommandError(f"{model._meta.label} rows are not deleted by import.")
        result = Importer(
            model, user, dry_run=dry_run, cid=cid, create_parents=create_parents, delete_listed=delete
        ).run(sheet)
        for error in result.errors:
            self.stdout.write(str(error))
        if not result.ok:
            raise CommandError(result.summary())
        self.stdout.write(self.style.SUCCESS(result.summary()))
