"""The demo: projects in every stage and district, cases overdue, under correction and under special
procedure, one department with poor data quality; running it twice changes nothing."""

import pytest
from django.db.models import Count

from lantian.approvals import models as m
from lantian.approvals.demo import POOR, build_demo
from lantian.approvals.quality import department_scores
from lantian.approvals.standards import status as S
from lantian.core import demo as core_demo
from lantian.core.models import Organization

pytestmark = pytest.mark.django_db


def test_the_demo_has_every_situation_and_is_idempotent():
    core_demo.build_demo()
    lines = build_demo()
    assert any("shenpi" in line for line in lines)
    assert set(m.ApprovalProcess.objects.values_list("current_stage", flat=True)) == {1, 2, 3, 4}
    assert m.Project.objects.values("division").distinct().count() == 3
    cases = m.ItemInstance.objects.filter(is_open=True)
    assert cases.filter(clock_state="overdue").exists()
    assert cases.filter(suspended=True, status=S.CORRECTION_START).exists()
    assert cases.filter(suspended=True, status=S.SPECIAL_START).exists()
    assert m.ParallelApproval.objects.exists() and m.JointAcceptance.objects.exists()
    run = m.QualityRun.objects.get()
    departments = Organization.objects.filter(kind="department", approval_items__isnull=False).distinct()
    scores = department_scores(departments, run)
    assert scores[0]["department"].name == "渭川市人民防空办公室" and POOR == "rfb"
    assert scores[0]["score"] < scores[-1]["score"]
    assert m.RectificationTask.objects.filter(department=scores[0]["department"]).exists()
    counts = [model.objects.count() for model in (m.Project, m.ItemInstance, m.HandlingRecord, m.QualityRun)]
    build_demo()
    assert [
        model.objects.count() for model in (m.Project, m.ItemInstance, m.HandlingRecord, m.QualityRun)
    ] == counts
    assert m.ItemInstance.objects.values("department").annotate(n=Count("pk")).count() == 6
