"""Restore drills: back up, change the data and the files, restore, compare (SQLite file and PostgreSQL).

Each drill works on a database of its own (a second connection alias), so that the test database the
rest of the suite uses is never replaced; the backup run and the drill are recorded in the test
database as they are in production.
"""

import contextlib
import hashlib
import os
import sqlite3
import tarfile
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connections

from lantian.ops import backup
from lantian.ops.models import BackupRun, RestoreDrill

ALIAS = "ops_drill"
ROWS = [(1, "甲一化工", b"\x00\x01binary"), (2, "乙一热电", b"\xff" * 300)]


def _add_alias(settings_dict):
    from django.conf import settings

    connections.settings[ALIAS] = {**connections["default"].settings_dict, **settings_dict}
    settings.DATABASES[ALIAS] = connections.settings[ALIAS]


def _drop_alias():
    from django.conf import settings

    if ALIAS in connections:
        connections[ALIAS].close()
    for mapping in (connections.settings, settings.DATABASES):
        mapping.pop(ALIAS, None)
    with contextlib.suppress(AttributeError, KeyError):
        del connections[ALIAS]


@pytest.fixture
def sqlite_drill(db, tmp_path):
    path = tmp_path / "drill.sqlite3"
    _add_alias({"ENGINE": "django.db.backends.sqlite3", "NAME": str(path), "OPTIONS": {}, "TEST": {}})
    yield path
    _drop_alias()


def _pg_admin():
    psycopg = pytest.importorskip("psycopg")
    try:
        return psycopg.connect(
            "postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True, connect_timeout=3
        )
    except psycopg.OperationalError:
        pytest.skip("no PostgreSQL on 127.0.0.1:5432")


@pytest.fixture
def postgres_drill(db):
    admin = _pg_admin()
    name = f"lantian_ops_drill_{os.getpid()}"
    admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
    admin.execute(f'CREATE DATABASE "{name}"')
    _add_alias(
        {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": name,
            "USER": "postgres",
            "PASSWORD": "",
            "HOST": "127.0.0.1",
            "PORT": "5432",
            "OPTIONS": {},
            "TEST": {},
        }
    )
    yield name
    _drop_alias()
    admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.close()


def _cursor():
    """A cursor of the drill database. Its connection is opened with ``connect()``: the test case forbids
    implicit connections to aliases it was not told of, and this one exists only during the test."""
    connection = connections[ALIAS]
    if connection.connection is None:
        connection.connect()
    return connection.cursor()


def _fill(blob_type):
    with _cursor() as cursor:
        cursor.execute(f"CREATE TABLE plant (id integer PRIMARY KEY, name varchar(50), data {blob_type})")
        for row in ROWS:
            cursor.execute("INSERT INTO plant (id, name, data) VALUES (%s, %s, %s)", row)


def _rows():
    with _cursor() as cursor:
        cursor.execute("SELECT id, name, data FROM plant ORDER BY id")
        return [(i, n, None if d is None else bytes(d)) for i, n, d in cursor.fetchall()]


def _change_everything(media: Path):
    with _cursor() as cursor:
        cursor.execute("UPDATE plant SET name = 'changed' WHERE id = 1")
        cursor.execute("DELETE FROM plant WHERE id = 2")
        cursor.execute("INSERT INTO plant (id, name, data) VALUES (3, 'new', NULL)")
    (media / "photos" / "a.jpg").write_bytes(b"overwritten")
    (media / "reports" / "r.pdf").unlink()
    (media / "later.txt").write_text("added after the backup")


def _media(root: Path) -> Path:
    (root / "photos").mkdir(parents=True)
    (root / "reports").mkdir()
    (root / "photos" / "a.jpg").write_bytes(os.urandom(50_000))
    (root / "photos" / "名称.png").write_bytes(os.urandom(1000))
    (root / "reports" / "r.pdf").write_bytes(b"%PDF-1.7\n" + os.urandom(2000))
    (root / "empty.txt").write_bytes(b"")
    return root


def _snapshot(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def _drill(tmp_path, blob_type):
    media = _media(tmp_path / "media")
    _fill(blob_type)
    before_rows, before_files = _rows(), _snapshot(media)

    call_command("backup", database=ALIAS, dir=tmp_path / "backups", media=media)
    run = BackupRun.objects.get()
    assert run.result == BackupRun.Result.SUCCEEDED and run.size == Path(run.file_name).stat().st_size
    assert run.checksum == hashlib.sha256(Path(run.file_name).read_bytes()).hexdigest()

    _change_everything(media)
    assert _rows() != before_rows and _snapshot(media) != before_files

    call_command("restore", run.file_name, database=ALIAS, media=media, yes=True)
    assert _rows() == before_rows
    assert _snapshot(media) == before_files  # byte for byte, the later file gone
    drill = RestoreDrill.objects.get()
    assert drill.backup == run and drill.succeeded
    return run


@pytest.mark.django_db
def test_restore_drill_sqlite(tmp_path, sqlite_drill):
    run = _drill(tmp_path, "blob")
    with tarfile.open(run.file_name) as tar:
        assert "database.sqlite3" in tar.getnames() and "manifest.json" in tar.getnames()
    assert not list((tmp_path / "backups").glob(".work-*"))  # nothing half-written left behind


@pytest.mark.django_db
def test_restore_drill_postgresql(tmp_path, postgres_drill):
    run = _drill(tmp_path, "bytea")
    with tarfile.open(run.file_name) as tar:
        dump = tar.extractfile("database.pgdump").read(5)
    assert dump == b"PGDMP"  # pg_dump's custom format


@pytest.mark.django_db
def test_damaged_archive_is_refused_and_changes_nothing(tmp_path, sqlite_drill):
    media = _media(tmp_path / "media")
    _fill("blob")
    run = backup.run_backup(ALIAS, tmp_path / "backups", media)
    archive = Path(run.file_name)
    data = bytearray(archive.read_bytes())
    data[-20_000] ^= 0xFF  # inside a media member
    damaged = tmp_path / "damaged.tar"
    damaged.write_bytes(bytes(data))
    _change_everything(media)
    changed_rows, changed_files = _rows(), _snapshot(media)
    with pytest.raises(CommandError, match=r"checksum|damaged|unexpected"):
        call_command("restore", str(damaged), database=ALIAS, media=media, yes=True)
    assert _rows() == changed_rows and _snapshot(media) == changed_files
    assert RestoreDrill.objects.get().succeeded is False


@pytest.mark.django_db
def test_in_memory_database_is_refused_and_recorded(tmp_path, settings):
    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("the test database is not in-memory SQLite")
    with pytest.raises(CommandError, match="in-memory"):
        call_command("backup", dir=tmp_path)
    assert BackupRun.objects.get().result == BackupRun.Result.FAILED


@pytest.mark.django_db
def test_retention_keeps_the_newest(tmp_path, sqlite_drill, settings):
    from datetime import timedelta

    from django.utils import timezone

    settings.LANTIAN_BACKUP_KEEP_DAYS, settings.LANTIAN_BACKUP_KEEP_MIN = 10, 2
    _fill("blob")
    now = timezone.now()
    runs = [
        backup.run_backup(ALIAS, tmp_path / "b", tmp_path / "none", now - timedelta(days=d))
        for d in (40, 30, 20)
    ]
    # Each run applied retention at its own time; now the two newest stay even though all are old.
    removed = backup.apply_retention(now)
    for run in runs:
        run.refresh_from_db()
    assert removed == 0 and [r.deleted_at is None for r in runs] == [False, True, True]
    assert not Path(runs[0].file_name).exists() and Path(runs[2].file_name).exists()


def test_archive_with_unsafe_names_is_refused(tmp_path):
    import io
    import json

    path = tmp_path / "evil.tar"
    manifest = {
        "format": 1,
        "vendor": "sqlite",
        "database": "database.sqlite3",
        "members": {"../etc/x": {"sha256": hashlib.sha256(b"x").hexdigest(), "size": 1}},
    }
    with tarfile.open(path, "w") as tar:
        for name, data in (("manifest.json", json.dumps(manifest).encode()), ("../etc/x", b"x")):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    with pytest.raises(backup.BackupError, match="unsafe"):
        backup.verify_archive(path)


def test_sqlite_online_restore_keeps_open_connections_working(tmp_path):
    """The restore copies pages into the live database: a connection opened before it reads the new data."""
    live, saved = tmp_path / "live.db", tmp_path / "saved.db"
    with sqlite3.connect(saved) as db:
        db.execute("CREATE TABLE t (v)")
        db.execute("INSERT INTO t VALUES ('saved')")
    reader = sqlite3.connect(live)
    reader.execute("CREATE TABLE t (v)")
    reader.execute("INSERT INTO t VALUES ('live')")
    reader.commit()
    source = sqlite3.connect(saved)
    source.backup(reader)
    source.close()
    assert reader.execute("SELECT v FROM t").fetchall() == [("saved",)]
