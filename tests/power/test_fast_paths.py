"""The fast paths give what the plain ones gave (both databases): ``fetch_arrays`` returns the
query's rows, and the roll-ups equal the ones computed reading by reading in Python."""

import datetime

import numpy as np
import pytest
from django.db import connection
from django.utils import timezone

from lantian.power import ingest
from lantian.power.models import Rollup
from lantian.power.sql import db_time, epoch, fetch_arrays
from tests.power.factories import plant, write_readings

pytestmark = pytest.mark.django_db

T0 = timezone.make_aware(datetime.datetime(2026, 3, 2, 7, 50))  # local time
QUERY = "SELECT r.point_id, r.time, r.power_kw FROM power_reading r WHERE r.time >= %s AND r.time < %s"


def odd_readings(site):
    """Minute readings with gaps and NULL power, and two readings off the whole second."""
    rng = np.random.default_rng(7)
    for point in (site.total_point, site.production_point, site.treatment_point):
        power = rng.uniform(0, 40, 200)
        power[rng.integers(0, 200, 15)] = np.nan
        write_readings(point.pk, T0, power, np.cumsum(rng.uniform(0, 1, 200)))
    with connection.cursor() as cursor:
        for seconds, value in ((29.6, 7.0), (90.5, 9.0)):
            cursor.execute(
                "INSERT INTO power_reading (point_id, time, power_kw) VALUES (%s, %s, %s)",
                [site.production_point.pk, db_time(T0 + datetime.timedelta(seconds=seconds)), value],
            )


def test_fetch_arrays_returns_the_rows_of_the_query(tree):
    site = plant(tree.ent_a1)
    odd_readings(site)
    params = [db_time(T0 - datetime.timedelta(minutes=5)), db_time(T0 + datetime.timedelta(hours=4))]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT point_id, {epoch('time')}, power_kw FROM ({QUERY}) q", params)
        expected = sorted((int(p), int(s), -1.0 if v is None else float(v)) for p, s, v in cursor.fetchall())
    ids, seconds, power = fetch_arrays(QUERY, params, ("int8", "epoch", "float8"))
    assert ids.dtype == seconds.dtype == np.int64 and power.dtype == np.float64
    found = sorted(zip(ids.tolist(), seconds.tolist(), np.nan_to_num(power, nan=-1.0).tolist(), strict=True))
    assert len(expected) == 3 * 200 + 2 and found == expected


def test_fetch_arrays_of_no_rows(tree):
    params = [db_time(T0), db_time(T0 + datetime.timedelta(hours=1))]
    arrays = fetch_arrays(QUERY, params, ("int8", "epoch", "float8"))
    assert [len(array) for array in arrays] == [0, 0, 0]


def python_rollups(site, step):
    """The quarter hours of the points, reading by reading (the running state as the spec says:
    the quarter's average power against the threshold in force at its start)."""
    from lantian.power.models import Reading, RunningThreshold

    offset = 8 * 3600
    buckets = {}
    for reading in Reading.objects.all():
        seconds = int(reading.time.timestamp())
        start = (seconds + offset) // step * step - offset
        buckets.setdefault((reading.point_id, start), []).append(reading)
    result = {}
    for (point_id, start), readings in buckets.items():
        power = [r.power_kw for r in readings if r.power_kw is not None]
        energy = [r.energy_kwh for r in readings if r.energy_kwh is not None]
        average = sum(power) / len(power) if power else None
        threshold = RunningThreshold.objects.filter(point_id=point_id).first()
        running = threshold is not None and average is not None and average >= threshold.threshold_kw
        result[(point_id, start)] = (
            len(power),
            average,
            min(power, default=None),
            max(power, default=None),
            min(energy, default=None),
            max(energy, default=None),
            (len(power) if running else 0) if step == 900 else None,
        )
    return result


def test_quarter_hours_equal_a_reading_by_reading_computation(tree):
    site = plant(tree.ent_a1)
    odd_readings(site)
    ingest.mark_dirty(T0)
    ingest.rollup()
    for step in (900, 3600):
        expected = python_rollups(site, step)
        stored = {(row.point_id, int(row.start.timestamp())): row for row in Rollup.objects.filter(step=step)}
        assert set(stored) == set(expected)
        for key, (samples, average, low, high, e_low, e_high, running) in expected.items():
            row = stored[key]
            assert (row.samples, row.power_min, row.power_max) == (samples, low, high)
            assert (row.energy_min, row.energy_max) == (e_low, e_high)
            assert row.power_avg == pytest.approx(average)
            if running is not None:
                assert row.running_samples == running


def uncovered_reading_sets(user, now):
    """The overview's production running without treatment as it was computed before: the running
    facilities as Python sets, the serving links walked in Python."""
    from django.db.models import F

    from lantian.power.models import MonitoringPoint, TreatmentFacility
    from lantian.power.overview import QUARTER, last_quarter

    quarter = last_quarter(now)
    points = MonitoringPoint.objects.restrict(user, "view").filter(is_active=True)

    def running(kind, field):
        rows = Rollup.objects.filter(
            step=QUARTER, start=quarter, point__in=points.filter(kind=kind).values("pk"),
            running_samples__gt=F("samples") / 2.0,
        )  # fmt: skip
        return set(rows.values_list(f"point__{field}", flat=True))

    producing = running("production", "production_facility_id")
    treating = running("treatment", "treatment_facility_id")
    serves = TreatmentFacility.serves.through.objects.filter(
        productionfacility_id__in=producing,
        treatmentfacility__in=TreatmentFacility.objects.restrict(user, "view").values("pk"),
    ).values_list("productionfacility_id", "treatmentfacility_id", "treatmentfacility__enterprise_id")
    served = {}
    for production, treatment, enterprise in serves:
        served.setdefault(production, [enterprise, False])
        served[production][1] |= treatment in treating
    return quarter, sorted((p, e) for p, (e, on) in served.items() if not on)


def test_production_without_treatment_equals_the_set_computation(tree):
    from lantian.power.models import MonitoringPoint, ProductionFacility, TreatmentFacility
    from lantian.power.overview import production_without_treatment
    from tests.power.factories import point

    now = timezone.now()
    quarter = ingest.floor_to(now, 900, 8 * 3600) - datetime.timedelta(minutes=15)
    sites = [plant(tree.ent_a1), plant(tree.ent_a2), plant(tree.ent_b1)]
    # A1: a second production line served by two treatments, one of them running; a third line
    # served by nothing; A2 treats; B1 does not, and its second line averaged below its threshold.
    second = ProductionFacility.objects.create(enterprise=tree.ent_a1, code="SC02", name="二线")
    third = ProductionFacility.objects.create(enterprise=tree.ent_a1, code="SC03", name="三线")
    spare = TreatmentFacility.objects.create(enterprise=tree.ent_a1, code="ZW02", name="备用")
    spare.serves.set([second])
    sites[0].treatment.serves.add(second)
    readings = {
        sites[0].production_point.pk: 50.0, sites[0].treatment_point.pk: 1.0,
        sites[1].production_point.pk: 50.0, sites[1].treatment_point.pk: 30.0,
        sites[2].production_point.pk: 50.0, sites[2].treatment_point.pk: 0.0,
        point(tree.ent_a1, MonitoringPoint.Kind.PRODUCTION, second).pk: 40.0,
        point(tree.ent_a1, MonitoringPoint.Kind.TREATMENT, spare).pk: 20.0,
        point(tree.ent_a1, MonitoringPoint.Kind.PRODUCTION, third).pk: 40.0,
    }  # fmt: skip
    for point_id, power in readings.items():
        write_readings(point_id, quarter, np.full(15, power))
    b1_second = ProductionFacility.objects.create(enterprise=tree.ent_b1, code="SC02", name="二线")
    sites[2].treatment.serves.add(b1_second)
    halfway = point(tree.ent_b1, MonitoringPoint.Kind.PRODUCTION, b1_second)
    write_readings(
        halfway.pk, quarter, np.concatenate([np.full(7, 20.0), np.full(8, 0.0)])
    )  # 9.3 kW on average
    ingest.mark_dirty(quarter)
    ingest.rollup()
    for user in (tree.city_admin, tree.county_a_admin, tree.county_b_admin, tree.ent_a1_admin):
        expected = uncovered_reading_sets(user, now)
        assert production_without_treatment(user, now) == expected
    assert production_without_treatment(tree.city_admin, now)[1] == [
        (sites[0].production.pk, tree.ent_a1.pk),
        (sites[2].production.pk, tree.ent_b1.pk),
    ]


def test_nights_read_with_the_minute_rules_equal_their_own_read(tree):
    """A night beginning before the minute rules' window (the bench's day: readings from 06:10, the
    night's 24 hours from 06:00) read once with the window gives the episodes of a separate read,
    and the minute rules' episodes and carry do not change."""
    from lantian.power import alarms
    from lantian.power.models import AlarmRule

    sites = [plant(tree.ent_a1), plant(tree.ent_a2)]
    day = timezone.make_aware(datetime.datetime(2026, 3, 2, 6, 0))
    first = day + datetime.timedelta(minutes=10)
    minutes = 1440 - 10 + 30  # to 06:30 the next day
    production = np.full(minutes, 50.0)
    production[600:660] = 0.0
    for n, site in enumerate(sites):
        treatment = np.concatenate([np.full(950, 80.0), np.full(minutes - 950, 12.0 + n * 20)])
        treatment[300:340] = 0.0  # stopped for 40 minutes while production runs
        treatment[1440:] = 0.0  # still stopped at the window's end: carried
        write_readings(site.production_point.pk, first, production)
        write_readings(site.treatment_point.pk, first, treatment)
    rules = list(AlarmRule.objects.filter(enabled=True))
    minute_rules = [rule for rule in rules if rule.kind in alarms.MINUTE_RULES]
    night_rules = [rule for rule in rules if rule.kind == "night_stop"]
    assert minute_rules and night_rules
    pairs = alarms.load_pairs()
    after, until = first, first + datetime.timedelta(minutes=minutes)
    window_start = after - datetime.timedelta(minutes=1)
    nights = [(rule, end) for rule in night_rules for end in alarms.night_ends(rule, after, until)]
    assert nights and all(end - alarms.DAY < window_start for _rule, end in nights)

    def key(episode):
        rule, *rest = episode
        return (rule.pk, *rest)

    separate, carry = alarms.evaluate_window(minute_rules, pairs, window_start, until)
    separate += alarms.evaluate_nights(night_rules, pairs, after, until)
    merged, merged_carry = alarms.evaluate_window(minute_rules, pairs, window_start, until, nights=nights)
    assert sorted(map(key, merged)) == sorted(map(key, separate))
    assert merged_carry == carry
    kinds = {episode[0].kind for episode in merged}
    assert {"night_stop", "treatment_stopped"} <= kinds and carry
