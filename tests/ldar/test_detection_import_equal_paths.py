"""The engine's fast paths of a large import give exactly what its plain per-row paths give.

An instrument export of good and bad rows is imported with the fast paths (remembered cells, foreign
keys set without the descriptor, seal points read with the columns the readings use, change-log
entries of new rows written as JSON text) and again with every one of them switched off: the same
errors (row, column, value, message) and nothing written for the bad file; the same stored readings
and the same change-log entries (fields, values, JSON) for the good one; and a bounded number of
queries however many rows (no seal-point column read row by row)."""

import datetime
import json
from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from lantian.core.excel import importing
from lantian.core.excel.importing import ChangeLog, Importer
from lantian.core.excel.reading import read_sheet
from lantian.ldar.imports_detection import DetectionImportSpec
from lantian.ldar.models import DetectionRecord
from tests.ldar.cases import detection
from tests.ldar.test_detection import HEADERS, reading_row, workbook

pytestmark = pytest.mark.django_db

SKIPPED = {"id", "created_at", "updated_at"}  # differ between two writes of the same rows


def plain_paths(monkeypatch) -> None:
    """Every fast path off: cells read one by one, relations set by the descriptor, whole seal points,
    change-log changes built as a dict and dumped."""
    monkeypatch.setattr(importing, "MEMO_LIMIT", 0)
    monkeypatch.setattr(Importer, "relate", lambda self, obj, name, value: setattr(obj, name, value))
    monkeypatch.setattr(DetectionImportSpec, "chain_columns", lambda self, level: None)
    monkeypatch.setattr(ChangeLog, "TEXT", False)
    monkeypatch.setattr(ChangeLog, "COPY", False)


def good_rows(d) -> list[list]:
    points = d.archive.points
    rows = [reading_row(d, points[2].tag, 12, 30), reading_row(d, points[2].tag, 6400, 31)]
    rows.append(reading_row(d, points[1].tag, 0.0, 32, background=0.0))  # zero readings, read alike
    rows.append(reading_row(d, points[1].tag, -0.0, 33, background=1.5))
    rows.append(reading_row(d, points[2].tag, 12, 34, background=1.5))  # the cells of rows above again
    rows.append(reading_row(d, points[1].tag, 12.25, 35, background=1))
    return rows


def bad_rows(d) -> list[list]:
    tag = d.archive.points[2].tag
    late = reading_row(d, tag, 12, 50)
    late[8], late[9] = "2027-02-01 09:00:00", "2027-02-01 09:00:30"  # outside the cycle's period
    backwards = reading_row(d, tag, 12, 51)
    backwards[9] = "2026-04-09 09:50:00"
    foreign = reading_row(d, tag, 12, 52)
    foreign[6] = d.archive.instrument.serial_number  # not the agency's instrument
    return [
        *good_rows(d),
        reading_row(d, "G0012-99", 12, 40),  # no such point
        reading_row(d, "G0012-99", 12, 41),  # the same bad cell again: remembered, reported again
        reading_row(d, tag, 13, 30),  # the same point and start as the first row
        [*reading_row(d, tag, 12, 42)[:2], 9, *reading_row(d, tag, 12, 42)[3:]],  # no such round
        reading_row(d, tag, "约三十", 43),  # not a number
        reading_row(d, tag, "约三十", 44),  # again
        [*reading_row(d, tag, 12, 45)[:6], "TVA-NONE", *reading_row(d, tag, 12, 45)[7:]],
        late,
        backwards,
        foreign,
        [*reading_row(d, tag, 12, 46)[:5], -4, *reading_row(d, tag, 12, 46)[6:]],
        [*reading_row(d, tag, 12, 47)[:5], -4, *reading_row(d, tag, 12, 47)[6:]],
    ]


def errors_of(user, content) -> list[tuple]:
    result = Importer(DetectionRecord, user).run(read_sheet("readings.xlsx", content))
    assert not DetectionRecord.objects.filter(tag__in=[]).exists()
    return [(e.row, e.column, str(e.value), e.message) for e in result.errors]


def written(user, content) -> tuple[list, list]:
    """Import for real, then roll back: the stored readings and the change-log entries it wrote."""
    fields = [f.attname for f in DetectionRecord._meta.concrete_fields if f.attname not in SKIPPED]
    with transaction.atomic():
        importer = Importer(DetectionRecord, user, cid="equal")
        assert importer.run(read_sheet("readings.xlsx", content)).ok
        records = sorted(
            DetectionRecord.objects.filter(pk__in=[row.obj.pk for row in importer.rows]).values_list(*fields)
        )
        entries = [
            (
                entry.content_type_id,
                entry.object_repr,
                entry.action,
                entry.actor_id,
                {name: change for name, change in entry.changes.items() if name not in SKIPPED},
            )
            for entry in LogEntry.objects.filter(cid="equal").order_by("pk")
        ]
        transaction.set_rollback(True)
    return records, entries


def test_bad_rows_give_the_same_errors_both_ways_and_write_nothing(tree, monkeypatch):
    d = detection(tree)
    count, logged = DetectionRecord.objects.count(), LogEntry.objects.count()
    content = workbook(bad_rows(d))
    fast = errors_of(tree.agency_admin, content)
    plain_paths(monkeypatch)
    plain = errors_of(tree.agency_admin, content)
    assert fast == plain
    assert {row for row, *_rest in fast} == set(range(8, 20))
    assert (DetectionRecord.objects.count(), LogEntry.objects.count()) == (count, logged)


def test_good_rows_store_the_same_readings_and_change_log_both_ways(tree, monkeypatch):
    d = detection(tree)
    content = workbook(good_rows(d))
    fast = written(tree.agency_admin, content)
    plain_paths(monkeypatch)
    plain = written(tree.agency_admin, content)
    assert fast == plain
    records, entries = fast
    assert len(records) == len(entries) == 6
    assert {entry[2] for entry in entries} == {LogEntry.Action.CREATE}
    assert entries[2][4]["reading"] == [None, 0.0] and entries[3][4]["reading"] == [None, -0.0]
    if connection.vendor == "sqlite":  # (PostgreSQL's jsonb stores -0.0 as 0.0)
        assert str(entries[3][4]["reading"][1]) == "-0.0"  # not the 0.0 of the row above


def test_reimport_updates_log_the_same_changes_both_ways(tree, monkeypatch):
    d = detection(tree)
    rows = good_rows(d)
    assert Importer(DetectionRecord, tree.agency_admin).run(read_sheet("r.xlsx", workbook(rows))).ok
    rows[0][5], rows[1][4] = 14.5, 2.0  # a reading and a background corrected
    content = workbook(rows)
    fast = written(tree.agency_admin, content)
    plain_paths(monkeypatch)
    plain = written(tree.agency_admin, content)
    assert fast == plain
    assert [entry[2] for entry in fast[1]] == [LogEntry.Action.UPDATE] * 2


def test_the_change_log_text_is_json_dumps_of_the_changes(tree):
    d = detection(tree)
    importer = Importer(DetectionRecord, tree.agency_admin, dry_run=True)
    assert importer.run(read_sheet("r.xlsx", workbook(good_rows(d)))).ok
    objects = [row.obj for row in importer.rows]
    for number, obj in enumerate(objects):
        obj.pk = 1000 + number
        obj.created_at = obj.updated_at = datetime.datetime(2026, 4, 9, 1, 2, 3, 456789, tzinfo=datetime.UTC)
    objects[0].remark = '备注 "引号" \\ 与换行\n'
    objects[1].distance, objects[1].height = None, Decimal("1.5")
    objects[2].distance, objects[2].height = Decimal("1.50"), Decimal("-0.0")  # equal values, other text
    objects[3].distance, objects[3].height = Decimal("1.5"), Decimal("0.0")
    objects[4].background, objects[5].background = 0.0, -0.0
    objects[4].started_at = objects[5].started_at.astimezone(datetime.timezone(datetime.timedelta(hours=8)))
    texts, dicts = ChangeLog(None, None, None), ChangeLog(None, None, None)
    dicts.TEXT = False
    for obj in objects:
        texts.add(obj, LogEntry.Action.CREATE)
        dicts.add(obj, LogEntry.Action.CREATE)
    assert len(texts.entries) == len(dicts.entries) == len(objects)
    for text, changes in zip(texts.entries, dicts.entries, strict=True):
        assert type(text[-1]) is importing.JsonText and type(changes[-1]) is dict
        assert text[:-1] == changes[:-1]
        assert text[-1] == json.dumps(changes[-1])


def logged_rows(user, content, remote_addr=None) -> tuple[list, list]:
    """Import for real, then roll back: the stored readings and every column of each change-log entry
    but its id and time (the time checked shared by all the entries of the import)."""
    fields = [f.attname for f in DetectionRecord._meta.concrete_fields if f.attname not in SKIPPED]
    columns = [f.attname for f in LogEntry._meta.concrete_fields if f.attname not in ("id", "timestamp")]
    with transaction.atomic():
        importer = Importer(DetectionRecord, user, cid="copy", remote_addr=remote_addr)
        assert importer.run(read_sheet("readings.xlsx", content)).ok
        records = sorted(
            DetectionRecord.objects.filter(pk__in=[row.obj.pk for row in importer.rows]).values_list(*fields)
        )
        keys = {row.obj.pk: number for number, row in enumerate(importer.rows)}
        logged = LogEntry.objects.filter(cid="copy").order_by("pk")
        assert logged.values("timestamp").distinct().count() == 1
        entries = []
        for entry in logged.values(*columns):
            # the object's keys as the row's place in the file (the two imports number their rows apart)
            number = keys[entry.pop("object_id")]
            assert entry.pop("object_pk") == str(importer.rows[number].obj.pk)
            entry["changes"] = {k: v for k, v in entry["changes"].items() if k not in SKIPPED}
            entries.append((number, entry))
        transaction.set_rollback(True)
    return records, entries


def remarked_rows(d) -> list[list]:
    """The good rows with a remark each, one with what COPY's text format escapes."""
    remarks = ['备注 "引号" \\ 与\\t斜杠\\n换行', "", "\\N", "N/A", "普通备注", "  "]
    return [[*row, remark] for row, remark in zip(good_rows(d), remarks, strict=True)]


@pytest.fixture
def counted_copies(monkeypatch) -> list[str]:
    """The COPY statements run from now on."""
    copies = []
    cursor_class = type(connection.cursor().cursor)
    original = cursor_class.copy

    def counted(self, statement, *args, **kwargs):
        copies.append(str(statement))
        return original(self, statement, *args, **kwargs)

    monkeypatch.setattr(cursor_class, "copy", counted)
    return copies


@pytest.mark.skipif(connection.vendor != "postgresql", reason="COPY is PostgreSQL's")
def test_the_change_log_by_copy_equals_the_inserts(tree, monkeypatch, counted_copies):
    d = detection(tree)
    content = workbook(remarked_rows(d), [*HEADERS, "备注"])
    by_copy = logged_rows(tree.agency_admin, content, remote_addr="10.1.2.3")
    assert len(counted_copies) == 1 and counted_copies[0].startswith("COPY")
    monkeypatch.setattr(ChangeLog, "COPY", False)
    by_insert = logged_rows(tree.agency_admin, content, remote_addr="10.1.2.3")
    assert len(counted_copies) == 1
    assert by_copy == by_insert
    records, entries = by_copy
    assert len(records) == len(entries) == 6
    assert {entry["action"] for _number, entry in entries} == {LogEntry.Action.CREATE}
    assert {(e["actor_id"], e["remote_addr"], e["cid"]) for _n, e in entries} == {
        (tree.agency_admin.pk, "10.1.2.3", "copy")
    }
    remarks = {e["changes"].get("remark", [None, None])[1] for _n, e in entries}
    assert '备注 "引号" \\ 与\\t斜杠\\n换行' in remarks and "\\N" in remarks


@pytest.mark.skipif(connection.vendor != "postgresql", reason="COPY is PostgreSQL's")
def test_the_update_log_by_copy_equals_the_inserts(tree, monkeypatch, counted_copies):
    d = detection(tree)
    rows = remarked_rows(d)
    headers = [*HEADERS, "备注"]
    assert Importer(DetectionRecord, tree.agency_admin).run(read_sheet("r.xlsx", workbook(rows, headers))).ok
    rows[0][5], rows[1][4], rows[2][10] = 14.5, 2.0, "改\\r正"
    content = workbook(rows, headers)
    copies = len(counted_copies)
    by_copy = logged_rows(tree.agency_admin, content)
    assert len(counted_copies) == copies + 1
    monkeypatch.setattr(ChangeLog, "COPY", False)
    assert logged_rows(tree.agency_admin, content) == by_copy
    assert [entry["action"] for _number, entry in by_copy[1]] == [LogEntry.Action.UPDATE] * 3


def test_the_queries_do_not_grow_with_the_rows(tree):
    d = detection(tree)
    points = d.archive.points
    counts = []
    for size in (3, 3, 9):  # the first import fills caches (content types, permissions)
        rows = [reading_row(d, points[i % len(points)].tag, 12, i) for i in range(size)]
        with transaction.atomic(), CaptureQueriesContext(connection) as queries:
            importer = Importer(DetectionRecord, tree.agency_admin)
            assert importer.run(read_sheet("r.xlsx", workbook(rows))).ok
            transaction.set_rollback(True)
        counts.append(len(queries))
    assert counts[1] == counts[2]
