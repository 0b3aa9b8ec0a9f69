"""Test cases of the ldar models for the generated tests (tests/generic.py)."""

import datetime
import itertools

from lantian.core.models import Organization
from lantian.ldar.models import (
    Area,
    ComponentGroup,
    DetectionInstrument,
    EnterpriseProfile,
    Equipment,
    ProcessUnit,
    SealPoint,
    SealPointType,
    UnitShutdown,
)
from tests.conftest import make_org
from tests.generic import Case, add_cases
from tests.ldar.factories import Archive, moment, more_points, more_units

SERIAL = itertools.count(1)


def archive(tree) -> Archive:
    """The archive of the tree, built once per test however often a case asks for it."""
    if not hasattr(tree, "ldar_archive"):
        tree.ldar_archive = Archive(tree)
    return tree.ldar_archive


def _more_profiles(tree, n):
    for i in itertools.islice(SERIAL, n):
        enterprise = make_org(
            f"甲县企业{i}", Organization.Kind.ENTERPRISE, tree.county_a, "610323", f"MA7{i:06d}"
        )
        EnterpriseProfile.objects.create(
            organization=enterprise,
            registered_name=enterprise.name,
            legal_representative="张三",
            registered_address="甲县",
            industry="refining",
            environment_manager="李四",
            environment_manager_phone="1",
            ldar_manager="王五",
            ldar_manager_phone="2",
            contact_person="赵六",
            contact_phone="3",
        )


def _more_areas(tree, n):
    unit = archive(tree).unit
    for i in itertools.islice(SERIAL, n):
        Area.objects.create(unit=unit, code=f"A{i}", name=f"区域{i}")


def _more_equipment(tree, n):
    area = archive(tree).area
    for i in itertools.islice(SERIAL, n):
        Equipment.objects.create(area=area, code=f"E{i}", name=f"设备{i}", equipment_type="vessel")


def _more_groups(tree, n):
    equipment = archive(tree).equipment
    for i in itertools.islice(SERIAL, n):
        ComponentGroup.objects.create(
            equipment=equipment, code=f"G{i}", name=f"群组{i}", material_state="gas"
        )


def _more_shutdowns(tree, n):
    unit = archive(tree).unit
    for i in itertools.islice(SERIAL, n):
        UnitShutdown.objects.create(
            unit=unit,
            start=moment(2024, 1, 1) + datetime.timedelta(hours=i),
            reason="检修",
            recorder="王五",
        )


def _more_instruments(tree, n):
    for i in itertools.islice(SERIAL, n):
        DetectionInstrument.objects.create(
            organization=tree.ent_a2,
            name="检测仪",
            instrument_model="TVA2020",
            serial_number=f"S{i}",
            detector_type="FID",
            calibration_due=datetime.date(2027, 1, 1),
        )


LEVEL_UNFILTERED = frozenset({"updated_at"})

add_cases(
    Case(
        EnterpriseProfile,
        lambda t: archive(t).profile,
        member="county_a_admin",
        outsider="county_b_admin",
        more=_more_profiles,
        unfiltered=frozenset({"submitted_at", "reviewed_at", "ldar_manager_phone"}),
    ),
    Case(
        ProcessUnit,
        lambda t: archive(t).unit,
        member="county_a_admin",
        outsider="county_b_admin",
        more=lambda t, n: more_units(t.ent_a1, n),
        unfiltered=LEVEL_UNFILTERED | {"annual_hours"},
    ),
    Case(
        Area,
        lambda t: archive(t).area,
        member="county_a_admin",
        outsider="county_b_admin",
        more=_more_areas,
        unfiltered=LEVEL_UNFILTERED,
    ),
    Case(
        Equipment,
        lambda t: archive(t).equipment,
        member="county_a_admin",
        outsider="county_b_admin",
        more=_more_equipment,
        unfiltered=LEVEL_UNFILTERED,
    ),
    Case(
        ComponentGroup,
        lambda t: archive(t).group,
        member="county_a_admin",
        outsider="county_b_admin",
        more=_more_groups,
        unfiltered=LEVEL_UNFILTERED | {"point_count"},
    ),
    Case(
        SealPoint,
        lambda t: archive(t).point,
        member="county_a_admin",
        outsider="county_b_admin",
        more=lambda t, n: more_points(archive(t).group, n),
        unfiltered=LEVEL_UNFILTERED
        | {"extension_number", "nominal_diameter", "height", "distance", "period_months"},
    ),
    Case(
        SealPointType,
        lambda t: SealPointType.objects.get(code="valve"),
        member="ent_a1_admin",
        unfiltered=frozenset({"period_months"}),
    ),
    Case(
        UnitShutdown,
        lambda t: archive(t).shutdown,
        member="county_a_admin",
        outsider="county_b_admin",
        more=_more_shutdowns,
    ),
    Case(
        DetectionInstrument,
        lambda t: archive(t).instrument,
        member="county_a_admin",
        outsider="county_b_admin",
        more=_more_instruments,
    ),
)


# --- the detection process (tests/ldar/detection_factories.py) ---


def detection(tree):
    """The detection rows of the tree, built once per test however often a case asks for them."""
    from tests.ldar.detection_factories import Detection

    if not hasattr(tree, "ldar_detection"):
        tree.ldar_detection = Detection(tree, archive(tree))
    return tree.ldar_detection


def _more_detection(make):
    def more(tree, n):
        make(detection(tree), n)

    return more


def _more_cycles(d, n):
    from lantian.ldar.models import DetectionCycle

    for i in itertools.islice(SERIAL, n):
        DetectionCycle.objects.create(
            enterprise=d.tree.ent_a1,
            agency=d.tree.agency,
            year=2050 + i % 50,
            round=1 + i // 50 % 12,
            accounting_start=datetime.date(2026, 7, 1),
            accounting_end=datetime.date(2026, 12, 31),
        )


def _more_rule_sets(d, n):
    from lantian.ldar.models import LeakRuleSet

    for i in itertools.islice(SERIAL, n):
        enterprise = make_org(
            f"甲县规则企业{i}", Organization.Kind.ENTERPRISE, d.tree.county_a, "610323", f"MA8{i:06d}"
        )
        LeakRuleSet.objects.create(enterprise=enterprise, rule_set="GB37822_KEY")


def _more_plans(d, n):
    from lantian.ldar.models import WorkOrder, WorkPlan

    for i in itertools.islice(SERIAL, n):
        area = Area.objects.create(unit=d.archive.unit, code=f"WA{i}", name=f"区域{i}")
        plan = WorkPlan.objects.create(
            cycle=d.cycle,
            area=area,
            start_date=datetime.date(2026, 5, 1),
            collection_end_date=datetime.date(2026, 5, 9),
        )
        order = WorkOrder.objects.create(plan=plan)
        order.inspectors.set([d.tree.agency_admin])


def _more_retests(d, n):
    from lantian.ldar.models import RetestRecord

    for i in range(n):
        RetestRecord.objects.create(
            detection=d.leak,
            background=1,
            reading=10 + i,
            instrument=d.instrument,
            operator="张伟",
            tested_at=moment(2026, 4, 13) + datetime.timedelta(minutes=i),
        )


def _more_backgrounds(d, n):
    from lantian.ldar.models import BackgroundRecord

    for i in range(n):
        BackgroundRecord.objects.create(
            cycle=d.cycle,
            instrument=d.instrument,
            measured_at=moment(2026, 4, 9) + datetime.timedelta(minutes=i),
            readings="1, 2",
            operator="张伟",
        )


def _more_calibrations(d, n):
    from lantian.ldar.models import CalibrationRecord

    for i in range(n):
        CalibrationRecord.objects.create(
            cycle=d.cycle,
            instrument=d.instrument,
            calibrated_at=moment(2026, 4, 9) + datetime.timedelta(hours=i),
            zero_gas_reading=0,
            span_gas=500,
            span_reading=500,
            drift=0.5,
            response_time=5,
            passed=True,
            cylinder_expiry=datetime.date(2027, 1, 1),
            operator="张伟",
        )


def _more_inaccessible(d, n):
    from lantian.ldar.models import InaccessiblePoint

    more_points(d.archive.group, n)
    for point in d.archive.group.points.order_by("-pk")[:n]:
        InaccessiblePoint.objects.create(
            cycle=d.cycle,
            seal_point=point,
            recorded_on=datetime.date(2026, 4, 9),
            reason="高空",
            operator="张伟",
        )


def _add_detection_cases():
    from lantian.ldar.models import (
        BackgroundRecord,
        CalibrationRecord,
        DetectionCycle,
        DetectionRecord,
        InaccessiblePoint,
        LeakRuleSet,
        RetestRecord,
        WorkOrder,
        WorkPlan,
    )
    from tests.ldar.detection_factories import more_records

    def case(model, attribute, more, unfiltered=()):
        return Case(
            model,
            lambda t: getattr(detection(t), attribute),
            member="county_a_admin",
            outsider="county_b_admin",
            more=_more_detection(more),
            unfiltered=frozenset(unfiltered),
        )

    add_cases(
        case(
            LeakRuleSet, "rule_set", _more_rule_sets, {"volatile_threshold", "other_threshold", "updated_at"}
        ),
        case(DetectionCycle, "cycle", _more_cycles),
        case(WorkPlan, "plan", _more_plans),
        case(WorkOrder, "order", _more_plans, {"inspectors"}),
        case(DetectionRecord, "record", more_records, {"background", "reading", "threshold", "ended_at"}),
        case(RetestRecord, "retest", _more_retests, {"background", "reading"}),
        case(BackgroundRecord, "background", _more_backgrounds),
        case(
            CalibrationRecord,
            "calibration",
            _more_calibrations,
            {"zero_gas_reading", "span_gas", "span_reading", "indication_error", "drift", "response_time"},
        ),
        case(InaccessiblePoint, "inaccessible", _more_inaccessible),
    )


_add_detection_cases()


import tests.ldar.emission_cases  # noqa: E402 (the emissions models' cases)
import tests.ldar.guardrail_cases  # noqa: E402 (the guard-rail models' cases)
import tests.ldar.repair_cases  # noqa: E402 (the repair models' cases)
import tests.ldar.report_cases  # noqa: E402, F401 (the report models' cases)
