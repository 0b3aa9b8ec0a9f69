"""The LDAR demo: the component archive of a petrochemical plant (渭川金泰石化有限公司, a few thousand
seal points in five units) and a small one of a chemical works (渭川宏远化工有限公司), their LDAR
profiles (one approved, one awaiting the bureau's review), a unit stop and detection instruments.

``plant_layout`` makes a plant's archive as rows (one per seal point, naming its unit, area,
equipment and group by code and name), the form a plant sends it in; the demo, the tests and the
benchmark share it. Idempotent: an enterprise whose archive exists is left as it is.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from lantian.ldar.standards.components import BY_CODE

STATES = {
    "原油": "light_liquid",
    "汽油": "light_liquid",
    "石脑油": "light_liquid",
    "柴油": "heavy_liquid",
    "蜡油": "heavy_liquid",
    "渣油": "heavy_liquid",
    "液化石油气": "light_liquid",
    "干气": "gas",
    "氢气": "gas",
    "燃料气": "gas",
    "苯": "light_liquid",
    "甲苯": "light_liquid",
    "二甲苯": "light_liquid",
    "抽余油": "light_liquid",
    "苯乙烯": "light_liquid",
    "乙苯": "light_liquid",
    "乙烯": "gas",
    "甲醇": "light_liquid",
}


@dataclass(frozen=True)
class UnitPlan:
    code: str
    name: str
    industry: str
    materials: tuple[str, ...]
    areas: tuple[str, ...]


REFINERY = (
    UnitPlan(
        "CJY",
        "常减压装置",
        "refining",
        ("原油", "汽油", "柴油", "石脑油", "蜡油", "渣油"),
        ("电脱盐区", "常压塔区", "减压塔区", "换热器区", "机泵区"),
    ),
    UnitPlan(
        "FCC",
        "催化裂化装置",
        "refining",
        ("蜡油", "汽油", "液化石油气", "干气", "柴油"),
        ("反应再生区", "分馏区", "吸收稳定区", "气压机区", "机泵区"),
    ),
    UnitPlan(
        "JQ",
        "加氢精制装置",
        "refining",
        ("柴油", "氢气", "汽油", "燃料气"),
        ("反应区", "分馏区", "循环氢压缩机区", "换热器区", "机泵区"),
    ),
    UnitPlan(
        "BTX",
        "芳烃抽提装置",
        "petrochemical",
        ("苯", "甲苯", "二甲苯", "抽余油"),
        ("抽提区", "精馏区", "溶剂回收区", "换热器区", "机泵区"),
    ),
    UnitPlan(
        "CY",
        "储运罐区",
        "storage",
        ("原油", "汽油", "柴油", "苯", "液化石油气"),
        ("原油罐区", "成品油罐区", "苯罐区", "液化气球罐区", "装卸栈台"),
    ),
)
CHEMICAL = (
    UnitPlan(
        "BYX",
        "苯乙烯装置",
        "petrochemical",
        ("乙苯", "苯乙烯", "苯", "乙烯"),
        ("脱氢反应区", "精馏区", "机泵区"),
    ),
    UnitPlan("CY", "储运罐区", "storage", ("苯", "甲醇", "苯乙烯"), ("储罐区", "装卸区")),
)

# equipment per area, by kind: (type, code prefix, name)
EQUIPMENT_KINDS = (
    ("column", "T", "塔"),
    ("vessel", "V", "容器"),
    ("exchanger", "E", "换热器"),
    ("pump", "P", "泵"),
    ("pipeline", "L", "管线"),
    ("compressor", "K", "压缩机"),
    ("reactor", "R", "反应器"),
    ("tank", "TK", "储罐"),
)
# seal-point types by weight (static components dominate a real plant)
MIX = (
    ("valve", 40),
    ("flange", 33),
    ("connector", 12),
    ("open_ended", 5),
    ("relief", 2),
    ("sampling", 3),
    ("other", 1),
)
SHAFT = {"pump": "pump", "compressor": "compressor", "reactor": "agitator"}
REASONS = (
    "距地面 2 米以上且无检测平台",
    "保温层包裹，无法检测",
    "高温部位，人员无法安全靠近",
    "位于管廊高处",
)
GROUPS_PER_EQUIPMENT = 5
POINTS_PER_GROUP = 10


def plant_layout(points: int, units: tuple[UnitPlan, ...] = REFINERY, seed: int = 20260301) -> list[dict]:
    """``points`` seal points of a plant, one dict per point naming its whole path by code and name."""
    rng = random.Random(seed)
    per_area = max(
        1, -(-points // (sum(len(u.areas) for u in units) * GROUPS_PER_EQUIPMENT * POINTS_PER_GROUP))
    )
    rows: list[dict] = []
    group_serial = 0
    for unit in units:
        for a, area_name in enumerate(unit.areas, start=1):
            for e in range(per_area):
                kind, prefix, noun = EQUIPMENT_KINDS[(a + e) % len(EQUIPMENT_KINDS)]
                equipment_code = f"{prefix}-{a}{e + 1:02d}"
                equipment_name = f"{area_name[:-1] if area_name.endswith('区') else area_name}{noun}{e + 1}"
                for _g in range(GROUPS_PER_EQUIPMENT):
                    group_serial += 1
                    group_code = f"G{group_serial:05d}"
                    material = rng.choice(unit.materials)
                    for n in range(1, POINTS_PER_GROUP + 1):
                        if n == 1 and kind in SHAFT:
                            type_code = SHAFT[kind]
                        else:
                            type_code = rng.choices([c for c, _w in MIX], weights=[w for _c, w in MIX])[0]
                        accessible = rng.random() > 0.03
                        rows.append(
                            {
                                "unit_code": unit.code,
                                "unit_name": unit.name,
                                "industry": unit.industry,
                                "area_code": f"A{a:02d}",
                                "area_name": area_name,
                                "equipment_code": equipment_code,
                                "equipment_name": equipment_name,
                                "equipment_type": kind,
                                "group_code": group_code,
                                "group_name": f"{equipment_name}{material}管线{_g + 1}",
                                "code": f"{group_code}-{n}",
                                "type_code": type_code,
                                "type_name": BY_CODE[type_code].name,
                                "extension_number": n,
                                "material": material,
                                "state": STATES[material],
                                "insulated": rng.random() < 0.15,
                                "dn": rng.choice((15, 20, 25, 50, 80, 100, 150)),
                                "height": round(rng.uniform(0.3, 12), 1),
                                "distance": round(rng.uniform(0.2, 5), 1),
                                "accessible": accessible,
                                "reason": "" if accessible else rng.choice(REASONS),
                                "valid": rng.random() > 0.005,
                            }
                        )
                        if len(rows) == points:
                            return rows
    return rows


def build_archive(enterprise, rows: list[dict]) -> int:
    """Create the units, areas, equipment, groups and seal points of ``rows`` in bulk; returns the
    number of seal points created."""
    from lantian.ldar.models import Area, ComponentGroup, Equipment, ProcessUnit, SealPoint, SealPointType

    types = {t.code: t for t in SealPointType.objects.all()}
    units, areas, equipment, groups = {}, {}, {}, {}
    for row in rows:
        key = row["unit_code"]
        if key not in units:
            units[key] = ProcessUnit(
                enterprise=enterprise,
                code=key,
                name=row["unit_name"],
                industry=row["industry"],
                annual_hours=8400,
                safety_grade="1",
            )
        key = (row["unit_code"], row["area_code"])
        if key not in areas:
            areas[key] = Area(
                enterprise=enterprise,
                unit=units[row["unit_code"]],
                code=row["area_code"],
                name=row["area_name"],
                safety_grade="2",
                importance_grade="2",
            )
        key = (*key, row["equipment_code"])
        if key not in equipment:
            area = areas[key[:2]]
            equipment[key] = Equipment(
                enterprise=enterprise,
                unit=area.unit,
                area=area,
                code=row["equipment_code"],
                name=row["equipment_name"],
                equipment_type=row["equipment_type"],
            )
        key = (*key, row["group_code"])
        if key not in groups:
            parent = equipment[key[:3]]
            groups[key] = ComponentGroup(
                enterprise=enterprise,
                unit=parent.unit,
                area=parent.area,
                equipment=parent,
                code=row["group_code"],
                name=row["group_name"],
                material_name=row["material"],
                material_state=row["state"],
                positioning_equipment=parent.code,
                bearing=random.Random(row["group_code"]).choice("东南西北") + "侧",
                platform_level="地面" if row["height"] < 2 else "一层平台",
                point_count=0,
            )
        groups[key].point_count += 1
    for model, objects in (
        (ProcessUnit, units),
        (Area, areas),
        (Equipment, equipment),
        (ComponentGroup, groups),
    ):
        model.objects.bulk_create(objects.values(), batch_size=1000)
    points = []
    for row in rows:
        group = groups[(row["unit_code"], row["area_code"], row["equipment_code"], row["group_code"])]
        kind = types[row["type_code"]]
        points.append(
            SealPoint(
                enterprise=enterprise,
                unit=group.unit,
                area=group.area,
                equipment=group.equipment,
                group=group,
                code=row["code"],
                seal_type=kind,
                extension_number=row["extension_number"],
                tag=f"{group.code}-{row['extension_number']}",
                material_name=row["material"],
                material_state=row["state"],
                is_dynamic=kind.is_dynamic,
                insulated=row["insulated"],
                nominal_diameter=row["dn"],
                height=row["height"],
                distance=row["distance"],
                period_months=kind.period_months,
                accessible=row["accessible"],
                inaccessible_reason=row["reason"],
                is_valid=row["valid"],
            )
        )
    SealPoint.objects.bulk_create(points, batch_size=2000)
    return len(points)


PROFILES = {
    "渭川金泰石化有限公司": {
        "registered_name": "渭川金泰石化有限公司",
        "legal_representative": "刘建军",
        "company_type": "有限责任公司",
        "registered_capital": 120000,
        "established_on": datetime.date(2006, 5, 18),
        "registered_address": "岐阳县五丈原镇石化路 2 号",
        "industry": "refining",
        "business_scope": "原油加工及石油制品制造；芳烃、液化石油气生产与销售；危险化学品储存。",
        "site_address": "岐阳县五丈原镇石化路 2 号",
        "environment_manager": "刘晓燕",
        "environment_manager_phone": "13891700022",
        "ldar_manager": "马志远",
        "ldar_manager_phone": "13891700023",
        "contact_person": "刘晓燕",
        "contact_phone": "13891700022",
        "phone": "0917-8516200",
        "email": "hse@jintai-petro.example",
    },
    "渭川宏远化工有限公司": {
        "registered_name": "渭川宏远化工有限公司",
        "legal_representative": "王建国",
        "company_type": "有限责任公司",
        "registered_capital": 18000,
        "established_on": datetime.date(2012, 9, 3),
        "registered_address": "岐阳县蔡家坡工业园区 6 号",
        "industry": "petrochemical",
        "business_scope": "苯乙烯、乙苯的生产与销售；化工原料储存。",
        "site_address": "岐阳县蔡家坡工业园区 6 号",
        "environment_manager": "王海涛",
        "environment_manager_phone": "13891700011",
        "ldar_manager": "杜鹏",
        "ldar_manager_phone": "13891700012",
        "contact_person": "王海涛",
        "contact_phone": "13891700011",
    },
}
INSTRUMENTS = (
    ("渭川华测环境检测有限公司", "便携式VOCs检测仪", "TVA2020", "TVA-20-1187", "FID", "Thermo Fisher", 300),
    ("渭川华测环境检测有限公司", "便携式VOCs检测仪", "TVA2020", "TVA-20-1192", "FID", "Thermo Fisher", 20),
    ("渭川华测环境检测有限公司", "便携式PID检测仪", "phx21", "PHX-21-0566", "PID", "Inficon", 160),
    ("渭川金泰石化有限公司", "便携式VOCs检测仪", "TVA2020", "TVA-20-0931", "FID", "Thermo Fisher", -12),
)


@transaction.atomic
def build_demo() -> list[str]:
    from lantian.core.models import Organization, User
    from lantian.ldar.models import (
        DetectionInstrument,
        EnterpriseProfile,
        SealPoint,
        SealPointType,
        UnitShutdown,
    )
    from lantian.ldar.seed import sync_seal_point_types

    sync_seal_point_types(SealPointType)
    plants = {"渭川金泰石化有限公司": (REFINERY, 4200), "渭川宏远化工有限公司": (CHEMICAL, 320)}
    summary = []
    bureau = User.objects.filter(username="bureau").first()
    enterprise_user = User.objects.filter(username="enterprise").first()
    for name, (units, count) in plants.items():
        enterprise = Organization.objects.filter(name=name, kind=Organization.Kind.ENTERPRISE).first()
        if enterprise is None:
            continue
        if not SealPoint.objects.filter(enterprise=enterprise).exists():
            build_archive(enterprise, plant_layout(count, units, seed=len(name)))
        profile = EnterpriseProfile.objects.filter(organization=enterprise).first()
        if profile is None:
            profile = EnterpriseProfile.objects.create(organization=enterprise, **PROFILES[name])
            now = timezone.now()
            if name == "渭川金泰石化有限公司" and bureau is not None:  # reviewed and approved last month
                EnterpriseProfile.objects.filter(pk=profile.pk).update(
                    status="approved",
                    submitted_at=now - datetime.timedelta(days=35),
                    reviewed_by=bureau,
                    reviewed_at=now - datetime.timedelta(days=33),
                )
            elif enterprise_user is not None:  # submitted, awaiting the bureau
                EnterpriseProfile.objects.filter(pk=profile.pk).update(
                    status="submitted",
                    submitted_by=enterprise_user,
                    submitted_at=now - datetime.timedelta(days=1),
                )
        total = SealPoint.objects.filter(enterprise=enterprise).count()
        summary.append(f"LDAR 档案：{name} {total} 个密封点")
    jintai = Organization.objects.filter(name="渭川金泰石化有限公司").first()
    if jintai is not None:
        from lantian.ldar.models import ProcessUnit

        unit = ProcessUnit.objects.filter(enterprise=jintai, code="FCC").first()
        if unit is not None and not UnitShutdown.objects.filter(unit=unit).exists():
            start = timezone.make_aware(datetime.datetime(2026, 3, 2, 8, 0))
            UnitShutdown.objects.create(
                unit=unit,
                start=start,
                end=start + datetime.timedelta(days=18, hours=10),
                reason="年度停工检修",
                recorder="马志远",
            )
    today = timezone.localdate()
    for owner, label, model, serial, detector, maker, days in INSTRUMENTS:
        organization = Organization.objects.filter(name=owner).first()
        if organization is not None:
            DetectionInstrument.objects.get_or_create(
                organization=organization,
                serial_number=serial,
                defaults={
                    "name": label,
                    "instrument_model": model,
                    "detector_type": detector,
                    "manufacturer": maker,
                    "measuring_range": "0–50000 μmol/mol" if detector == "FID" else "0–15000 μmol/mol",
                    "calibrated_on": today - datetime.timedelta(days=365 - days),
                    "calibration_due": today + datetime.timedelta(days=days),
                },
            )
    from lantian.ldar.demo_detection import build_detection_demo
    from lantian.ldar.demo_repair import build_repair_demo
    from lantian.ldar.demo_reports import build_reports_demo

    return summary + build_detection_demo() + build_repair_demo() + build_reports_demo()
