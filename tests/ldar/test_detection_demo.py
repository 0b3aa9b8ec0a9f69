"""The detection demo: one round of the demo agency at the demo plant, believable and idempotent."""

import io

import pytest
from django.core.management import call_command
from django.test import Client

from lantian.core.demo import DEMO_PASSWORD
from lantian.core.models import Organization
from lantian.ldar.models import DetectionCycle, DetectionRecord, InaccessiblePoint, SealPoint, WorkOrder

pytestmark = pytest.mark.django_db


def test_the_demo_detects_the_plant_once_with_a_believable_leak_rate():
    call_command("demo", stdout=io.StringIO())
    plant = Organization.objects.get(name="渭川金泰石化有限公司")
    cycle = DetectionCycle.objects.get(enterprise=plant, round=1)  # round 2 is the repair demo's
    points = SealPoint.objects.filter(enterprise=plant, is_valid=True)
    records = DetectionRecord.objects.filter(cycle=cycle)
    assert records.count() == points.filter(accessible=True).count()
    assert InaccessiblePoint.objects.filter(cycle=cycle).count() == points.filter(accessible=False).count()
    leaks = records.filter(is_leak=True).count()
    assert 0.01 <= leaks / records.count() <= 0.03
    assert not records.filter(work_order__isnull=True).exists()
    sample = records.order_by("?").first()
    sample.full_clean()  # the demo's rows obey the rules the pages apply (the agency is approved and linked)
    call_command("demo", stdout=io.StringIO())
    assert DetectionCycle.objects.filter(enterprise=plant, round=1).count() == 1
    assert DetectionRecord.objects.filter(cycle=cycle).count() == records.count()

    client = Client()
    assert client.post("/login/", {"username": "agency", "password": DEMO_PASSWORD}).status_code == 302
    order = WorkOrder.objects.filter(cycle=cycle).first()
    page = client.get(f"/ldar/workorders/{order.pk}/walk/")
    assert page.status_code == 200 and page.context["total"] == order.plan.points().count()
