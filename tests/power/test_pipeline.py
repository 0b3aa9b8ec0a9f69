"""From the gateway's tables to readings, roll-ups and alarm events (both databases)."""

import datetime

import numpy as np
import pytest
from django.db import connection
from django.utils import timezone

from lantian.hj212.models import Measurement, RawPacket
from lantian.power import alarms, ingest
from lantian.power.models import (
    AlarmEvent,
    AlarmRule,
    Reading,
    Rollup,
    RunningThreshold,
    UnknownCode,
    Watermark,
)
from lantian.power.rules import evaluate_series
from tests.power.factories import plant, write_readings

pytestmark = pytest.mark.django_db

T0 = timezone.make_aware(datetime.datetime(2026, 3, 2, 8, 0))  # a Monday, 08:00 local
MINUTE = datetime.timedelta(minutes=1)


def packet(device, time, values, cn="2051", kind="Avg"):
    raw = RawPacket.objects.create(
        received_at=time + datetime.timedelta(seconds=5),
        device=device,
        mn=device.mn,
        qn=time.strftime("%Y%m%d%H%M%S000") + cn,
        cn=cn,
        data_time=time,
        frame=b"##",
    )
    Measurement.objects.bulk_create(
        Measurement(device=device, time=time, cn=cn, code=code, kind=kind, value=value)
        for code, value in values.items()
    )
    return raw


def test_ingest_maps_codes_applies_ratios_and_lists_unknown_codes(tree):
    site = plant(tree.ent_a1)
    meter = site.production_point
    meter.ct_ratio, meter.pt_ratio = 10, 2
    meter.save()
    packet(meter.device, T0, {"ea30010120": 5.0, "ea30010121": 100.0, "ea30010101": 3.0, "zz99": 1.0})
    # no active power: derived from currents, voltages and power factor
    packet(
        site.treatment_point.device,
        T0,
        {"ea30010101": 10.0, "ea30010102": 10.0, "ea30010103": 10.0, "ea30010110": 220.0,
         "ea30010111": 220.0, "ea30010112": 220.0, "ea30010109": 0.9},
    )  # fmt: skip
    summary = ingest.ingest(T0 + datetime.timedelta(minutes=5))
    assert "2 readings" in summary
    production = Reading.objects.get(point_id=meter.pk)
    assert production.power_kw == pytest.approx(5.0 * 20)
    assert production.energy_kwh == pytest.approx(100.0 * 20)
    assert production.current_a == pytest.approx(30.0)
    treatment = Reading.objects.get(point_id=site.treatment_point.pk)
    assert treatment.power_kw == pytest.approx(3 * 220 * 10 * 0.9 / 1000)
    unknown = UnknownCode.objects.get()
    assert (unknown.code, unknown.values, unknown.example_mn) == ("zz99", 1, meter.device.mn)
    # nothing new: the watermark holds; a packet not settled yet waits
    assert ingest.ingest(T0 + datetime.timedelta(minutes=5)) == "no new packets"
    packet(meter.device, T0 + MINUTE, {"ea30010120": 6.0})
    assert ingest.ingest(T0 + MINUTE + datetime.timedelta(seconds=10)) == "no new packets"
    ingest.ingest(T0 + datetime.timedelta(minutes=5))
    assert Reading.objects.filter(point_id=meter.pk).count() == 2
    assert Watermark.objects.get(name="rollup").time == T0


def test_rollups_by_quarter_hour_and_local_day(tree):
    site = plant(tree.ent_a1)
    meter = site.production_point  # threshold 10 kW
    power = np.concatenate([np.full(30, 5.0), np.full(30, 20.0)])
    energy = np.arange(60, dtype=float) * 0.25 + 1000
    write_readings(meter.pk, T0, power, energy)
    ingest.mark_dirty(T0)
    ingest.rollup()
    quarters = list(Rollup.objects.filter(point_id=meter.pk, step=900).order_by("start"))
    assert [q.start for q in quarters] == [T0 + datetime.timedelta(minutes=15 * i) for i in range(4)]
    assert [q.running_samples for q in quarters] == [0, 0, 15, 15]
    assert [q.power_avg for q in quarters] == [5.0, 5.0, 20.0, 20.0]
    hour = Rollup.objects.get(point_id=meter.pk, step=3600)
    assert (hour.samples, hour.power_avg, hour.running_samples) == (60, 12.5, 30)
    day = Rollup.objects.get(point_id=meter.pk, step=86400)
    assert day.start == timezone.make_aware(datetime.datetime(2026, 3, 2))  # local midnight
    assert day.energy_kwh == pytest.approx(59 * 0.25)
    # more readings later in the day: only what changed is recomputed, the day is whole again
    write_readings(meter.pk, T0 + datetime.timedelta(hours=2), np.full(15, 30.0))
    ingest.mark_dirty(T0 + datetime.timedelta(hours=2))
    ingest.rollup()
    day = Rollup.objects.get(point_id=meter.pk, step=86400)
    assert (day.samples, day.running_samples, day.power_max) == (75, 45, 30.0)
    assert Rollup.objects.filter(point_id=meter.pk, step=900).count() == 5


def enable_only(*codes):
    AlarmRule.objects.exclude(code__in=codes).update(enabled=False)


def run_in_steps(start, end, step_minutes):
    Watermark.objects.update_or_create(name="alarms", defaults={"time": start, "state": {}})
    moment = start
    while moment < end:
        moment = min(moment + datetime.timedelta(minutes=step_minutes), end)
        alarms.evaluate(until=moment)


@pytest.mark.parametrize("step", [4, 13, 60])
def test_incremental_evaluation_raises_one_event_per_episode(tree, step):
    site = plant(tree.ent_a1)
    enable_only("treatment_stopped_30", "late_start_10", "early_stop_10")
    production = np.concatenate([np.full(20, 0.0), np.full(400, 50.0), np.full(60, 0.0)])
    treatment = np.concatenate([np.full(50, 0.0), np.full(100, 40.0), np.full(200, 0.0), np.full(130, 40.0)])
    write_readings(site.production_point.pk, T0, production)
    write_readings(site.treatment_point.pk, T0, treatment)
    run_in_steps(T0, T0 + datetime.timedelta(minutes=480), step)
    events = sorted(AlarmEvent.objects.values_list("kind", "start", "end", "ongoing"))
    expected = sorted(
        (e.kind.value, e.start, e.end, False)
        for e in evaluate_series(
            [rule.parameters() for rule in AlarmRule.objects.filter(enabled=True)],
            timezone.localtime(T0).replace(tzinfo=None),
            production,
            treatment,
            10.0,
            10.0,
        )
    )
    local = [(kind, timezone.localtime(s).replace(tzinfo=None), timezone.localtime(e).replace(tzinfo=None), o)
             for kind, s, e, o in events]  # fmt: skip
    assert local == expected
    kinds = [kind for kind, *_ in events]
    assert sorted(kinds) == ["late_start", "treatment_stopped", "treatment_stopped"]


def test_an_ongoing_condition_extends_its_event(tree):
    site = plant(tree.ent_a1)
    enable_only("treatment_stopped_30")
    write_readings(site.production_point.pk, T0, np.full(120, 50.0))
    write_readings(site.treatment_point.pk, T0, np.full(120, 0.0))
    Watermark.objects.update_or_create(name="alarms", defaults={"time": T0, "state": {}})
    alarms.evaluate(until=T0 + datetime.timedelta(minutes=40))
    event = AlarmEvent.objects.get()
    assert (event.start, event.end, event.ongoing) == (T0, T0 + datetime.timedelta(minutes=40), True)
    alarms.evaluate(until=T0 + datetime.timedelta(minutes=90))
    event.refresh_from_db()
    assert (event.start, event.end, event.ongoing) == (T0, T0 + datetime.timedelta(minutes=90), True)
    alarms.evaluate(until=T0 + datetime.timedelta(minutes=150))
    event.refresh_from_db()
    assert (AlarmEvent.objects.count(), event.end, event.ongoing) == (
        1,
        T0 + datetime.timedelta(minutes=120),
        False,
    )
    assert event.parameters["minutes"] == 30 and event.status == AlarmEvent.Status.NOTIFIED


def test_threshold_history_decides_the_running_state(tree):
    site = plant(tree.ent_a1)
    enable_only("treatment_stopped_30")
    # from 09:00 the treatment counts as running from 5 kW only: its 8 kW is running then
    RunningThreshold.objects.create(
        point=site.treatment_point, valid_from=T0 + datetime.timedelta(hours=1), threshold_kw=5.0
    )
    write_readings(site.production_point.pk, T0, np.full(120, 50.0))
    write_readings(site.treatment_point.pk, T0, np.full(120, 8.0))
    run_in_steps(T0, T0 + datetime.timedelta(minutes=120), 15)
    assert list(AlarmEvent.objects.values_list("start", "end")) == [(T0, T0 + datetime.timedelta(hours=1))]


def test_night_stop_is_evaluated_once_the_night_is_over(tree):
    site = plant(tree.ent_a1)
    enable_only("night_stop")
    start = timezone.make_aware(datetime.datetime(2026, 3, 2, 6, 0))
    write_readings(site.production_point.pk, start, np.full(1440, 50.0))
    write_readings(site.treatment_point.pk, start, np.concatenate([np.full(960, 80.0), np.full(480, 12.0)]))
    run_in_steps(start, start + datetime.timedelta(minutes=1440), 240)
    night = AlarmEvent.objects.get()
    assert (night.kind, night.start, night.end) == (
        "night_stop",
        start + datetime.timedelta(hours=16),
        start + datetime.timedelta(days=1),
    )


def test_no_readings_no_events(tree):
    plant(tree.ent_a1)
    Watermark.objects.update_or_create(name="alarms", defaults={"time": T0, "state": {}})
    assert "0 events opened" in alarms.evaluate(until=T0 + datetime.timedelta(hours=2))
    assert not AlarmEvent.objects.exists()


@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_readings_live_in_monthly_partitions(tree):
    from lantian.power import partitions

    created = partitions.ensure_ahead(datetime.date(2031, 5, 17))
    assert created == ["power_reading_203105", "power_reading_203106", "power_reading_203107"]
    assert partitions.ensure_ahead(datetime.date(2031, 5, 17)) == []
    site = plant(tree.ent_a1)
    write_readings(
        site.production_point.pk, timezone.make_aware(datetime.datetime(2031, 6, 30, 23, 59)), [1.0, 2.0]
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT tableoid::regclass::text, count(*) FROM power_reading GROUP BY 1 ORDER BY 1")
        assert cursor.fetchall() == [("power_reading_203106", 1), ("power_reading_203107", 1)]


def test_a_facility_sums_all_its_points_whatever_their_order(tree):
    first = plant(tree.ent_a1)
    second = plant(tree.ent_a2)
    from tests.power.factories import point

    extra = point(tree.ent_a1, "production", first.production, threshold=30.0)  # the newest id, facility 1
    enable_only("treatment_stopped_30")
    for target in (first.production_point, extra, second.production_point):
        write_readings(target.pk, T0, np.full(60, 25.0))  # 25 < 10 + 30 alone, 50 ≥ 40 together
    for target in (first.treatment_point, second.treatment_point):
        write_readings(target.pk, T0, np.full(60, 0.0))
    series = alarms.load_series(alarms.load_pairs(), T0, T0 + datetime.timedelta(minutes=60))
    assert series[0][:, 0].tolist() == [50.0, 25.0] and series[2][:, 0].tolist() == [40.0, 10.0]
    run_in_steps(T0, T0 + datetime.timedelta(minutes=60), 30)
    assert sorted(AlarmEvent.objects.values_list("enterprise_id", flat=True)) == [
        tree.ent_a1.pk,
        tree.ent_a2.pk,
    ]
