"""Demo of construction-approval supervision on the core demo city (``manage.py demo``).

The approval bureau 渭川市行政审批服务局 under the city, six departments under it, projects in the
three districts (渭滨区, 金台区, 岐阳县) in every stage with their cases: handled, open, overdue, under
correction (补正) and under special procedure; parallel approvals and joint acceptance; the code map of
the provincial platform; one department (人防办) whose data is poor. A data-quality run with its
rectification tasks closes it. Idempotent: the cases are built once, the accounts kept.
"""

import random
from datetime import datetime, time, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from lantian.approvals import models as m
from lantian.approvals.clock import refresh_clocks
from lantian.approvals.quality import assign_tasks, run_quality
from lantian.approvals.standards import status as S
from lantian.core.demo import credit_code, demo_account, demo_organization
from lantian.core.models import Division, Organization

K = Organization.Kind
DISTRICTS = (("610302", "渭滨区"), ("610303", "金台区"), ("610323", "岐阳县"))
DEPARTMENTS = (  # key, name, division, short name (the big screen's labels)
    ("fgw", "渭川市发展和改革委员会", "610300", "市发改委"),
    ("zrzy", "渭川市自然资源和规划局", "610300", "市自然资源局"),
    ("zjj", "渭川市住房和城乡建设局", "610300", "市住建局"),
    ("rfb", "渭川市人民防空办公室", "610300", "市人防办"),  # the department with poor data quality
    ("xf", "渭川市消防救援支队", "610300", "市消防支队"),
    ("sw", "渭川市水务局", "610300", "市水务局"),
)
POOR = "rfb"
# code, name, department, stage, limit, unit
ITEMS = (
    ("610300-FG-001", "企业投资项目备案", "fgw", 1, 3, "workdays"),
    ("610300-FG-002", "政府投资项目可行性研究报告审批", "fgw", 1, 20, "workdays"),
    ("610300-ZR-001", "建设项目用地预审与选址意见书核发", "zrzy", 1, 20, "workdays"),
    ("610300-ZR-002", "建设用地规划许可证核发", "zrzy", 1, 20, "workdays"),
    ("610300-ZR-003", "建设工程规划许可证核发", "zrzy", 2, 20, "workdays"),
    ("610300-SW-001", "水土保持方案审批", "sw", 2, 15, "workdays"),
    ("610300-RF-001", "人防工程防空地下室设计审查", "rfb", 2, 10, "workdays"),
    ("610300-XF-001", "特殊建设工程消防设计审查", "xf", 2, 15, "workdays"),
    ("610300-ZJ-001", "建筑工程施工许可证核发", "zjj", 3, 7, "workdays"),
    ("610300-ZJ-002", "城市建筑垃圾处置核准", "zjj", 3, 48, "workhours"),
    ("610300-RF-002", "人防工程竣工验收备案", "rfb", 4, 15, "workdays"),
    ("610300-XF-002", "特殊建设工程消防验收", "xf", 4, 15, "workdays"),
    ("610300-ZJ-003", "建设工程竣工验收备案", "zjj", 4, 5, "workdays"),
)
CODE_MAP = (
    (3, "23"),
    (4, "24"),
    (5, "24"),
    (6, "22"),
    (7, "22"),
    (9, "40"),
    (10, "41"),
    (11, "60"),
    (13, "36"),
    (14, "61"),
)
BUILDERS = (
    "渭川城市建设投资集团有限公司",
    "渭川高新置业有限公司",
    "陕西秦川建工集团有限公司",
    "渭川金台实业有限公司",
    "岐阳县城乡发展有限公司",
    "渭川宏远房地产开发有限公司",
)
PLACES = ("高新二路", "清姜路", "金台大道", "宝光路", "凤鸣路", "蔡家坡工业园区", "渭河南岸", "石鼓大道")
KINDS = ("综合楼", "住宅小区", "标准化厂房", "学校教学楼", "道路改造工程", "物流园", "社区卫生服务中心")


def build_demo() -> list[str]:
    city = Organization.objects.get(name="渭川市生态环境局")
    bureau = demo_organization("渭川市行政审批服务局", K.REGULATOR, city, "610300", short_name="市审批局")
    departments = {
        key: demo_organization(name, K.DEPARTMENT, bureau, division, short_name=short)
        for key, name, division, short in DEPARTMENTS
    }
    lines = [
        demo_account("shenpi", "韩立新", bureau, "approval_supervisor"),
        demo_account("shenpi2", "杜文静", bureau, "approval_supervisor"),
        demo_account("guihua", "马晓峰", departments["zrzy"], "approval_department"),
        demo_account("renfang", "赵德胜", departments[POOR], "approval_department"),
    ]
    if not m.Project.objects.filter(organization=bureau).exists():
        count = _build_cases(bureau, departments)
        lines.insert(0, f"Construction approvals: {count} projects, their cases, quality run and tasks")
    return lines


@transaction.atomic
def _build_cases(bureau, departments) -> int:
    rng = random.Random(2026)
    now = timezone.now()
    today = timezone.localdate()
    scale = 40 if getattr(settings, "LANTIAN_DEMO_SCALE", "full") == "small" else 400
    for level_code, target in CODE_MAP:
        m.CodeMap.objects.get_or_create(
            level="省级平台", local_code=level_code, defaults={"target_code": target}
        )
    items = {}
    for code, name, dept, stage, limit, unit in ITEMS:
        items[code] = m.ApprovalItem.objects.get_or_create(
            code=code,
            version="1",
            defaults=dict(
                name=name,
                department=departments[dept],
                stage=stage,
                time_limit=limit,
                limit_unit=unit,
                handlers="窗口受理、科室审核、分管领导审批",
            ),
        )[0]
    by_stage = {}
    for item in items.values():
        by_stage.setdefault(item.stage, []).append(item)
    divisions = {code: Division.objects.get(code=code) for code, _name in DISTRICTS}

    projects, processes = [], []
    for n in range(1, scale + 1):
        division, district = DISTRICTS[n % 3]
        code = f"{2025 + n % 2}-{division}-48-01-{n:06d}"
        start = today - timedelta(days=rng.randrange(30, 540))
        poor = n % 9 == 0
        projects.append(
            m.Project(
                organization=bureau,
                code=code,
                works_code=f"{code}-0001",
                name=f"{district}{rng.choice(PLACES)}{rng.choice(KINDS)}项目",
                location=f"渭川市{district}{rng.choice(PLACES)}",
                division=divisions[division],
                investment=None if poor else Decimal(rng.randrange(800, 90000)),
                land_area=Decimal(rng.randrange(3000, 90000)),
                floor_area=None if poor else Decimal(rng.randrange(5000, 200000)),
                planned_start=None if poor else start + timedelta(days=90),
                planned_completion=start + timedelta(days=rng.randrange(400, 1200)),
                builder_name=rng.choice(BUILDERS),
                builder_credit_code=credit_code(division, f"MA6W{n:05d}"),
            )
        )
    m.Project.objects.bulk_create(projects)
    projects = list(m.Project.objects.filter(organization=bureau).order_by("pk"))
    for n, project in enumerate(projects):
        current = 1 + n % 5 if n % 5 != 4 else 4  # every stage, the parallel one as stage 2 work
        processes.append(
            m.ApprovalProcess(
                project=project,
                process_type=1 + n % 4,
                version="1.0",
                current_stage=min(current, 4),
                started_on=project.planned_completion - timedelta(days=600),
            )
        )
    m.ApprovalProcess.objects.bulk_create(processes)
    processes = {p.project_id: p for p in m.ApprovalProcess.objects.filter(project__in=projects)}
    stages = []
    for project in projects:
        process = processes[project.pk]
        for kind in range(1, process.current_stage + 1):
            stages.append(
                m.ProcessStage(
                    process=process,
                    kind=kind,
                    started_on=process.started_on + timedelta(days=40 * (kind - 1)),
                )
            )
    m.ProcessStage.objects.bulk_create(stages)
    stage_of = {
        (s.process_id, s.kind): s for s in m.ProcessStage.objects.filter(process__in=processes.values())
    }

    instances, steps, parallels, joints = [], [], [], []
    serial = 0
    for project in projects:
        process = processes[project.pk]
        for kind in range(1, process.current_stage + 1):
            current = kind == process.current_stage
            parallel = None
            if kind == 2 and rng.random() < 0.6:
                parallel = m.ParallelApproval(
                    project=project,
                    stage=2,
                    lead_department=departments["zrzy"],
                    started_on=today - timedelta(days=60),
                )
                parallels.append(parallel)
            if kind == 4 and rng.random() < 0.7:
                joints.append(
                    m.JointAcceptance(
                        project=project,
                        lead_department=departments["zjj"],
                        departments="住建、人防、消防、规划",
                        applied_on=today - timedelta(days=rng.randrange(5, 60)),
                        result=m.JointAcceptance.Result.PENDING
                        if current
                        else m.JointAcceptance.Result.PASSED,
                    )
                )
            for item in by_stage.get(kind, ()):
                if rng.random() < 0.35:
                    continue
                serial += 1
                days_ago = rng.randrange(1, 45) if current else rng.randrange(60, 400)
                received = timezone.make_aware(
                    datetime.combine(today - timedelta(days=days_ago), time(9, rng.randrange(0, 59)))
                )
                poor = item.department_id == departments[POOR].pk and rng.random() < 0.5
                instance = m.ItemInstance(
                    code=f"SL{project.division_id:03d}{serial:07d}",
                    project=project,
                    stage=None if poor and rng.random() < 0.5 else stage_of[(process.pk, kind)],
                    item=item,
                    department_id=item.department_id,
                    time_limit=item.time_limit,
                    limit_unit=item.limit_unit,
                    received_at=received,
                )
                instance._parallel = parallel if item.stage == 2 else None
                instances.append(instance)
                steps.append(_history(rng, received, current, poor, now))
    m.ParallelApproval.objects.bulk_create(parallels)
    m.JointAcceptance.objects.bulk_create(joints)
    for instance in instances:
        instance.parallel = instance._parallel
    m.ItemInstance.objects.bulk_create(instances, batch_size=1000)
    records = []
    for instance, history in zip(instances, steps, strict=True):
        for sequence, (code, moment) in enumerate(history, start=1):
            records.append(
                m.HandlingRecord(
                    instance=instance,
                    sequence=sequence,
                    status=code,
                    handled_at=moment,
                    handler="窗口" if code in (S.RECEIVED, S.ACCEPTED) else "经办人",
                    opinion="" if code < 11 else "同意",
                )
            )
        instance.status = history[-1][0]
        final = next((moment for code, moment in history if code in S.FINAL), None)
        instance.is_open, instance.completed_at = final is None, final
    m.HandlingRecord.objects.bulk_create(records, batch_size=2000)
    m.ItemInstance.objects.bulk_update(instances, ["status", "is_open", "completed_at"], batch_size=1000)
    refresh_clocks(now)
    run, _findings = run_quality(bureau, None, m.QualityRun.Trigger.SCHEDULE)
    assign_tasks(run)
    return len(projects)


def _history(rng, received, current, poor, now) -> list[tuple[int, datetime]]:
    """Handling steps of one case: accepted, then maybe a correction or a special procedure, then
    (for earlier stages) completed. Open cases are left as they stand now."""
    moment = received
    history = [(S.RECEIVED, moment), (S.ACCEPTED, moment + timedelta(minutes=30))]
    moment += timedelta(hours=2)
    history.append((S.HANDLING_START, moment))
    held = False  # a correction or special procedure still open
    roll = rng.random()
    if roll < 0.25:  # a correction
        moment += timedelta(days=rng.randrange(1, 5))
        history.append((S.CORRECTION_START, moment))
        end = moment + timedelta(days=rng.randrange(2, 15))
        if end < now and not (current and rng.random() < 0.5):
            history.append((S.CORRECTION_END, end))
            moment = end
        elif poor:
            moment = end  # closed below with the correction left open: a finding
        else:
            held = True
    elif roll < 0.35:  # a special procedure (expert review, hearing)
        moment += timedelta(days=rng.randrange(1, 5))
        history.append((S.SPECIAL_START, moment))
        end = moment + timedelta(days=rng.randrange(5, 30))
        if end < now and not (current and rng.random() < 0.5):
            history.append((S.SPECIAL_END, end))
            moment = end
        else:
            held = True
    if poor and rng.random() < 0.5:
        history.append((S.CORRECTION_END, moment + timedelta(hours=1)))  # an end without its start
        moment += timedelta(hours=1)
    if not held and (not current or rng.random() < 0.3):
        done = moment + timedelta(days=rng.randrange(1, 25))
        if done < now:
            history.append((S.APPROVED if rng.random() < 0.9 else S.APPROVED_TOLERANT, done))
    return history
