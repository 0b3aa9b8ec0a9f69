"""``manage.py air_simulate`` end to end: the stations played against a real gateway on a free port
of this machine (transactional tests: the gateway writes from its own thread), their packets stored,
the pipeline turning the hourly packets into the hourly table and the live view showing them; and
the pieces (clock grid, hourly tally, readings, faults) on their own."""

import random
import threading
import time
from datetime import datetime, timedelta

import pytest
import uvloop
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import OperationalError
from django.utils import timezone

from lantian.air import live, pipeline
from lantian.air.models import HourlyValue, Station
from lantian.air.parameters import BY_HJ212, BY_KEY
from lantian.air.simulator import (
    FAULTS,
    HourTally,
    LiveNetwork,
    Region,
    SimClock,
    StationModel,
    _hour,
    _next_grid,
    load_stations,
    local_now,
    typical,
)
from lantian.air.synthetic import PROFILES
from lantian.core.models import Organization, User
from lantian.hj212 import status
from lantian.hj212.gateway import STATUS_EVERY, Gateway
from lantian.hj212.models import Device, Measurement, RawPacket
from lantian.hj212.storage import DEVICE_TIME_ZONE, latest_values

KEYS = ["SO2", "NO2", "PM10", "CO", "O3", "PM2.5", "TEMP", "RH", "WS", "WD"]
TRANSACTIONAL = pytest.mark.django_db(transaction=True)  # the gateway writes from its own thread
DEADLINE = 120  # seconds: generous, the machine may be busy


def wait_for(condition, timeout=DEADLINE, what="condition"):
    """Poll ``condition`` until true or the deadline. While the gateway writes, SQLite may answer a
    read with "table is locked" (no busy wait in the shared test database): that is asked again."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            result = condition()
        except OperationalError:
            result = None
        if result:
            return result
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


def aware(moment: datetime) -> datetime:
    return moment.replace(tzinfo=DEVICE_TIME_ZONE)


@pytest.fixture
def network_db():
    """Three stations as the demo makes them: hourly data counted (2061, every 3600 s)."""
    county = Organization.objects.create(name="模拟县生态环境分局", kind=Organization.Kind.REGULATOR)
    stations = []
    for n in range(1, 4):
        device = Device.objects.create(
            mn=f"SIMAQ{n:04d}",
            name=f"模拟站{n}",
            organization=county,
            kind=Device.Kind.AIR_STATION,
            password="123456",
            capture_cn="2061",
            interval=3600,
        )
        stations.append(
            Station.objects.create(
                organization=county,
                kind=Station.Kind.TOWNSHIP,
                code=f"XZ9{n:02d}",
                name=f"模拟镇{n}",
                latitude="34.44",
                longitude="107.62",
                device=device,
                active_from=datetime(2024, 1, 1).date(),
            )
        )
    # a station without a device is not played
    Station.objects.create(
        organization=county,
        kind=Station.Kind.MICRO,
        code="WZ999",
        name="无设备站",
        latitude="34.45",
        longitude="107.63",
        active_from=datetime(2024, 1, 1).date(),
    )
    return county, stations


def start_gateway(spool, port=0):
    gw = Gateway(host="127.0.0.1", port=port, spool_root=spool, flush_interval=0.001, retry_interval=0.2)
    loop = uvloop.new_event_loop()
    thread = threading.Thread(
        target=loop.run_until_complete, args=(gw.run(install_signals=False),), daemon=True
    )
    thread.start()
    wait_for(gw.ready.is_set, 30, "the gateway to listen")
    gw.stop_and_wait = lambda: (loop.call_soon_threadsafe(gw.stop), thread.join(30))
    gw.thread = thread
    return gw


@pytest.fixture
def gateway(network_db, tmp_path):
    gw = start_gateway(tmp_path / "spool")
    yield gw
    if gw.thread.is_alive():
        gw.stop_and_wait()


class Player:
    """The simulator in its own thread, as the command runs it."""

    def __init__(self, network):
        self.network = network
        self.report = None
        loop = uvloop.new_event_loop()
        self.thread = threading.Thread(target=self._run, args=(loop,), daemon=True)
        self.thread.start()

    def _run(self, loop):
        self.report = loop.run_until_complete(self.network.run())

    def stop(self):
        wait_for(lambda: self.network._loop is not None, 30, "the simulator's loop")
        self.network.stop_threadsafe()
        self.thread.join(60)
        assert not self.thread.is_alive(), "the simulator did not stop"
        return self.report


def play(port, backfill_hours=2, speed=3600, interval=30, limit=3):
    stations, region_log = load_stations(limit=limit, interval=interval)
    start = _hour(local_now()) - timedelta(hours=backfill_hours)
    network = LiveNetwork(
        stations,
        "127.0.0.1",
        port,
        clock=SimClock(start, speed),
        region=Region(random.Random(1), region_log),
        ack_timeout=30,
    )
    return Player(network)


def stored_hourly(devices):
    return RawPacket.objects.filter(device__in=devices, cn="2061").count()


@TRANSACTIONAL
def test_the_stations_data_arrive_and_reach_the_live_view(gateway, network_db):
    county, stations = network_db
    devices = [s.device for s in stations]
    player = play(gateway.port)
    # two replayed hours: each station's two hourly packets stored
    wait_for(lambda: stored_hourly(devices) >= 2 * len(devices), what="the hourly packets")
    network = player.network
    wait_for(lambda: network.clock.now() >= local_now() - timedelta(seconds=2), what="the clock to catch up")
    report = player.stop()
    assert report.ok, (report.missing[:5], report.unexpected[:5])
    assert report.acked == report.expected_acks > 0
    played = network.stations
    assert [s.code for s in played] == ["XZ901", "XZ902", "XZ903"]  # WZ999 has no device
    for station, device in zip(played, devices, strict=True):
        # the newest real-time reading is the device's latest value (published by the status thread)
        newest_moment, newest = next((m, v) for cn, m, v in reversed(station.sent) if cn == "2011")

        def published(device=device, moment=newest_moment):
            return latest_values(device.pk).get("a34004", {}).get("time") == aware(moment)

        wait_for(published, STATUS_EVERY * 3 + 10, "the latest values")
        latest = latest_values(device.pk)
        assert {code: float(v["Rtd"]) for code, v in latest.items()} == {
            BY_KEY[k].hj212: v for k, v in newest.items()
        }
    gateway.stop_and_wait()  # drained: what follows reads a quiet database

    for station, device in zip(played, devices, strict=True):
        device.refresh_from_db()
        assert status.status_of(device) == status.ONLINE
        # the station asked for the time (1013), the gateway set it (1012), the station answered
        assert set(RawPacket.objects.filter(device=device).values_list("cn", flat=True)) >= {
            "1013",
            "2011",
            "2061",
            "9011",
            "9012",
        }
        assert station.clock_offset is not None and abs(station.clock_offset) < 3600 * 3
        stored = {
            (timezone.localtime(m.time, DEVICE_TIME_ZONE).replace(tzinfo=None), m.code): m.value
            for m in Measurement.objects.filter(device=device, cn="2011", kind="Rtd")
        }
        realtime = [(moment, values) for cn, moment, values in station.sent if cn == "2011"]
        assert len(realtime) > 100
        for moment, values in realtime:  # every real-time value as the simulator sent it
            assert values.keys() == set(KEYS)
            for key, value in values.items():
                assert stored[(moment, BY_KEY[key].hj212)] == value, (station.code, moment, key)

    # the hourly packets: the mean, least and greatest of the hour's real-time readings
    hourly = {}
    for station, device in zip(played, devices, strict=True):
        hour, averages = next((m, v) for cn, m, v in reversed(station.sent) if cn == "2061")
        hourly[station.code] = (hour, averages)
        readings = Measurement.objects.filter(
            device=device,
            cn="2011",
            kind="Rtd",
            time__gte=aware(hour),
            time__lt=aware(hour + timedelta(hours=1)),
        ).order_by("time")
        by_code = {}
        for m in readings:
            by_code.setdefault(m.code, []).append(m.value)
        assert len(by_code["a34004"]) == 3600 // station.interval  # a whole replayed hour
        avg = {
            m.code: m.value
            for m in Measurement.objects.filter(device=device, cn="2061", kind="Avg", time=aware(hour))
        }
        low = {
            m.code: m.value
            for m in Measurement.objects.filter(device=device, cn="2061", kind="Min", time=aware(hour))
        }
        high = {
            m.code: m.value
            for m in Measurement.objects.filter(device=device, cn="2061", kind="Max", time=aware(hour))
        }
        assert avg == {BY_KEY[k].hj212: v for k, v in averages.items()}
        for code, values in by_code.items():
            decimals = PROFILES[BY_HJ212[code].key][4]
            assert abs(avg[code] - sum(values) / len(values)) <= 0.5 * 10**-decimals + 1e-9
            assert (low[code], high[code]) == (min(values), max(values))

    # the air module's periodic job takes them into the hourly table (packets settled: a minute on)
    summary = pipeline.run(timezone.now() + pipeline.SETTLE + timedelta(seconds=1))
    assert f"{len(stations)} stations" in summary
    for station in stations:
        hour, averages = hourly[station.code]
        rows = {r.parameter: r for r in HourlyValue.objects.filter(station=station, time=aware(hour))}
        assert {BY_KEY[k].id: v for k, v in averages.items()} == {p: r.value for p, r in rows.items()}
        assert all(r.source == HourlyValue.Source.DEVICE_HOURLY and r.valid for r in rows.values())

    # and the live view shows them: the newest hour, labelled by its end, with AQI and values
    user = User.objects.create_superuser("airsim_root", "root@example.org", "x", organization=county)
    snapshot = live.snapshot(user, "2026")
    newest_hour = max(hour for hour, _ in hourly.values())
    assert snapshot["hour"] == aware(newest_hour + timedelta(hours=1)).isoformat()
    rows = {row["code"]: row for row in snapshot["stations"]}
    for station in stations:
        hour, averages = hourly[station.code]
        if hour != newest_hour:
            continue
        row = rows[station.code]
        assert row["aqi"] is not None and row["aqi"] > 0
        for key in ("SO2", "NO2", "PM10", "CO", "O3", "PM2.5"):
            assert abs(row["values"][key] - averages[key]) <= 0.5 * 10 ** -BY_KEY[key].decimals + 1e-9
    assert rows["WZ999"]["aqi"] is None


@TRANSACTIONAL
def test_the_stations_come_back_when_the_gateway_restarts(network_db, tmp_path):
    _county, stations = network_db
    devices = [s.device for s in stations[:2]]
    gw = start_gateway(tmp_path / "spool")
    port = gw.port
    player = play(port, backfill_hours=1, speed=1800, limit=2)
    try:
        wait_for(lambda: RawPacket.objects.filter(device__in=devices, cn="2011").count() >= 40, what="data")
        gw.stop_and_wait()
        before = RawPacket.objects.filter(device__in=devices, cn="2011").count()
        gw = start_gateway(tmp_path / "spool", port=port)  # the same port, as a restarted service
        wait_for(
            lambda: RawPacket.objects.filter(device__in=devices, cn="2011").count() > before + 10,
            what="data after the restart",
        )
        # each station asked for the time again on its new connection
        wait_for(lambda: RawPacket.objects.filter(device__in=devices, cn="1013").count() >= 4, what="1013")
    finally:
        report = player.stop()
        if gw.thread.is_alive():
            gw.stop_and_wait()
    assert player.network.counts["connections"] >= 4
    assert not report.unexpected, report.unexpected[:5]


@TRANSACTIONAL
def test_the_command_refuses_speed_without_backfill(network_db):
    with pytest.raises(CommandError, match="--backfill"):
        call_command("air_simulate", speed=60, duration=1)


# ------------------------------------------------------------------------------------------ pieces
def test_the_grid_and_the_hour_tally():
    assert _next_grid(datetime(2026, 3, 1, 8, 0, 0), 30) == datetime(2026, 3, 1, 8, 0, 0)
    assert _next_grid(datetime(2026, 3, 1, 8, 0, 1), 30) == datetime(2026, 3, 1, 8, 0, 30)
    assert _next_grid(datetime(2026, 3, 1, 23, 59, 50), 60) == datetime(2026, 3, 2)
    tally = HourTally(datetime(2026, 3, 1, 8))
    for value in (10.0, 11.0, 13.0):
        tally.add({"PM2.5": value, "CO": value / 10})
    assert tally.averages() == {"PM2.5": 11.3, "CO": 1.133}
    assert (tally.lows["PM2.5"], tally.highs["PM2.5"]) == (10.0, 13.0)


def test_readings_follow_the_demo_shapes():
    model = StationModel(KEYS, {}, random.Random(3))
    day = datetime(2026, 1, 15)
    by_hour = {h: [] for h in range(24)}
    for minute in range(0, 20 * 24 * 60, 10):  # twenty winter days, a reading every 10 minutes
        moment = day + timedelta(minutes=minute)
        values = model.reading(moment, 1.0)
        assert values["PM10"] >= values["PM2.5"]
        assert 0 <= values["WD"] < 360 and 0 <= values["RH"] <= 100
        by_hour[moment.hour].append(values)

    def mean(key, hours):
        values = [v[key] for h in hours for v in by_hour[h]]
        return sum(values) / len(values)

    assert mean("O3", (14, 15, 16)) > 1.5 * mean("O3", (3, 4, 5))  # O3 peaks in the afternoon
    assert mean("TEMP", (14, 15, 16)) > mean("TEMP", (4, 5, 6)) + 4
    # the hourly means stay near the demo year's shape (the station's own wandering averages out)
    for key in ("PM2.5", "NO2", "SO2"):
        ratio = mean(key, range(24)) / (
            sum(typical(key, day + timedelta(hours=h, minutes=30)) for h in range(24)) / 24
        )
        assert 0.75 < ratio < 1.35, (key, ratio)
    summer = model.reading(datetime(2026, 7, 15, 15), 1.0)
    assert summer["TEMP"] > 20  # seasonal shape


def test_a_faulty_station_misbehaves_now_and_then():
    seen = set()
    model = StationModel(KEYS, {}, random.Random(5), faulty=True, fault_rate=0.5)
    start = datetime(2026, 1, 1)
    stuck = []
    for minute in range(0, 30 * 24 * 60, 5):
        moment = start + timedelta(minutes=minute)
        values = model.reading(moment, 1.0)
        if model.fault is None:
            continue
        seen.add(model.fault.kind)
        if model.fault.kind == "silent":
            assert values is None
        elif model.fault.kind == "stuck":
            stuck.append((model.fault, values["PM2.5"]))
        elif model.fault.kind == "pm_inverted":
            assert values["PM2.5"] > values["PM10"]
        elif model.fault.kind == "negative":
            assert values["NO2"] == -3.0
    assert seen == set(FAULTS)
    assert all(value == fault.value for fault, value in stuck)
    healthy = StationModel(KEYS, {}, random.Random(5), faulty=False, fault_rate=0.5)
    for minute in range(0, 5 * 24 * 60, 5):
        healthy.reading(start + timedelta(minutes=minute), 1.0)
        assert healthy.fault is None
