"""Test cases of the approvals models for the generated tests (tests/generic.py)."""

from lantian.approvals import actions
from lantian.approvals import models as m
from lantian.approvals.quality import assign_tasks, run_quality
from tests.approvals.factories import World, case, project
from tests.generic import Case, add_cases


def world_of(tree) -> World:
    if not hasattr(tree, "approvals"):
        tree.approvals = World(tree)
    return tree.approvals


def _first(model, build):
    def obj(tree):
        world = world_of(tree)
        return model.objects.order_by("pk").first() or build(world)

    return obj


def _completed_stage(tree):
    """A stage with both dates (an open stage's empty end would be filled before its start)."""
    stage = _first(m.ProcessStage, lambda w: w.project.process.stages.first())(tree)
    if stage.started_on and not stage.completed_on:
        stage.completed_on = stage.started_on
        stage.save(update_fields=["completed_on"])
    return stage


def _more_cases(tree, n):
    world = world_of(tree)
    for _ in range(n):
        case(world.project, world.item_planning, m.StageKind.WORKS_PLANNING)


def _more_projects(tree, n):
    world = world_of(tree)
    for _ in range(n):
        project(world.tree.city)


def _config_change(world):
    before = actions.item_settings(world.item_planning)
    world.item_planning.time_limit = 12
    world.item_planning.save()
    return actions.record_item_changes(world.item_planning, before, world.supervisor)[0]


def _run(world):
    return run_quality(world.tree.city, world.supervisor)[0]


def _finding(world):
    world.project.planned_start = None
    world.project.save()
    return _run(world).results.first()


def _task_with_findings(world):
    world.case_planning.stage = None
    world.case_planning.save()
    return assign_tasks(_run(world))[0]


def _batch(world):
    # The generated tests reach only the default database: the rows an upload would keep, written here.
    return m.ExchangeBatch.objects.create(
        organization=world.tree.city,
        direction=m.ExchangeBatch.Direction.UPLOAD,
        started_by=world.supervisor,
        rows=1,
    )


def _row(world):
    return m.ExchangeRow.objects.create(
        organization=world.planning,
        table="SPGL_XMSPSXBLXXB",
        local_key=f"BL{world.case_planning.pk}",
        state=m.ExchangeRow.State.FAILED,
        reason="[linked] 审批阶段为空",
        batch=_batch(world),
    )


def _correction(world):
    return actions.request_correction(
        world.planner, m.Correction.Target.INSTANCE, world.case_planning.pk, {"status": 11}, "系统故障未办结"
    )


def _parallel(world):
    return m.ParallelApproval.objects.create(
        project=world.project,
        stage=m.StageKind.WORKS_PLANNING,
        lead_department=world.planning,
        started_on="2026-03-02",
    )


def _joint(world):
    return m.JointAcceptance.objects.create(
        project=world.project,
        lead_department=world.housing,
        departments="住建、规划、消防",
        applied_on="2026-06-01",
    )


def _code_map(world):
    return m.CodeMap.objects.create(level="省级平台", local_code=3, target_code="23")


CITY = dict(member="city_admin", outsider="county_b_admin")

add_cases(
    Case(
        m.Project,
        _first(m.Project, lambda w: w.project),
        more=_more_projects,
        unfiltered=frozenset({"process__current_stage", "investment", "planned_completion", "updated_at"}),
        **CITY,
    ),
    Case(
        m.ApprovalProcess,
        _first(m.ApprovalProcess, lambda w: w.project.process),
        unfiltered=frozenset({"version", "started_on"}),
        **CITY,
    ),
    Case(
        m.ProcessStage,
        _completed_stage,
        unfiltered=frozenset({"started_on", "completed_on"}),
        **CITY,
    ),
    Case(
        m.ApprovalItem,
        _first(m.ApprovalItem, lambda w: w.item_planning),
        unfiltered=frozenset({"version", "time_limit"}),
        **CITY,
    ),
    Case(
        m.ItemConfigChange,
        _first(m.ItemConfigChange, _config_change),
        unfiltered=frozenset({"changed_by__name", "changed_at"}),
        **CITY,
    ),
    Case(
        m.ItemInstance,
        _first(m.ItemInstance, lambda w: w.case_planning),
        more=_more_cases,
        unfiltered=frozenset({"overdue_by"}),
        **CITY,
    ),
    Case(
        m.HandlingRecord,
        _first(m.HandlingRecord, lambda w: w.case_planning.records.first()),
        unfiltered=frozenset({"sequence"}),
        **CITY,
    ),
    Case(
        m.ParallelApproval,
        _first(m.ParallelApproval, _parallel),
        unfiltered=frozenset({"started_on", "completed_on"}),
        **CITY,
    ),
    Case(
        m.JointAcceptance,
        _first(m.JointAcceptance, _joint),
        unfiltered=frozenset({"applied_on", "completed_on"}),
        **CITY,
    ),
    Case(m.CodeMap, _first(m.CodeMap, _code_map), member="city_admin"),
    Case(
        m.QualityRun,
        _first(m.QualityRun, _run),
        unfiltered=frozenset({"started_at", "checked", "findings"}),
        **CITY,
    ),
    Case(m.QualityFinding, _first(m.QualityFinding, _finding), unfiltered=frozenset({"field"}), **CITY),
    Case(
        m.RectificationTask,
        _first(m.RectificationTask, _task_with_findings),
        unfiltered=frozenset({"findings", "due_on", "created_at"}),
        **CITY,
    ),
    Case(
        m.ExchangeBatch,
        _first(m.ExchangeBatch, _batch),
        unfiltered=frozenset({"started_at", "rows", "blocked", "failed", "accepted"}),
        **CITY,
    ),
    Case(
        m.ExchangeRow,
        _first(m.ExchangeRow, _row),
        unfiltered=frozenset({"uploads", "uploaded_at", "checked_at"}),
        **CITY,
    ),
    Case(
        m.Correction,
        _first(m.Correction, _correction),
        unfiltered=frozenset({"requested_by__name", "requested_at", "decided_by__name"}),
        **CITY,
    ),
)
