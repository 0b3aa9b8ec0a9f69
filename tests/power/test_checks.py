"""The 14 data checks: a city of clean plants with exactly one planted offender per check; each check
finds exactly its offender and nothing else. Then an enterprise fixes its finding and re-checks."""

import datetime

import numpy as np
import pytest
from django.utils import timezone

from lantian.core.models import Organization
from lantian.power import checks, ingest
from lantian.power.check_list import CHECK_LIST
from lantian.power.models import (
    CheckCount,
    Finding,
    MonitoringPoint,
    PowerProfile,
    ProductionFacility,
    TreatmentFacility,
)
from tests.conftest import make_org
from tests.power.factories import plant, point, write_readings

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 3, 2)
START = timezone.make_aware(datetime.datetime(2026, 3, 2))
MINUTES = np.arange(1440)
Kind = MonitoringPoint.Kind


def wave(mean, swing=0.2):
    return mean * (1 + swing * np.sin(MINUTES / 1440 * 2 * np.pi))


def energy_of(power, start=1000.0):
    return start + np.cumsum(power) / 60


def feed(
    site,
    production=None,
    treatment=None,
    total_extra=None,
    total=None,
    jumps=(0.0, 0.0),
    energy_start=(1000.0, 1000.0),
):
    """A day of minute data for a plant: the total meter carries both facilities and 20 kW more,
    unless ``total`` is given."""
    production = wave(50) if production is None else production
    treatment = wave(30) if treatment is None else treatment
    p_energy = energy_of(production, energy_start[0])
    t_energy = energy_of(treatment, energy_start[1])
    p_energy[720:] += jumps[0]
    t_energy[720:] += jumps[1]
    total_power = production + treatment + 20 if total is None else total
    total_energy = energy_of(total_power, 5000.0)
    if total is None:
        total_energy[720:] += jumps[0] + jumps[1]
    write_readings(site.production_point.pk, START, production, p_energy)
    write_readings(site.treatment_point.pk, START, treatment, t_energy)
    write_readings(site.total_point.pk, START, total_power, total_energy)


@pytest.fixture
def city(tree):
    """Clean plants, and one offender per check (``planted``: check → the expected finding key)."""
    serial = iter(range(1, 100))

    def enterprise():
        n = next(serial)
        return make_org(f"核查企业{n}", Organization.Kind.ENTERPRISE, tree.county_a, "610323", f"MQ8{n:06d}")

    clean = [plant(tree.ent_a1), plant(tree.ent_a2), plant(tree.ent_b1)]
    for site in clean:
        feed(site)
    planted = {}

    bare = enterprise()
    PowerProfile.objects.create(
        enterprise=bare, credit_code=bare.credit_code, industry="制造业", industry_small_category="1310"
    )
    planted["no_points"] = (bare.pk, None, None, None)

    no_total = enterprise()
    PowerProfile.objects.create(
        enterprise=no_total,
        credit_code=no_total.credit_code,
        industry="制造业",
        industry_small_category="1310",
    )
    production = ProductionFacility.objects.create(enterprise=no_total, code="SC01", name="窑炉")
    treatment = TreatmentFacility.objects.create(enterprise=no_total, code="ZW01", name="脱硫")
    treatment.serves.set([production])
    p = point(no_total, Kind.PRODUCTION, production)
    t = point(no_total, Kind.TREATMENT, treatment)
    write_readings(p.pk, START, wave(50), energy_of(wave(50)))
    write_readings(t.pk, START, wave(30), energy_of(wave(30)))
    planted["no_total_meter"] = (no_total.pk, None, None, None)

    unmetered = ProductionFacility.objects.create(enterprise=tree.ent_a1, code="SC09", name="未计量产线")
    planted["production_without_meter"] = (tree.ent_a1.pk, None, unmetered.pk, None)
    untreated = TreatmentFacility.objects.create(enterprise=tree.ent_a1, code="ZW09", name="未计量治理设施")
    planted["treatment_without_meter"] = (tree.ent_a1.pk, None, None, untreated.pk)

    no_threshold = ProductionFacility.objects.create(enterprise=tree.ent_a2, code="SC08", name="无阈值产线")
    bare_point = point(tree.ent_a2, Kind.PRODUCTION, no_threshold, threshold=None)
    write_readings(bare_point.pk, START, wave(20), energy_of(wave(20)))
    planted["facility_without_threshold"] = (tree.ent_a2.pk, None, no_threshold.pk, None)

    site = plant(enterprise(), prefix="c", small_category="")
    feed(site)
    planted["small_category_missing"] = (site.enterprise.pk, None, None, None)

    site = plant(enterprise(), prefix="d")
    PowerProfile.objects.filter(pk=site.profile.pk).update(credit_code="")
    feed(site)
    planted["credit_code_empty"] = (site.enterprise.pk, None, None, None)

    silent = point(
        tree.ent_b1, Kind.PRODUCTION, clean[2].production, networked_on=DAY - datetime.timedelta(days=3)
    )
    planted["no_data_since_networked"] = (tree.ent_b1.pk, silent.pk, None, None)
    point(tree.ent_b1, Kind.PRODUCTION, clean[2].production, networked_on=DAY + datetime.timedelta(days=1))

    site = plant(enterprise(), prefix="e")
    feed(site, energy_start=(-2000.0, 1000.0))
    planted["negative_energy"] = (site.enterprise.pk, site.production_point.pk, None, None)

    site = plant(enterprise(), prefix="f")
    treatment = wave(30)
    treatment[100] = -1.5
    feed(site, treatment=treatment)
    planted["negative_power"] = (site.enterprise.pk, site.treatment_point.pk, None, None)

    site = plant(enterprise(), prefix="g")
    feed(site, treatment=np.full(1440, 40.0))
    planted["constant_power"] = (site.enterprise.pk, site.treatment_point.pk, None, None)

    site = plant(enterprise(), prefix="h")
    feed(site, production=wave(3), jumps=(100.0, 0.0))
    planted["energy_over_max_load"] = (site.enterprise.pk, site.production_point.pk, None, None)

    site = plant(enterprise(), prefix="i")
    MonitoringPoint.objects.filter(pk=site.production_point.pk).update(rated_power_kw=10.0)
    feed(site)
    planted["energy_abnormally_large"] = (site.enterprise.pk, site.production_point.pk, None, None)

    site = plant(enterprise(), prefix="j")
    feed(site, total=wave(10))
    planted["sub_meters_exceed_total"] = (site.enterprise.pk, None, None, None)

    ingest.mark_dirty(START)
    ingest.rollup()
    return planted


def keys(code):
    return set(
        Finding.objects.filter(check_code=code, day=DAY).values_list(
            "enterprise_id", "point_id", "production_facility_id", "treatment_facility_id"
        )
    )


def test_each_check_finds_exactly_its_planted_offender(city):
    counts = checks.run_checks(DAY)
    assert set(city) == {code for code, *_ in CHECK_LIST}
    for code, expected in city.items():
        assert keys(code) == {expected}, code
    assert counts == dict.fromkeys(city, 1)
    assert dict(CheckCount.objects.filter(day=DAY).values_list("check_code", "count")) == counts


def test_an_enterprise_fixes_its_finding_and_checks_again(city, tree):
    checks.run_checks(DAY)
    unmetered = ProductionFacility.objects.get(enterprise=tree.ent_a1, code="SC09")
    point(tree.ent_a1, Kind.PRODUCTION, unmetered)
    other = set(Finding.objects.exclude(enterprise=tree.ent_a1).values_list("pk", flat=True))
    counts = checks.run_checks(DAY, enterprise_ids=[tree.ent_a1.pk])
    assert keys("production_without_meter") == set()
    assert counts["production_without_meter"] == 0
    assert counts["treatment_without_meter"] == 1  # still there
    # the other enterprises' findings were left alone
    assert other <= set(Finding.objects.values_list("pk", flat=True))
