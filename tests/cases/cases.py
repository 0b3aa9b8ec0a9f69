"""Test cases of the command centre's models for the generated tests (tests/generic.py)."""

import itertools
from decimal import Decimal

from django.utils import timezone

from lantian.cases import actions
from lantian.cases.models import Case, Category, Grid, Workflow
from lantian.core.models import Organization
from tests.conftest import make_org
from tests.generic import Case as TestCase
from tests.generic import add_cases

SERIAL = itertools.count(1)


def _centre(tree):
    centre = Organization.objects.filter(name="甲县指挥中心").first()
    return centre or make_org("甲县指挥中心", Organization.Kind.REGULATOR, tree.county_a, "610323")


def _grid(tree):
    return Grid.objects.create(
        organization=_centre(tree), code=f"6103230010{next(SERIAL):02d}", name="甲县一号网格",
        south=Decimal("34.40"), west=Decimal("107.60"), north=Decimal("34.42"), east=Decimal("107.62"),
    )  # fmt: skip


def _case(tree):
    report = actions.Report(
        organization=_centre(tree), category=Category.objects.get(code="E0302"), channel="hotline",
        description="工地扬尘", address="甲县幸福路 1 号", reporter_name="李四",
    )  # fmt: skip
    return actions.report_case(report)


def _more_cases(tree, n):
    first = _case(tree)
    now = timezone.now()
    Case.objects.bulk_create(
        Case(
            number=f"AJ2099{next(SERIAL):08d}", organization=first.organization, channel="hotline",
            category=first.category, workflow_version=first.workflow_version, step=first.step,
            step_name=first.step_name, description="测试", token=f"{next(SERIAL):032d}", created_at=now,
            step_started_at=now,
        )
        for _ in range(n - 1)
    )  # fmt: skip


def _more_grids(tree, n):
    for _ in range(n):
        _grid(tree)


def _workflow(tree):
    return Workflow.objects.get(code="standard")


def _more_workflows(tree, n):
    Workflow.objects.bulk_create(
        Workflow(code=f"wf{next(SERIAL)}", name=f"流程{next(SERIAL)}") for _ in range(n)
    )


def _more_categories(tree, n):
    parent = Category.objects.get(code="E03")
    Category.objects.bulk_create(
        Category(kind="event", parent=parent, code=f"X{next(SERIAL):04d}", name="测试小类") for _ in range(n)
    )


add_cases(
    TestCase(
        Case, _case, member="county_a_admin", outsider="county_b_admin", more=_more_cases,
        unfiltered=frozenset({"number", "address", "reporter_name", "due_at", "created_at", "closed_at",
                              "rework_count", "extension_count", "urge_count"}),
    ),
    TestCase(Grid, _grid, member="county_a_admin", outsider="county_b_admin", more=_more_grids,
             unfiltered=frozenset({"worker"})),
    TestCase(Workflow, _workflow, member="county_a_admin", more=_more_workflows,
             unfiltered=frozenset({"published", "updated_at"})),
    TestCase(Category, lambda tree: Category.objects.get(code="E0302"), member="county_a_admin",
             more=_more_categories),
)  # fmt: skip
