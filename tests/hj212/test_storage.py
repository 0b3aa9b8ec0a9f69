"""Storing accepted packets (lantian.hj212.storage): the raw log once per MN + QN + CN, the long
measurement table, the device's last packet and the latest values. Runs on SQLite and, in CI, on
PostgreSQL, whose path (COPY + one statement) differs from SQLite's."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.cache import caches

from lantian.hj212 import decode
from lantian.hj212.models import Device, Measurement, RawPacket, RejectedPacket
from lantian.hj212.storage import (
    LATEST_COMMANDS,
    REALTIME_CACHE,
    PacketStore,
    Received,
    Rejection,
    latest_key,
    latest_values,
)

from .frames import make_frame

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 22, 4, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def no_latest_values(device):
    # The cache outlives the test's database transaction, whose device ids the next test reuses.
    caches[REALTIME_CACHE].delete_many([latest_key(device.pk, cn) for cn in LATEST_COMMANDS])


def received(
    device,
    qn="20261122120000001",
    cn="2011",
    cp="DataTime=20261122120000;a34004-Rtd=35.2,a34004-Flag=N;a21005-Rtd=0.612,a21005-Flag=N",
    *,
    flag=5,
    at=NOW,
    mn=None,
):
    qn_part = f"QN={qn};" if qn else ""
    flag_part = f"Flag={flag};" if flag is not None else ""
    segment = f"{qn_part}ST=22;CN={cn};PW=123456;MN={mn or device.mn};{flag_part}CP=&&{cp}&&"
    frame = make_frame(segment)
    return Received(frame, decode(frame, strict=False), device.pk, at, "10.0.0.8:5120", "test/slot-0")


def test_a_batch_is_stored_with_its_measurements(device):
    new = PacketStore().store([received(device)])

    assert new == [True]
    packet = RawPacket.objects.get()
    assert (packet.mn, packet.qn, packet.cn, packet.st) == (device.mn, "20261122120000001", "2011", "22")
    assert packet.data_time == datetime(2026, 11, 22, 12, 0, tzinfo=SHANGHAI)  # DataTime is local time
    assert bytes(packet.frame).startswith(b"##") and packet.peer == "10.0.0.8:5120"
    rows = {(m.code, m.kind): (m.value, m.flag, m.cn) for m in Measurement.objects.filter(device=device)}
    assert rows == {("a34004", "Rtd"): (35.2, "N", "2011"), ("a21005", "Rtd"): (0.612, "N", "2011")}
    assert Measurement.objects.get(code="a34004").time == packet.data_time


def test_a_repeated_packet_is_stored_once_within_and_across_batches(device):
    store = PacketStore()
    assert store.store([received(device), received(device)]) == [True, False]
    assert store.store([received(device)]) == [False]
    assert RawPacket.objects.count() == 1
    assert Measurement.objects.count() == 2


def test_a_reading_resent_under_a_new_qn_is_logged_and_its_values_kept_once(device):
    """The raw log keeps both sendings; the measurement table the first one's values. On PostgreSQL
    the second batch's COPY into the table fails and takes the way that skips stored rows."""
    store = PacketStore()
    assert store.store([received(device)]) == [True]
    resent = received(device, qn="20261122120500001")
    also_new = received(
        device, qn="20261122120600001", cp="DataTime=20261122120100;a34004-Rtd=40,a34004-Flag=N"
    )
    assert store.store([resent, also_new]) == [True, True]
    assert RawPacket.objects.count() == 3
    assert sorted(Measurement.objects.values_list("code", "value")) == [
        ("a21005", 0.612),
        ("a34004", 35.2),
        ("a34004", 40.0),
    ]


def test_the_same_qn_with_another_cn_is_another_packet(device):
    assert PacketStore().store(
        [
            received(device),
            received(device, cn="2051", cp="DataTime=20261122120000;a34004-Avg=30,a34004-Flag=N"),
        ]
    ) == [True, True]
    assert RawPacket.objects.count() == 2
    assert set(Measurement.objects.values_list("cn", "kind")) == {("2011", "Rtd"), ("2051", "Avg")}


def test_a_2005_packet_without_qn_is_identified_by_its_data_time(device):
    store = PacketStore()
    assert store.store([received(device, qn=None, flag=None)]) == [True]
    assert store.store([received(device, qn=None, flag=None)]) == [False]
    assert RawPacket.objects.get().qn == "DT20261122120000"


def test_values_that_are_not_numbers_are_kept_as_null_and_suffixes_all_stored(device):
    cp = "DataTime=20261122120000;a34004-Avg=30,a34004-Min=12,a34004-Max=nan,a34004-Cou=1_000,a34004-Flag=D"
    PacketStore().store([received(device, cn="2051", cp=cp)])
    rows = dict(Measurement.objects.values_list("kind", "value"))
    assert rows == {"Avg": 30.0, "Min": 12.0, "Max": None, "Cou": None}
    assert set(Measurement.objects.values_list("flag", flat=True)) == {"D"}


def test_a_packet_without_data_time_is_logged_without_measurements(device):
    PacketStore().store([received(device, cn="2081", cp="RestartTime=20261122115900")])
    assert RawPacket.objects.get().data_time is None
    assert not Measurement.objects.exists()


def test_the_device_remembers_its_newest_packet(device):
    earlier = datetime(2026, 11, 22, 3, 0, tzinfo=UTC)
    store = PacketStore()
    store.store([received(device, at=NOW)])
    store.store([received(device, qn="20261122110000001", cn="2051", at=earlier)])  # arrives late
    device.refresh_from_db()
    assert (device.last_seen_at, device.last_cn, device.last_peer) == (NOW, "2011", "10.0.0.8:5120")


def test_a_gateway_store_collects_the_status_until_it_is_published(device):
    store = PacketStore(publish_status=False)
    store.store([received(device, at=NOW)])
    later = "DataTime=20261122120005;a34004-Rtd=40.1,a34004-Flag=N"
    store.store(
        [received(device, qn="20261122120005001", cn="2051", at=NOW + timedelta(seconds=5), cp=later)]
    )
    device.refresh_from_db()
    assert device.last_seen_at is None and latest_values(device.pk) == {}

    status = store.take_status()
    assert store.take_status().newest == {}  # taken once
    store.publish(status)
    device.refresh_from_db()
    assert (device.last_seen_at, device.last_cn) == (NOW + timedelta(seconds=5), "2051")
    assert latest_values(device.pk)["a34004"]["Rtd"] == "40.1"


def test_a_late_reading_does_not_replace_a_newer_latest_value(device):
    store = PacketStore()
    store.store([received(device)])  # 12:00
    older = "DataTime=20261122115900;a34004-Rtd=1.5,a34004-Flag=N"
    store.store([received(device, qn="20261122115900001", cp=older, at=NOW + timedelta(seconds=1))])
    assert latest_values(device.pk)["a34004"]["Rtd"] == "35.2"
    assert Measurement.objects.filter(code="a34004").count() == 2  # stored all the same


def test_latest_values_merge_data_types_and_keep_the_newest_reading(device):
    store = PacketStore()
    store.store(
        [
            received(
                device,
                cn="2051",
                cp="DataTime=20261122115900;a34004-Avg=30,a34004-Flag=N;a01001-Avg=12.5,a01001-Flag=N",
                qn="20261122115900001",
            )
        ]
    )
    store.store([received(device)])  # real-time data a minute later
    latest = latest_values(device.pk)
    assert latest["a34004"]["Rtd"] == "35.2" and latest["a34004"]["cn"] == "2011"
    assert latest["a01001"]["Avg"] == "12.5"  # only the minute data carries temperature
    assert latest["a34004"]["time"] == datetime(2026, 11, 22, 12, 0, tzinfo=SHANGHAI)


def test_rejections_are_kept_with_their_reason(device):
    PacketStore().reject(
        [
            Rejection(b"##0001x", "CRC mismatch", NOW, 9, device.mn, device.pk, "10.0.0.8:1", "gw"),
            Rejection(b"garbage", "no frame", NOW),
        ]
    )
    assert list(RejectedPacket.objects.order_by("pk").values_list("reason", "qn_rtn", "device")) == [
        ("CRC mismatch", 9, device.pk),
        ("no frame", None, None),
    ]


def test_a_device_with_stored_packets_cannot_be_deleted(device):
    from django.db.models import ProtectedError

    PacketStore().store([received(device)])
    with pytest.raises(ProtectedError):
        Device.objects.get().delete()


def test_a_status_that_could_not_be_published_is_merged_into_the_next_newer_entries_winning():
    from types import SimpleNamespace

    from lantian.hj212.storage import Status

    def item(device_id, received_at, data_time, cn="2011"):
        return SimpleNamespace(
            device_id=device_id, received_at=received_at, data_time=data_time, packet=SimpleNamespace(cn=cn)
        )

    failed, later = Status(), Status()
    old, new = item(1, 10, 100), item(1, 20, 200)
    failed.add([new, item(2, 5, 50)])
    later.add([old])
    later.merge(failed)
    assert later.newest[1] is new and later.newest[2].received_at == 5
    assert sorted(time for time, _item in later.latest.values()) == [50, 200]
