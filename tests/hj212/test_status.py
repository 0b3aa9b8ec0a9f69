"""Capture rates and online status (lantian.hj212.status): the GROUP BY queries against hand-made rows."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from lantian.hj212 import status
from lantian.hj212.models import Device, RawPacket
from tests.hj212.cases import make_device, reject

pytestmark = pytest.mark.django_db
LOCAL = ZoneInfo("Asia/Shanghai")
DAY = date(2026, 3, 10)


def local(*args) -> datetime:
    return datetime(*args, tzinfo=LOCAL)


def packet(device, data_time, cn="2011", qn=None, received_at=None):
    qn = qn or f"{data_time:%Y%m%d%H%M%S}{RawPacket.objects.count():03d}"
    return RawPacket.objects.create(
        received_at=received_at or data_time + timedelta(seconds=2), device=device, mn=device.mn, qn=qn,
        cn=cn, st="22", data_time=data_time, frame=b"",
    )  # fmt: skip


@pytest.fixture
def device(tree):
    device = make_device(tree.ent_a1, "CAP0001", capture_cn="2011", interval=3600)  # 24 a day
    Device.objects.filter(pk=device.pk).update(created_at=local(2026, 1, 5, 9, 0))
    device.refresh_from_db()
    return device


def test_distinct_data_times_of_the_counted_command_on_the_local_day(device):
    packet(device, local(2026, 3, 10, 0, 0))  # local midnight = 16:00 UTC the day before: counts
    packet(device, local(2026, 3, 10, 1, 0))
    packet(device, local(2026, 3, 10, 1, 0))  # the same data time sent again under another QN: once
    packet(device, local(2026, 3, 10, 2, 0), cn="2051")  # another data type: ignored
    packet(device, local(2026, 3, 10, 3, 0), cn="2061")
    packet(device, local(2026, 3, 9, 23, 59, 59))  # the day before, in local time
    packet(device, local(2026, 3, 11, 0, 0))  # the next day
    counts = status.captured_counts([device], DAY, DAY)
    assert counts == {(device.pk, DAY): 2}
    series = status.captured_counts([device], date(2026, 3, 9), date(2026, 3, 11))
    assert series == {
        (device.pk, date(2026, 3, 9)): 1,
        (device.pk, DAY): 2,
        (device.pk, date(2026, 3, 11)): 1,
    }


def test_the_counted_command_is_each_devices_own(tree, device):
    minute = make_device(tree.ent_a1, "CAP0002", capture_cn="2051", interval=600)
    packet(device, local(2026, 3, 10, 8, 0), cn="2011")
    packet(minute, local(2026, 3, 10, 8, 0), cn="2011")
    packet(minute, local(2026, 3, 10, 8, 10), cn="2051")
    packet(minute, local(2026, 3, 10, 8, 20), cn="2051")
    assert status.captured_counts([device, minute], DAY, DAY) == {(device.pk, DAY): 1, (minute.pk, DAY): 2}


def test_the_rate_is_capped_and_a_finished_day_expects_the_whole_day(device):
    for minutes in range(0, 15 * 60, 30):  # every half hour for 15 hours: 30 data times, 24 expected
        packet(device, local(2026, 3, 10, 0, 0) + timedelta(minutes=minutes))
    [row] = status.day_statuses([device], DAY, now=local(2026, 3, 12, 9, 0))
    assert (row.captured, row.expected, row.rate) == (30, 24, 1.0)
    [row] = status.day_statuses([device], date(2026, 3, 11), now=local(2026, 3, 12, 9, 0))
    assert (row.captured, row.expected, row.rate) == (0, 24, 0.0)
    assert status.capture_rate(6, 24) == 0.25
    assert status.capture_rate(0, 0) is None


def test_the_day_in_progress_expects_only_the_elapsed_intervals(device):
    now = local(2026, 3, 10, 6, 30)
    assert status.expected_count(device, DAY, now) == 6  # six whole intervals have elapsed
    assert status.expected_count(device, date(2026, 3, 9), now) == 24
    assert status.expected_count(device, date(2026, 3, 11), now) == 0
    assert status.expected_count(device, DAY, local(2026, 3, 10, 0, 0, 5)) == 1  # never zero once begun
    for hour in range(6):
        packet(device, local(2026, 3, 10, hour, 0))
    [row] = status.day_statuses([device], DAY, now=now)
    assert row.rate == 1.0 and row.rate_css == "text-success"


def test_a_page_of_devices_costs_three_queries_whatever_its_size(tree):
    devices = [make_device(tree.ent_a1, f"PAGE{n:04d}", interval=60) for n in range(12)]
    for device in devices:
        packet(device, local(2026, 3, 10, 8, 0))
        reject(device, received_at=local(2026, 3, 10, 8, 5))
    with CaptureQueriesContext(connection) as queries:
        rows = status.day_statuses(
            devices, DAY, now=local(2026, 3, 11, 1, 0), packets=RawPacket.objects.all(),
            rejections=devices[0].rejections.model.objects.all(),
        )  # fmt: skip
    assert len(queries) == 3
    assert {(r.captured, r.packets, r.rejections, r.expected) for r in rows} == {(1, 1, 1, 1440)}


def test_packets_and_rejections_are_counted_by_local_day_received(device):
    packet(
        device, local(2026, 3, 9, 23, 59), received_at=local(2026, 3, 10, 0, 0, 1)
    )  # late: counts on the 10th
    packet(device, local(2026, 3, 10, 12, 0))
    reject(device, received_at=local(2026, 3, 10, 23, 59, 59))
    reject(device, received_at=local(2026, 3, 11, 0, 0))
    assert status.packet_counts([device], DAY) == {device.pk: 2}
    assert status.rejection_counts([device], DAY) == {device.pk: 1}


@pytest.mark.parametrize("interval", [30, 60, 300])
def test_offline_after_three_missed_intervals(tree, interval):
    now = local(2026, 3, 10, 12, 0)
    at_limit = make_device(tree.ent_a1, f"ON{interval}", interval=interval,
                           last_seen_at=now - timedelta(seconds=3 * interval))  # fmt: skip
    past_limit = make_device(tree.ent_a1, f"OFF{interval}", interval=interval,
                             last_seen_at=now - timedelta(seconds=3 * interval + 1))  # fmt: skip
    never = make_device(tree.ent_a1, f"NEVER{interval}", interval=interval)
    assert at_limit.is_online(now) and not past_limit.is_online(now) and not never.is_online(now)
    assert [status.status_of(d, now) for d in (at_limit, past_limit, never)] == ["online", "offline", "never"]
    devices = Device.objects.filter(pk__in=[at_limit.pk, past_limit.pk, never.pk])
    assert list(status.filter_status(devices, "online", now)) == [at_limit]
    assert list(status.filter_status(devices, "offline", now)) == [past_limit]
    assert list(status.filter_status(devices, "never", now)) == [never]
    assert status.status_counts(devices, now) == {"total": 3, "online": 1, "offline": 1, "never": 1}


def test_the_database_agrees_with_is_online_across_mixed_intervals(tree):
    now = local(2026, 3, 10, 12, 0)
    devices = []
    for n, (interval, age) in enumerate(
        [(30, 89), (30, 91), (60, 179), (60, 181), (3600, 10000), (3600, 11000)]
    ):
        devices.append(make_device(tree.ent_a1, f"MIX{n}", interval=interval,
                                   last_seen_at=now - timedelta(seconds=age)))  # fmt: skip
    online = {d.pk for d in status.filter_status(Device.objects.all(), "online", now)}
    assert (
        online == {d.pk for d in devices if d.is_online(now)} == {devices[0].pk, devices[2].pk, devices[4].pk}
    )


def test_capture_series_is_thirty_days_ending_today(device):
    now = local(2026, 3, 10, 12, 0)
    packet(device, local(2026, 3, 10, 1, 0))
    packet(device, local(2026, 2, 9, 1, 0))  # the 30th day back: the first of the series
    series = status.capture_series(device, 30, now)
    assert len(series) == 30
    assert series[0]["day"] == date(2026, 2, 9) and series[0]["captured"] == 1
    assert series[-1]["day"] == DAY and series[-1]["captured"] == 1 and series[-1]["expected"] == 12
    assert series[-1]["rate"] == pytest.approx(1 / 12)


def test_days_before_the_registration_expect_nothing_unless_data_came(device):
    now = local(2026, 3, 10, 12, 0)
    assert status.expected_for(device, date(2026, 1, 4), 0, now) == 0
    assert status.expected_for(device, date(2026, 1, 4), 3, now) == 24  # backfilled data: a real day
    assert status.expected_for(device, date(2026, 1, 5), 0, now) == 24  # the registration day counts
    packet(device, local(2026, 1, 4, 10, 0))
    series = {point["day"]: point for point in status.capture_series(device, 70, now)}
    assert series[date(2026, 1, 3)]["rate"] is None and series[date(2026, 1, 4)]["expected"] == 24
    assert series[date(2026, 1, 6)]["rate"] == 0.0


def test_bands():
    assert status.rate_css(0.95) == "text-success"
    assert status.rate_css(0.8) == "text-warning"
    assert status.rate_css(0.2) == "text-danger"
    assert status.rate_css(None) == "text-secondary"
