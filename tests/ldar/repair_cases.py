"""Test cases of the repair models for the generated tests (imported by tests/ldar/cases.py)."""

from lantian.ldar.models.repair import (
    AvoInspection,
    DelayedRepair,
    DetectionDue,
    RepairMonth,
    RepairOrder,
    RepairTask,
    SpotCheck,
    SpotCheckReading,
)
from tests.generic import Case, add_cases
from tests.ldar import repair_factories as f


def repair(tree) -> f.Repair:
    """The repair rows of the tree, built once per test however often a case asks for them."""
    from tests.ldar.cases import detection

    if not hasattr(tree, "ldar_repair"):
        tree.ldar_repair = f.Repair(detection(tree))
    return tree.ldar_repair


def case(model, attribute, more, unfiltered=()):
    def more_rows(tree, n):
        more(repair(tree), n)

    return Case(
        model,
        lambda t: getattr(repair(t), attribute),
        member="county_a_admin",
        outsider="county_b_admin",
        more=more_rows,
        unfiltered=frozenset(unfiltered),
    )


add_cases(
    case(RepairTask, "task", f.more_tasks),
    # the task's unit, area, type and delay are filtered as unit, area, seal_type and delayed
    case(DelayedRepair, "delay", f.more_delays, {"task__unit__name", "task__area__name"}),
    case(
        RepairOrder,
        "order",
        f.more_orders,
        {"task__unit__name", "task__area__name", "task__seal_type__name", "task__delayed"},
    ),
    case(AvoInspection, "avo", f.more_avo),
    case(DetectionDue, "due", f.more_dues),
    case(
        RepairMonth,
        "month",
        f.more_months,
        {"detected", "leaking", "repaired_on_time", "repaired_late", "delayed", "still_open"},
    ),
    case(SpotCheck, "spot_check", f.more_spot_checks, {"inspectors", "sampled", "leaking", "outside_window"}),
    case(SpotCheckReading, "spot_reading", f.more_spot_readings, {"background", "reading"}),
)
