"""The ops demo builds on the core demo city, holds what the issue asks, and is idempotent."""

import pytest
from django.core.management import call_command

from lantian.ops import models as m


@pytest.mark.django_db
def test_demo_has_breaches_a_missed_inspection_and_a_failed_backup(settings):
    from lantian.core.demo import build_demo as build_city
    from lantian.ops.demo import build_demo

    settings.LANTIAN_DEMO_SCALE = "small"
    build_city()
    lines = build_demo()
    assert any("ops_lead" in line for line in lines)
    assert m.Contract.objects.count() == 2
    assert {c.levels.count() for c in m.Contract.objects.all()} == {3, 4}
    assert m.Incident.objects.filter(breached=True).exists()
    assert m.Incident.objects.filter(status=m.Incident.Status.PENDING).exists()
    assert m.InspectionRun.objects.filter(status=m.InspectionRun.Status.MISSED).exists()
    assert m.BackupRun.objects.filter(result=m.BackupRun.Result.FAILED).exists()
    assessments = m.Assessment.objects.all()
    assert assessments and all(a.deductions.exists() for a in assessments if a.month.day == 1)
    events = set(m.Deduction.objects.values_list("rule__event", flat=True))
    assert {"sla_breach", "missed_inspection", "backup_missing", "absence"} <= events
    assert m.ContractContact.objects.count() == 4
    assert m.Escalation.objects.filter(threshold="breached").exists()  # open incidents past their target
    count = m.Incident.objects.count()
    build_demo()
    assert m.Incident.objects.count() == count
    call_command("check")
