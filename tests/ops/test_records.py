"""Inspections recorded from a form (with photos), missed runs flagged, staff changes decided by the
client, maintenance windows approved only by the client."""

from datetime import date, datetime, time, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from lantian.ops import models as m
from lantian.ops.forms import MaintenanceWindowForm
from lantian.ops.inspections import is_due, record_run, schedule_and_flag
from tests.conftest import make_user
from tests.ops import helpers as h

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def test_record_run_all_or_nothing(tree):
    run = h.run_of(h.contract_of(tree))
    bad = {"item-0": "pass", "item-1": "fail", "note-1": "", "item-2": "maybe"}
    with pytest.raises(ValidationError) as error:
        record_run(run, bad, {"photo-0": SimpleUploadedFile("x.gif", b"GIF89a")}, tree.ops)
    text = " ".join(error.value.messages)
    assert "Item 2" in text or "第 2 项" in text
    assert len(error.value.messages) == 3 and not run.results.exists()
    record_run(
        run,
        {"item-0": "pass", "item-1": "fail", "note-1": "登录超时"},
        {"photo-1": SimpleUploadedFile("a.png", PNG)},
        tree.ops,
    )
    run.refresh_from_db()
    assert run.status == m.InspectionRun.Status.DONE and run.performed_by == tree.ops
    results = list(run.results.order_by("position"))
    assert [r.passed for r in results] == [True, False, None]
    assert results[1].photo.name.endswith("item-1.png")


def test_schedule_and_flag_missed(tree):
    contract = h.contract_of(tree)
    daily = h.template_of(contract, due_time=time(8, 30))
    weekly = h.template_of(contract, frequency="weekly", weekday=0, due_time=time(17, 0))
    workday = lambda day: day.weekday() < 5  # noqa: E731
    assert is_due(weekly, date(2026, 3, 2), workday) and not is_due(weekly, date(2026, 3, 3), workday)
    monthly = h.template_of(contract, frequency="monthly")
    assert is_due(monthly, date(2026, 3, 2), workday) and not is_due(monthly, date(2026, 3, 1), workday)
    now = timezone.make_aware(datetime(2026, 3, 4, 9, 0))  # Wednesday, after 8:30
    created, flagged = schedule_and_flag(now, workday, horizon_days=2)
    assert created == 3 + 1 + 1  # Mon–Wed daily runs, Monday's weekly and 2 March's monthly run
    assert flagged == 5  # all of them are past their time
    assert m.InspectionRun.objects.filter(template=daily, status="missed").count() == 3
    assert schedule_and_flag(now, workday, horizon_days=2) == (0, 0)


def test_staff_change_decided_by_the_client(tree, login):
    change = h.staff_change_of(h.contract_of(tree))
    ops = login(tree.ops)
    assert 'value="approved"' not in ops.get(change.get_absolute_url()).content.decode()
    assert ops.post(change.get_absolute_url(), {"action": "approved"}).status_code == 403
    supervisor = make_user("lead", tree.city, "ops_supervisor")
    ops.logout()
    client = login(supervisor)
    assert client.post(change.get_absolute_url(), {"action": "approved"}).status_code == 302
    change.refresh_from_db()
    assert change.decision == "approved" and change.decided_on == timezone.localdate()


def test_only_the_client_approves_maintenance(tree):
    contract = h.contract_of(tree)
    service = h.service_of(contract)
    start = timezone.now()
    data = {
        "service": service.pk,
        "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (start + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        "reason": "升级",
        "approved": "on",
    }
    form = MaintenanceWindowForm(data, user=tree.ops, action="add")
    assert form.is_valid(), form.errors
    assert form.save().approved is False
    supervisor = make_user("lead", tree.city, "ops_supervisor")
    form = MaintenanceWindowForm(data, user=supervisor, action="add")
    assert form.fields["approved"].disabled is False
