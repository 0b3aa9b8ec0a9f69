"""``manage.py restore ARCHIVE``: replace the database and the uploaded files with a backup's."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from lantian.ops.backup import BackupError, run_restore


class Command(BaseCommand):
    help = "Restore the database and the uploaded files from an archive written by `manage.py backup`."

    def add_arguments(self, parser):
        parser.add_argument("archive", type=Path)
        parser.add_argument("--database", default="default", help="database alias (default: default)")
        parser.add_argument("--media", type=Path, help="the uploaded files' folder (default: MEDIA_ROOT)")
        parser.add_argument("--yes", action="store_true", help="do not ask for confirmation")
        parser.add_argument("--no-drill", action="store_true", help="do not record the restore as a drill")

    def handle(self, *args, archive, database, media, yes, no_drill, **options):
        if not archive.is_file():
            raise CommandError(f"{archive}: no such file")
        if not yes:
            if not options.get("interactive", True):
                raise CommandError("give --yes to restore without asking")
            answer = input(f"Replace database {database!r} and the uploaded files with {archive}? [y/N] ")
            if answer.strip().lower() not in ("y", "yes"):
                raise CommandError("restore cancelled")
        try:
            result = run_restore(archive, database, media, drill=not no_drill)
        except (BackupError, OSError) as error:
            raise CommandError(f"restore failed: {error}") from error
        except Exception as error:
            raise CommandError(f"restore failed: {error}") from error
        self.stdout.write(
            f"restored the backup of {result['created_at']}: {result['files']} files, "
            f"{result['seconds']:.1f} s"
        )
