"""The detection import relates each row to its cycle and agency without Django's descriptor
(``imports_detection.relate``): the rows must come out exactly as through ``setattr``. A workbook of
good rows and bad rows of every kind is checked both ways: the same errors (row, column, value,
message), nothing written; and a good workbook derives the same readings."""

import datetime

import pytest

from lantian.core.excel.importing import Importer
from lantian.core.excel.reading import read_sheet
from lantian.core.models import ReviewStatus
from lantian.ldar import imports_detection
from lantian.ldar.models import DetectionCycle, DetectionRecord
from tests.agencies.helpers import put_in
from tests.ldar.cases import detection
from tests.ldar.test_detection import reading_row, workbook

pytestmark = pytest.mark.django_db

DERIVED = sorted(imports_detection.DERIVED)


def descriptor_relate(obj, name, value):
    setattr(obj, name, value)


def rows_of(d) -> list[list]:
    tag = d.archive.points[2].tag  # a point without readings yet: a row's key is its point and start
    late = reading_row(d, tag, 12, 50)
    late[8], late[9] = "2027-02-01 09:00:00", "2027-02-01 09:00:30"  # outside the cycle's period
    backwards = reading_row(d, tag, 12, 51)
    backwards[9] = "2026-04-09 09:50:00"  # ends before it starts
    foreign = reading_row(d, tag, 12, 52)
    foreign[6] = d.archive.instrument.serial_number  # not the agency's instrument
    return [
        reading_row(d, tag, 12, 30),
        reading_row(d, tag, 6400, 31),  # a leak
        reading_row(d, "G0012-99", 12, 32),  # no such point
        reading_row(d, tag, 13, 30),  # the same point and start as the first row
        [*reading_row(d, tag, 12, 33)[:2], 9, *reading_row(d, tag, 12, 33)[3:]],
        [*reading_row(d, tag, "约三十", 34)],  # not a number
        late,
        backwards,
        foreign,
        [*reading_row(d, tag, 12, 35)[:5], -4, *reading_row(d, tag, 12, 35)[6:]],
    ]


def errors_both_ways(monkeypatch, user, content) -> tuple[list, list]:
    results = []
    for relate in (imports_detection.relate, descriptor_relate):
        monkeypatch.setattr(imports_detection, "relate", relate)
        result = Importer(DetectionRecord, user).run(read_sheet("readings.xlsx", content))
        results.append([(e.row, e.column, str(e.value), e.message) for e in result.errors])
    return results[0], results[1]


def test_bad_rows_of_every_kind_give_the_same_errors_and_write_nothing(tree, monkeypatch):
    d = detection(tree)
    count = DetectionRecord.objects.count()
    fast, plain = errors_both_ways(monkeypatch, tree.agency_admin, workbook(rows_of(d)))
    assert fast == plain
    assert {row for row, *_rest in fast} == {4, 5, 6, 7, 8, 9, 10, 11}
    assert DetectionRecord.objects.count() == count


def test_the_filing_rule_refuses_every_row_alike(tree, monkeypatch):
    d = detection(tree)
    put_in(d.filing, ReviewStatus.SUBMITTED)
    tag = d.archive.points[2].tag
    rows = [reading_row(d, tag, 12, 30), reading_row(d, tag, 12, 31)]
    fast, plain = errors_both_ways(monkeypatch, tree.agency_admin, workbook(rows))
    assert fast == plain and [row for row, *_rest in fast] == [2, 3]
    assert tree.agency.name in fast[0][3]


def test_good_rows_derive_the_same_readings(tree, monkeypatch):
    d = detection(tree)
    content = workbook([row for row in rows_of(d)[:2]])
    derived = []
    for relate in (imports_detection.relate, descriptor_relate):
        monkeypatch.setattr(imports_detection, "relate", relate)
        importer = Importer(DetectionRecord, tree.agency_admin, dry_run=True)
        assert importer.run(read_sheet("readings.xlsx", content)).ok
        objects = [row.obj for row in importer.rows]
        assert all(obj.cycle == d.cycle and obj.agency == tree.agency for obj in objects)
        derived.append(
            [[getattr(obj, f"{n}_id", None) or getattr(obj, n) for n in DERIVED] for obj in objects]
        )
    assert derived[0] == derived[1]
    assert [row[DERIVED.index("is_leak")] for row in derived[0]] == [False, True]


def test_relate_sets_the_relation_as_setattr_does(tree):
    d = detection(tree)
    cycle = DetectionCycle.objects.select_related("agency").get(pk=d.cycle.pk)
    fast, plain = DetectionRecord(), DetectionRecord()
    for obj in (fast, plain):
        obj.enterprise = tree.ent_a1  # the row has its database (as the engine's first relation gives it)
        obj.started_at = datetime.datetime(2026, 4, 9, 9, 30, tzinfo=datetime.UTC)
    imports_detection.relate(fast, "cycle", cycle)
    imports_detection.relate(fast, "agency", cycle.agency)
    plain.cycle, plain.agency = cycle, cycle.agency
    for obj in (fast, plain):
        assert (obj.cycle_id, obj.agency_id) == (cycle.pk, cycle.agency_id)
        assert obj.cycle is cycle and obj.agency is cycle.agency  # cached: no query
    new = DetectionRecord()  # no database yet: the descriptor does it
    imports_detection.relate(new, "cycle", cycle)
    assert new.cycle_id == cycle.pk and new._state.db == "default"
