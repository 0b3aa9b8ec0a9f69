"""The repair demo: a year at the demo plant by the two demo agencies, believable and idempotent."""

import io

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from lantian.core.demo import DEMO_PASSWORD
from lantian.core.models import Organization, ReviewStatus
from lantian.core.todo import items_for
from lantian.ldar.models import DetectionCycle, DetectionRecord
from lantian.ldar.models.repair import (
    AvoInspection,
    DelayedRepair,
    DetectionDue,
    RepairMonth,
    RepairOrder,
    RepairTask,
    SpotCheck,
)

pytestmark = pytest.mark.django_db


def test_the_demo_repairs_a_year_of_leaks_once():
    call_command("demo", stdout=io.StringIO())
    plant = Organization.objects.get(name="渭川金泰石化有限公司")
    cycles = DetectionCycle.objects.filter(enterprise=plant, year=2026).order_by("round")
    assert [c.round for c in cycles] == [1, 2] and cycles[0].agency_id != cycles[1].agency_id
    second = DetectionRecord.objects.filter(cycle=cycles[1])
    assert 0.01 <= second.filter(is_leak=True).count() / second.count() <= 0.03
    tasks = RepairTask.objects.filter(enterprise=plant)
    assert tasks.count() >= DetectionRecord.objects.filter(enterprise=plant, is_leak=True).count() - 4
    assert tasks.filter(state="repaired", late=False).exists() and tasks.filter(late=True).exists()
    assert tasks.filter(delayed=True, state="repaired").exists()
    assert tasks.filter(overdue=True).exists() and tasks.filter(repeated=True).count() >= 2
    assert DelayedRepair.objects.filter(enterprise=plant, status=ReviewStatus.SUBMITTED).count() == 1
    assert RepairOrder.objects.filter(result="failed").exists()
    for order in RepairOrder.objects.filter(enterprise=plant, retest__isnull=False).select_related(
        "task", "retest"
    )[:50]:
        assert order.retest.detection_id == order.task.detection_id
    assert AvoInspection.objects.filter(enterprise=plant, finding="dripping").count() == 2
    check = SpotCheck.objects.get(enterprise=plant)
    assert check.sampled == 60 and check.leaking >= 1 and not check.violation
    assert (
        DetectionDue.objects.filter(enterprise=plant).exists()
        and RepairMonth.objects.filter(enterprise=plant).exists()
    )
    before = (tasks.count(), RepairOrder.objects.count(), AvoInspection.objects.count())
    call_command("demo", stdout=io.StringIO())
    assert (tasks.count(), RepairOrder.objects.count(), AvoInspection.objects.count()) == before

    client = Client()
    assert client.post("/login/", {"username": "bureau", "password": DEMO_PASSWORD}).status_code == 302
    assert any(item.kind == "overdue" for item in items_for(client.get("/").wsgi_request.user))
    delay = DelayedRepair.objects.get(status=ReviewStatus.SUBMITTED)
    assert delay.get_absolute_url() in client.get(reverse("core:todo")).content.decode()
