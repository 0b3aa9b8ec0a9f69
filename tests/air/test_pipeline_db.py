"""The data pipeline end to end on the database: gateway tables → hourly → daily, the watermark,
minute data, audit marks (applied and revoked), the hourly import, anomalies and scope."""

import itertools
from datetime import date, datetime, timedelta

import numpy as np
import pytest
from django.core.cache import cache
from django.db import connection
from django.utils import timezone

from lantian.air import anomalies, audit, daily, evaluation, hourly_import, pipeline, synthetic
from lantian.air.models import Anomaly, AuditMark, DailyMonth, DailyValue, HourlyValue, PipelineState, Station
from lantian.air.parameters import BY_ID, POLLUTANT_IDS
from lantian.air.standards import evaluation as kernel
from lantian.air.standards import realtime_aqi
from lantian.hj212.models import Device
from tests.air.cases import station, township

FIRST = date(2025, 1, 1)
DAYS = 4


def _device(tree, n):
    return Device.objects.create(
        mn=f"AIRT{n:04d}",
        name=f"站{n}",
        organization=tree.county_a,
        password="123456",
        capture_cn="2061",
        interval=3600,
    )


@pytest.fixture
def network(tree):
    stations, devices = [], []
    for n in range(3):
        device = _device(tree, n)
        s = station(tree, f"NET{n}")
        s.device = device
        s.save()
        stations.append(s)
        devices.append(device)
    values = synthetic.generate(3, FIRST, DAYS, seed=7, faulty=(0, 1, 2))
    received = timezone.now() - timedelta(hours=1)
    synthetic.write_gateway_hourly([d.pk for d in devices], [d.mn for d in devices], FIRST, values, received)
    return stations, devices, values


def test_gateway_hourly_packets_become_hourly_and_daily_values(network):
    stations, _devices, values = network
    summary = pipeline.run(timezone.now())
    assert "3 stations" in summary
    count = HourlyValue.objects.filter(station__in=stations).count()
    assert count == sum(int((~np.isnan(v)).sum()) for v in values.values())
    # the daily values equal the kernel's on the same arrays
    got = evaluation.station_daily(
        [s.pk for s in stations], FIRST, FIRST + timedelta(days=DAYS - 1), audited=False, rules="2012"
    )
    want = kernel.daily_values({k: values[k] for k in ("SO2", "NO2", "PM10", "CO", "O3", "PM2.5")}, "2012")
    for key in ("PM2.5", "SO2", "O3_8h", "O3_1h"):
        np.testing.assert_array_equal(got[key].den > 0, want[key].den > 0)
        np.testing.assert_allclose(np.asarray(got[key]), np.asarray(want[key]), equal_nan=True)
    assert pipeline.run(timezone.now()) == "no new packets"
    assert PipelineState.objects.get().last_packet_id > 0
    assert Anomaly.objects.filter(station__in=stations).exists()  # the faulty instruments


def test_packets_are_taken_only_once_settled(network):
    _stations, *_ = network
    assert pipeline.run(timezone.now() - timedelta(hours=2)) == "no new packets"
    assert not HourlyValue.objects.exists()


def test_minute_data_need_45_valid_minutes(tree):
    device = _device(tree, 9)
    s = station(tree, "MIN")
    s.device = device
    s.save()
    hour = timezone.make_aware(datetime(2025, 3, 1, 8))
    ops = connection.ops
    rows = []
    for minute in range(60):
        flag = "N" if minute < 44 else "D"  # 44 valid minutes at 10, then 16 faulty at 1000
        rows.append(
            (
                device.pk,
                ops.adapt_datetimefield_value(hour + timedelta(minutes=minute)),
                "a34004",
                10.0 if flag == "N" else 1000.0,
                flag,
            )
        )
    rows.append((device.pk, ops.adapt_datetimefield_value(hour + timedelta(hours=1)), "a34004", 20.0, "N"))
    with connection.cursor() as cursor:
        cursor.executemany(
            "INSERT INTO hj212_measurement (device_id, time, cn, code, kind, value, flag) "
            "VALUES (%s, %s, '2051', %s, 'Avg', %s, %s)",
            rows,
        )
    pipeline.compute_hours(device.pk, hour, hour + timedelta(hours=1))
    first, second = HourlyValue.objects.filter(station=s).order_by("time")
    assert (first.value, first.minutes, first.valid) == (10.0, 44, False)
    assert (second.minutes, second.valid) == (1, False)


def test_audit_marks_invalidate_and_revoking_restores(tree, network):
    stations, *_ = network
    pipeline.run(timezone.now())
    s = stations[0]
    before = DailyValue.objects.get(station=s, day=FIRST, indicator=6, audited=True)
    start = timezone.make_aware(datetime(2025, 1, 1, 0))
    mark = AuditMark.objects.create(
        station=s, parameter=6, start=start, end=start + timedelta(hours=5), reason=AuditMark.Reason.FAULT
    )
    audit.refresh(s.pk, mark.start, mark.end)
    assert HourlyValue.objects.filter(station=s, parameter=6, audit=1).count() == 6
    assert not DailyValue.objects.filter(station=s, day=FIRST, indicator=6, audited=True).exists()  # < 20 h
    assert DailyValue.objects.filter(station=s, day=FIRST, indicator=6, audited=False).exists()
    from lantian.air import actions

    actions.revoke_mark(mark, tree.county_a_admin, "误标")
    assert not HourlyValue.objects.filter(station=s, audit=1).exists()
    assert DailyValue.objects.get(station=s, day=FIRST, indicator=6, audited=True).total == before.total


def test_sand_dust_marks_flag_days_without_invalidating(tree, network):
    stations, *_ = network
    pipeline.run(timezone.now())
    s = stations[1]
    start = timezone.make_aware(datetime(2025, 1, 2, 0))
    AuditMark.objects.create(
        station=s, start=start, end=start + timedelta(hours=23), reason=AuditMark.Reason.SAND_DUST
    )
    audit.refresh(s.pk, start, start + timedelta(hours=23))
    flags = evaluation.sand_dust_days([s.pk], FIRST, FIRST + timedelta(days=3))
    assert flags.tolist() == [[False, True, False, False]]
    assert DailyValue.objects.filter(station=s, day=date(2025, 1, 2), indicator=6, audited=True).exists()


def test_the_national_layout_imports_all_or_nothing(tree):
    s = station(tree, "IMP")
    text = "站点,日期,小时,AQI,PM2.5,PM10,SO2,NO2,O3,CO\n" + "".join(
        f"IMP,2025-02-01,{h},50,{30 + h},{60 + h},8,20,70,0.6\n" for h in range(1, 25)
    )
    rows = hourly_import.read_table("h.csv", text.encode("utf-8"))
    parsed = hourly_import.parse(rows, [s])
    assert not parsed.errors and len(parsed.records) == 24 * 6
    hourly_import.commit(parsed)
    first = HourlyValue.objects.filter(station=s, parameter=6).order_by("time").first()
    assert timezone.localtime(first.time).hour == 0 and first.value == 31  # 1时 is 00:00–01:00
    mean = DailyValue.objects.get(station=s, day=date(2025, 2, 1), indicator=6, audited=False)
    assert mean.total / mean.hours / 1e6 == pytest.approx(42.5)
    bad = hourly_import.parse(
        hourly_import.read_table(
            "b.csv", (text + "IMP,2025-02-02,3,x,abc,1,1,1,1,1\nZZZ,2025-02-02,3,1,1,1,1,1,1,1\n").encode()
        ),
        [s],
    )
    assert [(row, message[:6]) for row, _c, message in bad.errors] == [
        (26, "Not a "),
        (27, "Unknown"),
    ] or len(bad.errors) == 2


def test_anomaly_rules_find_the_planted_faults():
    x = np.array([5, 5, 5, 5, 6, 7, 100, 7, np.nan], dtype=float)
    assert anomalies.runs(anomalies.constant_runs(x, 3)) == [(0, 3)]
    assert anomalies.spikes(x, 3, 3.0).tolist().index(True) == 6
    assert anomalies.runs(np.isnan(x), 1) == [(8, 8)]


def test_township_staff_see_only_their_townships_stations(tree, client, login):
    township(tree)
    own = station(tree, "OWN")
    Station.objects.create(
        organization=tree.air_other_township,
        kind="micro",
        code="OTHER",
        name="乙镇站",
        latitude="34.4",
        longitude="107.6",
        active_from=FIRST,
    )
    login(tree.air_staff)
    data = client.get("/air/live/data/").json()
    own_codes = set(Station.objects.filter(organization=tree.air_township).values_list("code", flat=True))
    assert own.code in own_codes
    assert {s["code"] for s in data["stations"]} == own_codes
    assert "OTHER" not in {s["code"] for s in data["stations"]}
    other = Station.objects.get(code="OTHER")
    assert client.get(f"/air/stations/{other.pk}/series/").status_code == 404
    assert client.get(f"/air/stations/{own.pk}/").status_code == 200


def test_a_station_entered_in_gcj02_is_stored_in_wgs84(tree):
    from lantian.air.forms import StationForm
    from lantian.core.standards.coordinates import wgs84_to_gcj02

    township(tree)
    g_lat, g_lng = wgs84_to_gcj02(34.4437, 107.6213)
    data = {
        "organization": tree.air_township.pk,
        "kind": "micro",
        "code": "GCJ1",
        "name": "坐标站",
        "coordinate_system": "gcj02",
        "latitude": f"{g_lat:.6f}",
        "longitude": f"{g_lng:.6f}",
        "parameter_keys": ["PM2.5", "PM10"],
        "active_from": "2025-01-01",
    }
    form = StationForm(data=data, user=tree.county_a_admin, action="add")
    assert form.is_valid(), form.errors
    saved = form.save()
    assert float(saved.latitude) == pytest.approx(34.4437, abs=2e-6)
    assert float(saved.longitude) == pytest.approx(107.6213, abs=2e-6)
    assert saved.parameters == "PM10,PM2.5"
    outside = StationForm(
        data=data | {"code": "GCJ2", "organization": tree.county_b.pk}, user=tree.county_a_admin, action="add"
    )
    assert not outside.is_valid() and "organization" in outside.errors


YEAR_LAST = date(2025, 12, 31)
POLLUTANT_KEYS = ("SO2", "NO2", "PM10", "CO", "O3", "PM2.5")


def _hour(day, hour):
    return timezone.make_aware(datetime(day.year, day.month, day.day, hour))


@pytest.fixture
def station_year(tree):
    """Two stations with a year of hourly values (random gaps, faulty instruments, a week without
    PM2.5, three days without anything) and audit marks: a fault on PM2.5, a calibration of every
    parameter, a mark revoked again and two sand-dust days, applied the way the pages apply them."""
    stations = [station(tree, "YEAR1"), station(tree, "YEAR2")]
    values = synthetic.generate(2, FIRST, 365, seed=11, faulty=(0, 1))
    values = {key: values[key] for key in POLLUTANT_KEYS}
    values["PM2.5"][0, 24 * 60 : 24 * 67] = np.nan
    for key in POLLUTANT_KEYS:
        values[key][1, 24 * 180 : 24 * 183] = np.nan
    ids = [s.pk for s in stations]
    synthetic.write_hourly(ids, FIRST, values)
    daily.rollup(ids, FIRST, YEAR_LAST)
    marks = [
        (stations[0], 6, _hour(date(2025, 2, 3), 0), _hour(date(2025, 2, 5), 12), AuditMark.Reason.FAULT),
        (stations[0], None, _hour(date(2025, 6, 10), 8), _hour(date(2025, 6, 10), 20), 2),
        (stations[1], 5, _hour(date(2025, 8, 1), 0), _hour(date(2025, 8, 2), 23), AuditMark.Reason.OTHER),
        (stations[1], None, _hour(date(2025, 4, 2), 0), _hour(date(2025, 4, 3), 23), 3),
    ]
    for s, parameter, start, end, reason in marks:
        AuditMark.objects.create(station=s, parameter=parameter, start=start, end=end, reason=reason)
        audit.refresh(s.pk, start, end)
    from lantian.air import actions

    actions.revoke_mark(AuditMark.objects.get(reason=AuditMark.Reason.OTHER), tree.county_a_admin, "误标")
    return stations, values


def _reference_marks(stations, values):
    """The hours the active marks invalidate (pollutant → (stations, hours)) and the sand-dust days,
    worked out from the marks alone."""
    hours = values["PM2.5"].shape[1]
    invalid = {key: np.zeros((len(stations), hours), dtype=bool) for key in POLLUTANT_KEYS}
    dust = np.zeros((len(stations), hours // 24), dtype=bool)
    origin = _hour(FIRST, 0)
    for mark in AuditMark.objects.filter(revoked_at__isnull=True):
        i = [s.pk for s in stations].index(mark.station_id)
        a = int((mark.start - origin).total_seconds()) // 3600
        b = int((mark.end - origin).total_seconds()) // 3600
        if mark.reason == AuditMark.Reason.SAND_DUST:
            dust[i, a // 24 : b // 24 + 1] = True
            continue
        for key in POLLUTANT_KEYS:
            if mark.parameter is None or mark.parameter_key == key:
                invalid[key][i, a : b + 1] = True
    return invalid, dust


def _figures(e: kernel.PeriodEvaluation) -> dict:
    return {
        "aqi_days": e.aqi_days,
        "daily_aqi": [None if np.isnan(a) else a for a in e.daily_aqi.tolist()],
        "concentrations": e.concentrations,
        "composite": e.composite_value,
        "terms": None if e.composite is None else e.composite.terms,
        "level_days": e.level_days,
        "good": (e.good_days, e.good_ratio),
        "exceedance": e.exceedance_days,
        "primary": e.primary_days,
        "sand_dust": e.sand_dust_days,
    }


@pytest.mark.parametrize("rules", ["2012", "2026"])
def test_a_station_year_evaluates_as_the_kernel_does_from_its_hours(station_year, rules):
    """The evaluation read from the packed months equals the kernel's own calculation from the hourly
    values and the marks, for the year and for a period cutting months in two."""
    stations, values = station_year
    invalid, dust = _reference_marks(stations, values)
    assert invalid["PM2.5"][0].sum() == 61 + 13 and dust[1].sum() == 2 and not invalid["O3"][1].any()
    periods = ((FIRST, YEAR_LAST), (date(2025, 2, 4), date(2025, 8, 17)))
    for (first, last), audited in itertools.product(periods, (True, False)):
        a, b = (first - FIRST).days, (last - FIRST).days + 1
        got = evaluation.evaluate_stations(
            stations, first, last, "station", rules, audited=audited, compare=False
        )
        county = evaluation.evaluate_stations(
            stations, first, last, "county", rules, audited=audited, compare=False
        )
        members = []
        for i, row in enumerate(got):
            hourly = {key: values[key][i, a * 24 : b * 24] for key in POLLUTANT_KEYS}
            masks = {key: invalid[key][i, a * 24 : b * 24] for key in POLLUTANT_KEYS} if audited else None
            days = dust[i, a:b] if audited else None
            want = kernel.evaluate_hourly(hourly, rules, invalid=masks, sand_dust=days, day=first)
            assert _figures(row.result) == _figures(want)
            members.append(
                kernel.daily_values(
                    {k: kernel.mask_hours(v, (masks or {}).get(k)) for k, v in hourly.items()}, rules
                )
            )
        grouped = kernel.evaluate_daily(
            kernel.group_daily(members),
            rules,
            sand_dust=dust[:, a:b].any(axis=0) if audited else None,
            day=first,
        )
        assert _figures(county[0].result) == _figures(grouped)


def test_the_packed_months_hold_the_daily_rows(station_year):
    stations, _values = station_year
    ids = [s.pk for s in stations]
    assert DailyMonth.objects.filter(station_id__in=ids).count() == 2 * 12 * 2
    for first, last in ((FIRST, YEAR_LAST), (date(2024, 12, 30), date(2025, 3, 2)), (date(2025, 6, 10),) * 2):
        for audited in (True, False):
            packed = daily.read_months(ids, first, last, audited=audited)
            np.testing.assert_array_equal(packed, daily.read_rows(ids, first, last, audited=audited))
            assert packed[..., 1].any()
    # the audited PM2.5 of the faulty days differs from the raw one: the marks reach the months
    feb4 = (date(2025, 2, 4) - FIRST).days
    raw, audited = (daily.read_months(ids, FIRST, YEAR_LAST, audited=a)[0, feb4, 5] for a in (False, True))
    assert raw[1] == 24 and audited[1] == 0


def test_the_live_table_follows_new_data_and_stays_in_its_scope(tree, network, client, login):
    """The live table is kept per scope and state of the data: new packets show at once, and another
    scope never gets a table computed for the bureau."""
    stations, devices, _values = network
    pipeline.run(timezone.now())
    login(tree.county_a_admin)
    before = client.get("/air/live/data/?rules=2026").json()
    assert {s["code"] for s in before["stations"]} >= {s.code for s in stations}
    assert before["hour"].startswith((FIRST + timedelta(days=DAYS)).isoformat())
    cache.clear()
    assert client.get("/air/live/data/?rules=2026").json() == before

    more = synthetic.generate(3, FIRST + timedelta(days=DAYS), 1, seed=8)
    received = timezone.now() - timedelta(hours=1)
    synthetic.write_gateway_hourly(
        [d.pk for d in devices], [d.mn for d in devices], FIRST + timedelta(days=DAYS), more, received
    )
    pipeline.run(timezone.now())
    after = client.get("/air/live/data/?rules=2026").json()
    assert after["hour"].startswith((FIRST + timedelta(days=DAYS + 1)).isoformat())
    pm25 = {s["code"]: s["values"].get("PM2.5") for s in after["stations"]}
    assert [pm25[s.code] for s in stations] == [
        None if np.isnan(v) else round(float(v)) for v in more["PM2.5"][:, -1]
    ]

    for rules in ("2012", "2026"):  # the hours read for the table give the reports of all hours
        table = client.get(f"/air/live/data/?rules={rules}").json()["stations"]
        everything = daily.hours_array([s.pk for s in stations], _hour(FIRST, 0), (DAYS + 1) * 24)
        report = realtime_aqi(
            {BY_ID[pid].key: everything[:, i] for i, pid in enumerate(POLLUTANT_IDS)}, rules
        )
        aqi = {s["code"]: s["aqi"] for s in table}
        assert [aqi[s.code] for s in stations] == [
            None if np.isnan(a) else int(a) for a in report.aqi.aqi[:, -1]
        ]
        assert any(aqi[s.code] for s in stations)

    township(tree)
    client.logout()
    login(tree.air_other_staff)
    assert client.get("/air/live/data/?rules=2026").json()["stations"] == []


def test_the_copy_path_writes_what_the_upsert_writes(network, monkeypatch):
    """On PostgreSQL, hours with no row yet go in through COPY; the rows must be the upsert's."""
    _stations, devices, _values = network
    hour = timezone.make_aware(datetime(2025, 1, 2, 8))
    ops = connection.ops
    with connection.cursor() as cursor:  # minute data too, for an hour the device's hourly data also has
        cursor.executemany(
            "INSERT INTO hj212_measurement (device_id, time, cn, code, kind, value, flag) "
            "VALUES (%s, %s, '2051', %s, 'Avg', %s, %s)",
            [
                (
                    devices[0].pk,
                    ops.adapt_datetimefield_value(hour + timedelta(minutes=m)),
                    code,
                    1.5 * m,
                    "N",
                )
                for m in range(50)
                for code in ("a34004", "a21026")
            ],
        )
    start = timezone.make_aware(datetime(2024, 12, 31, 0))
    end = timezone.make_aware(datetime(2025, 1, 6, 0))
    fields = ("station_id", "time", "parameter", "value", "flag", "source", "minutes", "valid", "audit")

    def written():
        for device in devices:
            pipeline.compute_hours(device.pk, start, end)
        rows = list(HourlyValue.objects.order_by("station_id", "time", "parameter").values_list(*fields))
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {HourlyValue._meta.db_table}")
        return rows

    fast = written()
    monkeypatch.setattr(pipeline, "_has_hours", lambda cursor, span: True)
    assert fast == written()
    assert len(fast) > 3 * DAYS * 24 * 5
