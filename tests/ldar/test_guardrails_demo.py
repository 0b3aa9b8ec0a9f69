"""The demo's planted falsified work: the guard rails catch the work orders of 陕西清源检测 at 渭川宏远化工
whose readings heap under the threshold and whose inspector walks too fast, say why, and leave every
clean work order (its own others and all of 华测's) without a flag."""

import pytest
from django.test import Client

from lantian.core import demo as core_demo
from lantian.core.demo import DEMO_PASSWORD
from lantian.core.models import Organization
from lantian.ldar import demo as ldar_demo
from lantian.ldar.demo_detection import PLANT as DETECTION_PLANT
from lantian.ldar.demo_guardrails import AGENCY, HEAPED, PLANT
from lantian.ldar.models import GuardRailFlag, WorkOrder, WorkOrderCheck

pytestmark = pytest.mark.django_db


def test_the_guard_rails_catch_the_planted_work_orders_and_explain_why():
    core_demo.build_demo()  # the city, its enterprises and agencies
    summary = ldar_demo.build_demo()
    assert any(AGENCY in line for line in summary)
    plant = Organization.objects.get(name=PLANT)
    orders = list(WorkOrder.objects.filter(enterprise=plant).order_by("plan__area_id"))
    assert len(orders) > HEAPED + 1 and all(o.agency.name == AGENCY for o in orders)
    rules = {
        o.pk: set(GuardRailFlag.objects.filter(work_order=o).values_list("rule", flat=True)) for o in orders
    }
    for order in orders[:HEAPED]:
        assert rules[order.pk] == {"heaped_under_threshold"}
        flag = GuardRailFlag.objects.get(work_order=order)
        evidence = flag.evidence
        assert evidence["count"] >= 5 and float(evidence["share"]) > 10 and float(evidence["p"]) < 0.001
        assert str(evidence["count"]) in flag.text and evidence["p"] in flag.text
    walk = orders[HEAPED]
    assert rules[walk.pk] == {"fast_walk", "impossible_times"}
    fast = GuardRailFlag.objects.filter(work_order=walk, rule="fast_walk").first()
    assert fast.other_record_id is not None and float(fast.evidence["speed"]) > 2
    for order in orders[HEAPED + 1 :]:
        assert rules[order.pk] == set(), order
    clean = WorkOrder.objects.filter(  # 华测's honest round at 渭川金泰石化 (demo_detection)
        enterprise__name=DETECTION_PLANT, cycle__year=2026, cycle__round=1, records__isnull=False
    ).distinct()
    assert clean.exists()
    assert not GuardRailFlag.objects.filter(work_order__in=clean).exists()
    assert WorkOrderCheck.objects.filter(work_order__in=clean).count() == clean.count()

    flagged = GuardRailFlag.objects.count()
    ldar_demo.build_demo()  # idempotent
    assert GuardRailFlag.objects.count() == flagged

    client = Client()
    assert client.post("/login/", {"username": "bureau", "password": DEMO_PASSWORD}).status_code == 302
    page = client.get("/ldar/guardrails/agencies/")
    [row] = [r for r in page.context["rows"] if r["agency"].name == AGENCY]
    assert row["orders"] == HEAPED + 1
