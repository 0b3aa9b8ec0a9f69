"""The demo township: built after the core demo city, every state present, idempotent."""

from django.db.models import Count

from lantian.cases import demo
from lantian.cases.models import Case, CaseEvent
from lantian.core.demo import build_demo as build_city
from lantian.core.models import User


def test_the_demo_builds_every_state_once(db, settings):
    settings.LANTIAN_DEMO_SCALE = "small"
    build_city()
    lines = demo.build_demo()
    assert "40 件新生成案卷" in lines[0]
    states = set(Case.objects.values_list("state", flat=True))
    assert states == {"open", "parked", "closed", "cancelled"}
    assert Case.objects.filter(clock="overdue").exists() and Case.objects.filter(rework_count__gt=0).exists()
    # Every case has its report and every closed case a transition into the closing step.
    assert not Case.objects.annotate(n=Count("events")).filter(n=0).exists()
    closed = Case.objects.filter(state="closed")
    assert CaseEvent.objects.filter(case__in=closed, target_step="closed").count() == closed.count()
    assert User.objects.filter(username__startswith="rh_").count() == 7
    again = demo.build_demo()
    assert "0 件新生成案卷" in again[0] and Case.objects.count() == 40
