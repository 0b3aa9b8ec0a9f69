"""Test cases of the power models for the generated tests (tests/generic.py)."""

import datetime
import itertools

from django.utils import timezone

from lantian.core.models import Organization
from lantian.power.models import (
    AlarmEvent,
    AlarmRule,
    CodeMapping,
    Finding,
    MonitoringPoint,
    PowerProfile,
    ProductionFacility,
    RunningThreshold,
    TreatmentFacility,
    UnknownCode,
)
from tests.conftest import make_org
from tests.generic import Case, add_cases
from tests.power.factories import EPOCH, event_of, finding_of, plant, plant_of, point

SERIAL = itertools.count(1)
Kind = MonitoringPoint.Kind


def _plant(tree):
    return plant_of(tree, tree.ent_a1)


def _more_profiles(tree, n):
    for i in itertools.islice(SERIAL, n):
        enterprise = make_org(
            f"甲县用电企业{i}", Organization.Kind.ENTERPRISE, tree.county_a, "610323", f"MP7{i:06d}"
        )
        PowerProfile.objects.create(
            enterprise=enterprise, credit_code=enterprise.credit_code, industry="制造业"
        )


def _more_production(tree, n):
    for i in itertools.islice(SERIAL, n):
        ProductionFacility.objects.create(enterprise=tree.ent_a1, code=f"P{i}", name=f"产污设施{i}")


def _more_treatment(tree, n):
    production = _plant(tree).production
    for i in itertools.islice(SERIAL, n):
        TreatmentFacility.objects.create(
            enterprise=tree.ent_a1, code=f"T{i}", name=f"治污设施{i}"
        ).serves.set([production])


def _more_points(tree, n):
    facility = _plant(tree).production
    for _ in range(n):
        point(tree.ent_a1, Kind.PRODUCTION, facility)


def _more_thresholds(tree, n):
    target = _plant(tree).production_point
    for i in itertools.islice(SERIAL, n):
        RunningThreshold.objects.create(
            point=target, valid_from=EPOCH + datetime.timedelta(days=i), threshold_kw=5 + i
        )


def _more_codes(tree, n):
    for i in itertools.islice(SERIAL, n):
        CodeMapping.objects.create(code=f"x{i:07d}", quantity="power_kw")


def _unknown(tree):
    now = timezone.now()
    return UnknownCode.objects.first() or UnknownCode.objects.create(
        code="ea39999999", first_seen=now, last_seen=now, values=3, example_mn="TP00000001"
    )


def _more_unknown(tree, n):
    now = timezone.now()
    for i in itertools.islice(SERIAL, n):
        UnknownCode.objects.create(code=f"u{i:07d}", first_seen=now, last_seen=now, values=1)


def _more_rules(tree, n):
    for i in itertools.islice(SERIAL, n):
        AlarmRule.objects.create(code=f"rule{i}", name=f"规则{i}", kind="treatment_stopped", minutes=10 + i)


def _more_events(tree, n):
    target = _plant(tree)
    for _ in range(n):
        event_of(target)


def _more_findings(tree, n):
    target = _plant(tree)
    for _ in range(n):
        finding_of(target)


add_cases(
    Case(PowerProfile, lambda t: _plant(t).profile, member="county_a_admin", outsider="county_b_admin",
         more=_more_profiles, unfiltered=frozenset({"credit_code", "industry_small_category", "address",
                                                    "updated_at", "enterprise__division__name"})),
    Case(ProductionFacility, lambda t: _plant(t).production, member="ent_a1_admin", outsider="county_b_admin",
         more=_more_production, unfiltered=frozenset({"code", "name", "remark"})),
    Case(TreatmentFacility, lambda t: _plant(t).treatment, member="ent_a1_admin", outsider="county_b_admin",
         more=_more_treatment, unfiltered=frozenset({"code", "name", "remark"})),
    Case(MonitoringPoint, lambda t: _plant(t).production_point, member="ent_a1_admin",
         outsider="ent_a2_admin", more=_more_points,
         unfiltered=frozenset({"code", "name", "device__mn", "ct_ratio", "pt_ratio"})),
    Case(RunningThreshold, lambda t: _plant(t).production_point.thresholds.first(), member="ent_a1_admin",
         outsider="county_b_admin", more=_more_thresholds,
         unfiltered=frozenset({"point__code", "point__name", "threshold_kw", "valid_until", "reason"})),
    Case(CodeMapping, lambda t: CodeMapping.objects.first(), member="city_admin", more=_more_codes,
         unfiltered=frozenset({"code", "factor", "source"})),
    Case(UnknownCode, _unknown, member="city_admin", more=_more_unknown,
         unfiltered=frozenset({"code", "first_seen", "values", "example_mn"})),
    Case(AlarmRule, lambda t: AlarmRule.objects.first(), member="city_admin", more=_more_rules,
         unfiltered=frozenset({"code", "name", "minutes", "share", "night_start", "night_end"})),
    Case(AlarmEvent, lambda t: AlarmEvent.objects.filter(enterprise=t.ent_a1).first() or event_of(_plant(t)),
         member="ent_a1_admin", outsider="county_b_admin", more=_more_events,
         unfiltered=frozenset({"end", "production_facility__name", "treatment_facility__name",
                               "enterprise__division__name", "rule__name"})),
    Case(Finding, lambda t: Finding.objects.filter(enterprise=t.ent_a1).first() or finding_of(_plant(t)),
         member="ent_a1_admin", outsider="county_b_admin", more=_more_findings,
         unfiltered=frozenset({"point__name", "production_facility__name", "treatment_facility__name",
                               "detail"})),
)  # fmt: skip

__all__ = ["plant"]
