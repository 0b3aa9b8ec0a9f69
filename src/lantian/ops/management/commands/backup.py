"""``manage.py backup``: the database and the uploaded files in one archive (lantian.ops.backup)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from lantian.ops.backup import BackupError, run_backup


class Command(BaseCommand):
    help = "Back up the database and the uploaded files into one verified archive, recorded as a backup run."

    def add_arguments(self, parser):
        parser.add_argument("--database", default="default", help="database alias (default: default)")
        parser.add_argument(
            "--dir", type=Path, help="where to write the archive (default: LANTIAN_BACKUP_DIR)"
        )
        parser.add_argument("--media", type=Path, help="the uploaded files' folder (default: MEDIA_ROOT)")

    def handle(self, *args, database, dir, media, **options):
        try:
            run = run_backup(database, dir, media)
        except (BackupError, OSError) as error:
            raise CommandError(f"backup failed: {error}") from error
        except Exception as error:  # e.g. pg_dump's own failure, already recorded
            raise CommandError(f"backup failed: {error}") from error
        self.stdout.write(f"{run.file_name} {run.size} bytes sha256={run.checksum} ({run.message})")
