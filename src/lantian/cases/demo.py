"""The command centre's demo: the township 仁和镇 under the demo city, its departments, six unit grids,
one account per role, and cases over the last three months in every state (some overdue, some
reworked), built in bulk with their timelines. "small" scale (tests): about forty cases; "full":
about four hundred. Idempotent: the cases are generated once."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

import numpy as np
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from lantian.cases import clock, roles
from lantian.cases.models import Case, CaseEvent, Category, Grid, State, Workflow, WorkflowVersion
from lantian.cases.periodic import refresh_clocks
from lantian.core.demo import demo_account, demo_organization
from lantian.core.models import Organization
from lantian.core.worktime import calendar

DIVISION = "610302"  # 渭滨区 (the demo city stands on 宝鸡市's divisions)
SOUTH, WEST = 34.3000, 107.1000  # the town's south-west corner; about 6.6 km × 6.4 km
GRID_ROWS, GRID_COLUMNS, GRID_SIZE = 2, 3, (0.029, 0.023)  # degrees of latitude, longitude

DEPARTMENTS = ("仁和镇城管执法中队", "仁和镇市政维护所", "仁和镇环卫所", "仁和镇园林绿化站")
ADDRESSES = ("幸福路", "仁和大街", "学府路", "滨河东路", "西街", "农贸市场", "工业园区一路", "文化广场")
DESCRIPTIONS = {
    "component": "{name}损坏，影响通行安全，请尽快处理。",
    "event": "发现{name}问题，现场情况已拍照，请派员处置。",
}


@dataclass
class Staff:
    grid_workers: list
    operator: object
    dispatcher: object
    handlers: dict  # department name → handler
    leader: object
    lines: list = field(default_factory=list)


def build_demo() -> list[str]:
    from lantian.cases.seed import load_seed

    with transaction.atomic():
        # the seed's workflows and categories, if a test database's flush removed what the migration loaded
        load_seed(Workflow, WorkflowVersion, Category)
        city = Organization.objects.get(name="渭川市生态环境局")
        centre = demo_organization(
            "仁和镇综合行政执法指挥中心", Organization.Kind.REGULATOR, city, DIVISION,
            short_name="仁和镇指挥中心", address="渭川市渭滨区仁和镇仁和大街 1 号", contact_person="周海",
            contact_phone="0917-3551234", latitude=Decimal("34.3290"), longitude=Decimal("107.1345"),
        )  # fmt: skip
        departments = [
            demo_organization(name, Organization.Kind.DEPARTMENT, centre, DIVISION) for name in DEPARTMENTS
        ]
        staff = _accounts(centre, departments)
        grids = _grids(centre, staff.grid_workers)
        made = 0
        if not Case.objects.filter(organization=centre).exists():
            made = _cases(centre, departments, grids, staff)
    return [
        f"仁和镇指挥中心：{len(departments)} 个处置部门、{len(grids)} 个单元网格、{made} 件新生成案卷",
        *staff.lines,
    ]


def _accounts(centre, departments) -> Staff:
    lines = []

    def account(username, name, organization, role):
        lines.append(demo_account(username, name, organization, role))
        from lantian.core.models import User

        return User.objects.get(username=username)

    staff = Staff(
        grid_workers=[
            account("rh_grid1", "王小军", centre, roles.GRID_WORKER),
            account("rh_grid2", "刘芳", centre, roles.GRID_WORKER),
        ],
        operator=account("rh_operator", "陈静", centre, roles.OPERATOR),
        dispatcher=account("rh_dispatch", "赵磊", centre, roles.DISPATCHER),
        handlers={
            departments[0].name: account("rh_street", "孙强", departments[0], roles.HANDLER),
            departments[1].name: account("rh_works", "李伟", departments[1], roles.HANDLER),
        },
        leader=account("rh_leader", "周海", centre, roles.LEADER),
    )
    staff.lines = lines
    return staff


def _grids(centre, workers) -> list[Grid]:
    grids = []
    for row in range(GRID_ROWS):
        for column in range(GRID_COLUMNS):
            number = row * GRID_COLUMNS + column + 1
            south = Decimal(str(round(SOUTH + row * GRID_SIZE[0], 6)))
            west = Decimal(str(round(WEST + column * GRID_SIZE[1], 6)))
            grid, _created = Grid.objects.update_or_create(
                code=f"{DIVISION}101001{number:03d}",
                defaults={
                    "organization": centre, "name": f"仁和镇第{number}网格",
                    "worker": workers[(number - 1) % len(workers)], "south": south, "west": west,
                    "north": south + Decimal(str(GRID_SIZE[0])), "east": west + Decimal(str(GRID_SIZE[1])),
                },
            )  # fmt: skip
            grids.append(grid)
    return grids


def _cases(centre, departments, grids, staff: Staff) -> int:
    """Cases over 90 days, each walked through its workflow by the staff, with its timeline."""
    count = 40 if settings.LANTIAN_DEMO_SCALE == "small" else 400
    rng = np.random.default_rng(20260309)
    cal = calendar()
    now = timezone.now()
    minors = list(Category.objects.exclude(parent=None).filter(workflow__published__isnull=False))
    versions = {
        w.pk: w.published for w in Workflow.objects.exclude(published=None).select_related("published")
    }
    # Older cases are mostly done; the last days' are still moving. Share of cases that stop early:
    ages = np.sort(rng.uniform(0.2, 90, count))[::-1]
    cases, timelines = [], []
    serial: dict[str, int] = {}
    for index, age in enumerate(ages):
        start = now - timedelta(days=float(age))
        category = minors[rng.integers(len(minors))]
        version = versions[category.workflow_id]
        grid = grids[rng.integers(len(grids))]
        lat = float(grid.south) + rng.uniform(0.1, 0.9) * GRID_SIZE[0]
        lng = float(grid.west) + rng.uniform(0.1, 0.9) * GRID_SIZE[1]
        channel = rng.choice(["grid", "grid", "grid", "hotline", "public", "video"])
        reporter = grid.worker if channel == "grid" else staff.operator
        day = timezone.localtime(start).strftime("%Y%m%d")
        serial[day] = serial.get(day, 0) + 1
        case = Case(
            number=f"AJ{day}{serial[day]:04d}", organization=centre, channel=channel, category=category,
            workflow_version=version, description=DESCRIPTIONS[category.kind].format(name=category.name),
            address=f"仁和镇{ADDRESSES[index % len(ADDRESSES)]}{rng.integers(1, 200)}号",
            lat=Decimal(f"{lat:.6f}"), lng=Decimal(f"{lng:.6f}"), grid=grid,
            reporter=reporter, reporter_name=reporter.name if channel != "public" else "群众",
            reporter_phone="13900000000" if channel in ("hotline", "public") else "",
            field_worker=grid.worker,
            token=secrets.token_hex(16), created_at=start, step_started_at=start,
        )  # fmt: skip
        # Every state shows at every scale: one case is parked, one cancelled.
        force = "park" if index == count - 2 else "cancel" if index == count // 3 else ""
        events = _walk(case, version.parsed, cal, rng, now, departments, staff, force)
        cases.append(case)
        timelines.append(events)
    Case.objects.bulk_create(cases)
    for case, events in zip(cases, timelines, strict=True):
        for event in events:
            event.case = case
    CaseEvent.objects.bulk_create([event for events in timelines for event in events])
    refresh_clocks(now)
    return len(cases)


def _walk(
    case: Case, definition, cal, rng, now: datetime, departments, staff: Staff, force=""
) -> list[CaseEvent]:
    """Move ``case`` along its workflow from its report until now (or an early stop); the events."""
    at = case.created_at
    step = definition.step(definition.start)
    events = [_event(case, "report", step, None, case.reporter, at, "上报", case.description)]
    # Recent cases stop anywhere on their way; of the older ones a few are stuck (overdue) at a step.
    recent = now - case.created_at < timedelta(days=12)
    stuck = recent or rng.random() < 0.06
    stop_after = rng.choice([99, 99, 1, 2, 3, 4]) if stuck else 99
    reworked = rng.random() < 0.12
    parked = force == "park" or rng.random() < 0.04
    cancelled = force == "cancel" or rng.random() < 0.05
    moves = 0
    while True:
        limit, unit = case.category.limit_for(step)
        due = clock.due_time(cal, at, limit, unit)
        case.step, case.step_name, case.step_started_at = step.code, step.name, at
        case.due_at, case.warn_at = due, clock.warning_time(cal, at, due)
        if cancelled and step.code == definition.start:
            ended = at + timedelta(minutes=30)
            events.append(
                _event(case, "cancel", step, None, staff.operator, ended, "作废", "经核实不属于受理范围")
            )
            case.state, case.closed_at = State.CANCELLED, ended
            case.due_at = case.warn_at = None
            return events
        if step.terminal:
            case.state, case.closed_at, case.due_at, case.warn_at = State.CLOSED, at, None, None
            return events
        # Most steps take 20–90 % of their limit; one in eight runs late.
        span = (due - at) if due else timedelta(hours=2)
        share = rng.uniform(1.1, 2.0) if rng.random() < 0.125 else rng.uniform(0.2, 0.9)
        finish = at + span * share
        if finish > now or moves >= stop_after or (force == "park" and step.by_department):
            if parked and step.by_department:
                case.state, case.parked_at = State.PARKED, min(now, at + span * 0.3)
                events.append(_event(case, "park", step, None, staff.dispatcher, case.parked_at, "挂账",
                                     "需协调产权单位，暂缓处置"))  # fmt: skip
            return events
        target = _next(definition, step, reworked and moves < 8 and case.rework_count == 0)
        actor = _actor(step, case, staff, departments, rng)
        department = None
        if step.dispatch:
            case.department = departments[rng.integers(2)]
            department = case.department
        if target.code in {e.step for e in events if e.kind == "transition"}:
            case.rework_count += 1
        move = definition.transition(step.code, target.code)
        sent_back = target.by_department and step.role == roles.GRID_WORKER
        opinion = "核查未通过，需返工" if sent_back else "已办理"
        event = _event(case, "transition", step, target, actor, finish, move.name, opinion, department)
        event.step_due_at, event.on_time = due, due is None or finish <= due
        events.append(event)
        at, step, moves = finish, target, moves + 1


def _next(definition, step, rework: bool):
    moves = definition.outgoing(step.code)
    checking = step.role == roles.GRID_WORKER
    back = [m for m in moves if checking and definition.step(m.target).by_department]
    if rework and back:
        return definition.step(back[0].target)
    forward = [m for m in moves if m not in back]
    # Prefer the move that leads on (register → dispatch rather than → verify) most of the time.
    return definition.step(
        forward[-1].target if len(forward) > 1 and step.code == "register" else forward[0].target
    )


def _actor(step, case, staff: Staff, departments, rng):
    if step.role == roles.GRID_WORKER:
        return case.field_worker
    if step.role == roles.HANDLER:
        return staff.handlers.get(case.department.name)
    return {roles.OPERATOR: staff.operator, roles.DISPATCHER: staff.dispatcher}.get(step.role, staff.operator)


def _event(case, kind, step, target, actor, at, name, opinion, department=None) -> CaseEvent:
    return CaseEvent(
        kind=kind, step=step.code, step_name=step.name, target_step=target.code if target else "",
        target_name=target.name if target else "", name=name, actor=actor,
        actor_name=actor.name if actor else "", at=at, opinion=opinion, department=department,
        step_due_at=case.due_at,
    )  # fmt: skip
