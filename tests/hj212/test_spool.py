"""The gateway's local spool: what is appended survives, a torn tail is dropped, slots are exclusive."""

from datetime import UTC, datetime

import pytest

from lantian.hj212.spool import Spool, SpoolBusy, SpoolRecord

AT = datetime(2026, 11, 22, 4, 0, tzinfo=UTC)


def records(count, start=0):
    return [
        SpoolRecord(b"##%04dframe-%d\r\n" % (i, i), AT, f"10.0.0.{i % 250}:5000")
        for i in range(start, start + count)
    ]


def test_appended_records_read_back_in_order(tmp_path):
    spool = Spool(tmp_path)
    spool.append(records(3))
    spool.append(records(2, start=3))
    spool.rotate()
    [segment] = spool.closed_segments()
    assert [r.frame for r in Spool.read(segment)] == [r.frame for r in records(5)]
    assert next(Spool.read(segment)).received_at == AT


def test_segments_rotate_and_replay_oldest_first(tmp_path):
    spool = Spool(tmp_path, segment_records=4)
    for start in range(0, 10, 2):
        spool.append(records(2, start=start))
    spool.rotate()
    segments = spool.closed_segments()
    assert len(segments) == 3
    assert [r.frame for s in segments for r in Spool.read(s)] == [r.frame for r in records(10)]


def test_a_torn_last_record_is_dropped(tmp_path):
    spool = Spool(tmp_path)
    spool.append(records(3))
    spool.rotate()
    [segment] = spool.closed_segments()
    data = segment.read_bytes()
    segment.write_bytes(data[:-5])  # killed while writing the last record: it was never acknowledged
    assert len(list(Spool.read(segment))) == 2
    segment.write_bytes(data[:-5] + b"XXXXX")  # or its bytes are not what was written
    assert len(list(Spool.read(segment))) == 2


def test_a_slot_belongs_to_one_process_and_the_next_takes_another(tmp_path):
    first = Spool.claim(tmp_path)
    second = Spool.claim(tmp_path)
    assert (first.directory.name, second.directory.name) == ("slot-0", "slot-1")
    with pytest.raises(SpoolBusy):
        Spool(tmp_path / "slot-0")
    first.close()
    assert Spool.claim(tmp_path).directory.name == "slot-0"  # a restarted process finds its spool
    second.close()


def test_pending_tells_whether_anything_waits(tmp_path):
    spool = Spool(tmp_path)
    assert not spool.pending
    spool.append(records(1))
    assert spool.pending
    spool.rotate()
    spool.closed_segments()[0].unlink()
    assert not spool.pending
