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
