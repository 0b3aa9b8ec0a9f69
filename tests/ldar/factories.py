"""Archive rows for tests, built through the models (so ``derive`` fills the ancestors)."""

import datetime
import itertools
from zoneinfo import ZoneInfo

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

SERIAL = itertools.count(1)
SHANGHAI = ZoneInfo("Asia/Shanghai")


def moment(*parts) -> datetime.datetime:
    return datetime.datetime(*parts, tzinfo=SHANGHAI)


def seal_type(code: str) -> SealPointType:
    return SealPointType.objects.get(code=code)


def build_branch(enterprise, unit_code="CJY", unit_name="常减压装置", points=3):
    """One unit → area → equipment → group with ``points`` seal points (valves, a pump last)."""
    unit = ProcessUnit.objects.create(
        enterprise=enterprise, code=unit_code, name=unit_name, industry="refining"
    )
    area = Area.objects.create(unit=unit, code="A01", name="常压塔区")
    equipment = Equipment.objects.create(area=area, code="T-101", name="常压塔", equipment_type="column")
    group = ComponentGroup.objects.create(
        equipment=equipment,
        code="G0012",
        name="常压塔顶回流线",
        material_name="汽油",
        material_state="light_liquid",
    )
    created = [
        SealPoint.objects.create(
            group=group,
            code=f"G0012-{n}",
            extension_number=n,
            seal_type=seal_type("pump" if n == points else "valve"),
        )
        for n in range(1, points + 1)
    ]
    return unit, area, equipment, group, created


class Archive:
    """ent_a1: one branch of 3 points (one of them a pump); ent_a2: one branch of 2 points."""

    def __init__(self, tree):
        self.tree = tree
        self.unit, self.area, self.equipment, self.group, self.points = build_branch(tree.ent_a1)
        self.point = self.points[0]
        self.other_unit, _a, _e, self.other_group, self.other_points = build_branch(
            tree.ent_a2, "CHJ", "催化裂化装置", points=2
        )
        self.profile = EnterpriseProfile.objects.create(
            organization=tree.ent_a1,
            registered_name="甲一化工有限公司",
            legal_representative="张三",
            registered_address="甲县工业园区 1 号",
            industry="petrochemical",
            environment_manager="李四",
            environment_manager_phone="13800000001",
            ldar_manager="王五",
            ldar_manager_phone="13800000002",
            contact_person="赵六",
            contact_phone="13800000003",
        )
        self.shutdown = UnitShutdown.objects.create(
            unit=self.unit,
            start=moment(2026, 3, 1, 8),
            end=moment(2026, 3, 20, 18),
            reason="年度检修",
            recorder="王五",
        )
        self.instrument = DetectionInstrument.objects.create(
            organization=tree.ent_a1,
            name="便携式VOCs检测仪",
            instrument_model="TVA2020",
            serial_number="TVA-1",
            detector_type="FID",
            calibration_due=datetime.date(2027, 1, 1),
        )
        self.agency_instrument = DetectionInstrument.objects.create(
            organization=tree.agency,
            name="PID检测仪",
            instrument_model="phx21",
            serial_number="PHX-1",
            detector_type="PID",
            calibration_due=datetime.date(2027, 1, 1),
        )


def more_units(enterprise, n):
    for i in itertools.islice(SERIAL, n):
        ProcessUnit.objects.create(enterprise=enterprise, code=f"U{i}", name=f"装置{i}")


def more_points(group, n):
    """``n`` more seal points in ``group`` (extension numbers after the largest)."""
    start = (
        group.points.order_by("-extension_number").values_list("extension_number", flat=True).first() or 0
    ) + 1
    valve = seal_type("valve")
    SealPoint.objects.bulk_create(
        SealPoint(
            group=group,
            enterprise_id=group.enterprise_id,
            unit_id=group.unit_id,
            area_id=group.area_id,
            equipment_id=group.equipment_id,
            code=f"{group.code}-{i}",
            extension_number=i,
            tag=f"{group.code}-{i}",
            seal_type=valve,
            material_state="gas",
        )
        for i in range(start, start + n)
    )
