"""A small approvals world on the ``tree`` fixture: two departments under the city, a project with
its process and stages, items and cases with handling records."""

from datetime import date, datetime
from decimal import Decimal
from itertools import count
from zoneinfo import ZoneInfo

from lantian.approvals import actions
from lantian.approvals import models as m
from lantian.approvals.standards import status as S
from lantian.core.models import Division, Organization
from tests.conftest import make_credit_code, make_org, make_user

TZ = ZoneInfo("Asia/Shanghai")
_serial = count(1)


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=TZ)


class World:
    def __init__(self, tree):
        K = Organization.Kind
        self.tree = tree
        self.planning = make_org("自然资源和规划局", K.DEPARTMENT, tree.city)
        self.housing = make_org("住房和城乡建设局", K.DEPARTMENT, tree.city)
        self.supervisor = make_user("supervisor", tree.city, "approval_supervisor")
        self.approver = make_user("approver", tree.city, "approval_supervisor")
        self.planner = make_user("planner", self.planning, "approval_department")
        self.builder = make_user("builder", self.housing, "approval_department")
        self.project = project(tree.city)
        self.item_planning = item(self.planning, "JS-001", m.StageKind.WORKS_PLANNING, 10)
        self.item_housing = item(self.housing, "SG-001", m.StageKind.CONSTRUCTION, 5)
        self.case_planning = case(self.project, self.item_planning, m.StageKind.WORKS_PLANNING)
        self.case_housing = case(self.project, self.item_housing, m.StageKind.CONSTRUCTION)


def project(bureau, division="610302", **values):
    serial = next(_serial)
    code = f"2026-{division}-48-01-{serial:06d}"
    defaults = dict(
        organization=bureau,
        code=code,
        works_code=f"{code}-0001",
        name=f"测试项目{serial}",
        location="渭滨区高新二路",
        division=Division.objects.get(code=division),
        investment=Decimal("1200"),
        land_area=Decimal("15000"),
        floor_area=Decimal("42000"),
        planned_start=date(2026, 5, 1),
        planned_completion=date(2027, 12, 31),
        builder_name="渭川城投建设有限公司",
        builder_credit_code=make_credit_code("610302", f"MA6Y9{serial:04d}"),
    )
    defaults.update(values)
    obj = m.Project.objects.create(**defaults)
    process = m.ApprovalProcess.objects.create(
        project=obj,
        process_type=m.ProcessType.SOCIAL,
        version="1.0",
        current_stage=m.StageKind.CONSTRUCTION,
        started_on=date(2026, 3, 2),
    )
    for kind in m.StageKind.values:
        m.ProcessStage.objects.create(process=process, kind=kind, started_on=date(2026, 3, 2))
    return obj


def item(department, code, stage, limit, unit=m.LimitUnit.WORKDAYS):
    return m.ApprovalItem.objects.create(
        code=code,
        version="1",
        name=f"事项{code}",
        department=department,
        stage=stage,
        time_limit=limit,
        limit_unit=unit,
    )


def case(
    project, approval_item, stage_kind, received="2026-03-02 09:00", steps=((S.ACCEPTED, "2026-03-02 09:30"),)
):
    instance = m.ItemInstance.objects.create(
        code=f"SL{next(_serial):08d}",
        project=project,
        stage=project.process.stages.get(kind=stage_kind),
        item=approval_item,
        department=approval_item.department,
        time_limit=approval_item.time_limit,
        limit_unit=approval_item.limit_unit,
        received_at=at(received),
    )
    actions.record_handling(instance, S.RECEIVED, at(received), "窗口")
    for code, moment in steps:
        actions.record_handling(instance, code, at(moment), "经办人")
    instance.refresh_from_db()
    return instance
