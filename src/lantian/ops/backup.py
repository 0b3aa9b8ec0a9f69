"""The platform's own backups: the database and the uploaded files in one archive, restorable.

An archive is a tar file ``lantian-<alias>-<YYYYmmdd-HHMMSS>.tar`` holding

- ``manifest.json``: format, database vendor, time, and the SHA-256 and size of every other member;
- ``database.sqlite3`` (SQLite's online backup API, through django-dbbackup's ``SqliteBackupConnector``: a
  consistent copy while the site runs) or ``database.pgdump`` (``pg_dump --format=custom`` through
  django-dbbackup's ``PgDumpBinaryConnector``);
- ``media/…``: the uploaded files (MEDIA_ROOT), byte for byte.

It is written under a temporary name and renamed when complete, so a crash never leaves a half archive
under a real name. Every run is a ``BackupRun`` (size, checksum of the archive, result); old archives
are removed by the retention rule (``LANTIAN_BACKUP_KEEP_DAYS``, never the last ``LANTIAN_BACKUP_KEEP_MIN``
successful ones).

A restore checks every member against the manifest before touching anything, then replaces the
database (SQLite: the online backup API copies the archived database into the live one page by page,
in one step; PostgreSQL: ``pg_restore --clean --if-exists --single-transaction``) and the uploaded files
(extracted beside MEDIA_ROOT, then swapped in by renaming).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import tarfile
import tempfile
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.db import connections
from django.utils import timezone

FORMAT = 1
CHUNK = 1024 * 1024
MAX_MEMBERS = 1_000_000  # a restore refuses archives with more entries than this


class BackupError(Exception):
    pass


def backup_dir() -> Path:
    return Path(getattr(settings, "LANTIAN_BACKUP_DIR", settings.VAR_DIR / "backups"))


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _vendor(using: str) -> str:
    vendor = connections[using].vendor
    if vendor not in ("sqlite", "postgresql"):
        raise BackupError(f"backups support SQLite and PostgreSQL, not {vendor}")
    if vendor == "sqlite" and connections[using].is_in_memory_db():
        raise BackupError("an in-memory SQLite database cannot be backed up: it has no file")
    return vendor


def _connector(using: str, vendor: str):
    from dbbackup.db.base import get_connector

    path = {
        "sqlite": "dbbackup.db.sqlite.SqliteBackupConnector",
        "postgresql": "dbbackup.db.postgresql.PgDumpBinaryConnector",
    }[vendor]
    return get_connector(using, connector_path=path)


def _dump_database(using: str, vendor: str, target: Path) -> None:
    dump = _connector(using, vendor).create_dump()
    try:
        dump.seek(0)
        with open(target, "wb") as handle:
            shutil.copyfileobj(dump, handle, CHUNK)
    finally:
        dump.close()


def _media_files(media_root: Path) -> list[Path]:
    if not media_root.is_dir():
        return []
    return sorted(p for p in media_root.rglob("*") if p.is_file() and not p.is_symlink())


@dataclass(frozen=True)
class Archive:
    path: Path
    size: int
    checksum: str
    files: int


def write_archive(
    directory: Path, using: str = "default", media_root: Path | None = None, now: datetime | None = None
) -> Archive:
    """Dump database ``using`` and the files under ``media_root`` into a new archive in ``directory``."""
    vendor = _vendor(using)
    media_root = Path(settings.MEDIA_ROOT if media_root is None else media_root)
    now = now or timezone.now()
    directory.mkdir(parents=True, exist_ok=True)
    name = f"lantian-{using}-{timezone.localtime(now):%Y%m%d-%H%M%S}.tar"
    database_member = "database.sqlite3" if vendor == "sqlite" else "database.pgdump"
    with tempfile.TemporaryDirectory(dir=directory, prefix=".work-") as work:
        dump = Path(work) / database_member
        _dump_database(using, vendor, dump)
        members = {database_member: (dump, sha256_file(dump), dump.stat().st_size)}
        for path in _media_files(media_root):
            member = "media/" + path.relative_to(media_root).as_posix()
            members[member] = (path, sha256_file(path), path.stat().st_size)
        manifest = {
            "format": FORMAT,
            "vendor": vendor,
            "database": database_member,
            "created_at": now.isoformat(),
            "members": {
                member: {"sha256": digest, "size": size} for member, (_p, digest, size) in members.items()
            },
        }
        partial = Path(work) / (name + ".partial")
        with tarfile.open(partial, "w") as tar:
            data = json.dumps(manifest, ensure_ascii=False, indent=1).encode()
            info = tarfile.TarInfo("manifest.json")
            info.size, info.mtime = len(data), int(now.timestamp())
            tar.addfile(info, _BytesReader(data))
            for member, (path, _digest, _size) in members.items():
                tar.add(path, arcname=member, recursive=False)
        # A file changed while it was archived would not match its manifest: check before publishing.
        verify_archive(partial)
        final = directory / name
        os.replace(partial, final)
    return Archive(final, final.stat().st_size, sha256_file(final), len(members) - 1)


class _BytesReader:
    def __init__(self, data: bytes):
        self.data, self.offset = data, 0

    def read(self, size=-1):
        if size is None or size < 0:
            size = len(self.data) - self.offset
        chunk = self.data[self.offset : self.offset + size]
        self.offset += len(chunk)
        return chunk


def read_manifest(tar: tarfile.TarFile) -> dict:
    try:
        handle = tar.extractfile("manifest.json")
    except KeyError:
        raise BackupError("not a Lantian backup: the archive has no manifest.json") from None
    manifest = json.loads(handle.read(10 * CHUNK))
    if manifest.get("format") != FORMAT:
        raise BackupError(f"unknown backup format {manifest.get('format')!r}")
    return manifest


def verify_archive(path: Path) -> dict:
    """The manifest, once every member is present, regular, safely named and matches its checksum."""
    with tarfile.open(path, "r") as tar:
        manifest = read_manifest(tar)
        expected = manifest["members"]
        seen = set()
        for count, info in enumerate(tar):
            if count > MAX_MEMBERS:
                raise BackupError("the archive has too many entries")
            if info.name == "manifest.json":
                continue
            if info.name not in expected or not info.isfile():
                raise BackupError(f"unexpected entry {info.name!r} in the archive")
            parts = Path(info.name).parts
            if info.name.startswith("/") or ".." in parts:
                raise BackupError(f"unsafe path {info.name!r} in the archive")
            digest = hashlib.sha256()
            handle = tar.extractfile(info)
            while chunk := handle.read(CHUNK):
                digest.update(chunk)
            if digest.hexdigest() != expected[info.name]["sha256"]:
                raise BackupError(f"{info.name} does not match its checksum: the archive is damaged")
            seen.add(info.name)
        missing = set(expected) - seen
        if missing:
            raise BackupError(f"the archive lacks {', '.join(sorted(missing)[:5])}")
    return manifest


def _restore_sqlite(using: str, dump: Path) -> None:
    connection = connections[using]
    connection.ensure_connection()
    source = sqlite3.connect(str(dump))
    try:
        source.backup(connection.connection)  # replaces every page of the live database at once
    finally:
        source.close()


def _restore_postgresql(using: str, dump: Path) -> None:
    from django.core.files import File

    connections[using].close()  # pg_restore --clean must not wait for our own open transaction
    with open(dump, "rb") as handle:
        _connector(using, "postgresql").restore_dump(File(handle))


def _restore_media(tar: tarfile.TarFile, media_root: Path) -> int:
    media_root.parent.mkdir(parents=True, exist_ok=True)
    fresh = Path(tempfile.mkdtemp(dir=media_root.parent, prefix=".restore-media-"))
    count = 0
    try:
        for info in tar:
            if not info.name.startswith("media/"):
                continue
            target = fresh / info.name[len("media/") :]
            target.parent.mkdir(parents=True, exist_ok=True)
            with tar.extractfile(info) as source, open(target, "wb") as handle:
                shutil.copyfileobj(source, handle, CHUNK)
            count += 1
        old = media_root.with_name(media_root.name + ".before-restore")
        if old.exists():
            shutil.rmtree(old)
        if media_root.exists():
            os.replace(media_root, old)
        os.replace(fresh, media_root)
        shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(fresh, ignore_errors=True)
        raise
    return count


def restore_archive(path: Path, using: str = "default", media_root: Path | None = None) -> dict:
    """Replace database ``using`` and the uploaded files with the archive's; returns what was restored."""
    path = Path(path)
    vendor = _vendor(using)
    manifest = verify_archive(path)
    if manifest["vendor"] != vendor:
        raise BackupError(f"the archive holds a {manifest['vendor']} database; {using!r} is {vendor}")
    media_root = Path(settings.MEDIA_ROOT if media_root is None else media_root)
    started = time.monotonic()
    with tempfile.TemporaryDirectory(dir=path.parent, prefix=".restore-") as work, tarfile.open(path) as tar:
        dump = Path(work) / manifest["database"]
        with tar.extractfile(manifest["database"]) as source, open(dump, "wb") as handle:
            shutil.copyfileobj(source, handle, CHUNK)
        if vendor == "sqlite":
            _restore_sqlite(using, dump)
        else:
            _restore_postgresql(using, dump)
        files = _restore_media(tar, media_root)
    return {"files": files, "created_at": manifest["created_at"], "seconds": time.monotonic() - started}


def run_backup(
    using: str = "default",
    directory: Path | None = None,
    media_root: Path | None = None,
    now: datetime | None = None,
):
    """One recorded backup: a BackupRun row says how it went, failures included."""
    from lantian.ops.models import BackupRun

    now = now or timezone.now()
    run = BackupRun.objects.create(system=f"Lantian ({using})", started_at=now)
    try:
        archive = write_archive(directory or backup_dir(), using, media_root, now)
    except Exception as error:  # recorded, then raised for the command's exit status
        run.result, run.message, run.finished_at = BackupRun.Result.FAILED, str(error)[:2000], timezone.now()
        run.save()
        raise
    run.result, run.finished_at = BackupRun.Result.SUCCEEDED, timezone.now()
    run.file_name, run.size, run.checksum = str(archive.path), archive.size, archive.checksum
    run.message = f"{archive.files} files"
    run.save()
    apply_retention(now)
    return run


def run_restore(path: Path, using: str = "default", media_root: Path | None = None, drill: bool = True):
    """Restore and record it as a restore drill of the archive's backup run (found by checksum; the
    restored database may predate that row, which is then written again from the archive's facts)."""
    from lantian.ops.models import BackupRun, RestoreDrill

    path = Path(path)
    checksum, size = sha256_file(path), path.stat().st_size
    try:
        result = restore_archive(path, using, media_root)
    except Exception as error:
        if drill:
            run = _backup_row(BackupRun, path, checksum, size)
            RestoreDrill.objects.create(backup=run, succeeded=False, notes=str(error)[:2000])
        raise
    if drill:
        run = _backup_row(BackupRun, path, checksum, size)
        RestoreDrill.objects.create(
            backup=run, succeeded=True, duration_seconds=result["seconds"], notes=f"{result['files']} files"
        )
    return result


def _backup_row(model, path: Path, checksum: str, size: int):
    run = model.objects.filter(checksum=checksum).first()
    if run is None:
        run = model.objects.filter(file_name=str(path)).first() or model(
            system="Lantian", file_name=str(path)
        )
        run.checksum, run.size, run.result = checksum, size, model.Result.SUCCEEDED
        run.finished_at = run.finished_at or timezone.now()
        run.save()
    return run


def apply_retention(now: datetime) -> int:
    """Remove archives older than the kept days, keeping the newest successful ones; returns how many."""
    from lantian.ops.models import BackupRun

    keep_days = int(getattr(settings, "LANTIAN_BACKUP_KEEP_DAYS", 30))
    keep_min = int(getattr(settings, "LANTIAN_BACKUP_KEEP_MIN", 7))
    platform = BackupRun.objects.filter(
        contract__isnull=True, result=BackupRun.Result.SUCCEEDED, deleted_at__isnull=True
    ).exclude(file_name="")
    newest = list(platform.order_by("-started_at").values_list("pk", flat=True)[:keep_min])
    old = platform.filter(started_at__lt=now - timedelta(days=keep_days)).exclude(pk__in=newest)
    removed = 0
    for run in old:
        Path(run.file_name).unlink(missing_ok=True)
        run.deleted_at = now
        run.save(update_fields=["deleted_at"])
        removed += 1
    return removed
