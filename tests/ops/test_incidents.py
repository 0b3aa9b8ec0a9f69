"""Incidents on their pages and through their actions: clocks stored from the kernel, pauses recorded,
breaches computed, escalation in the to-do centre, the periodic job."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from lantian.core.todo import items_for
from lantian.ops import actions, clocks
from lantian.ops.jobs import refresh_clocks
from lantian.ops.models import ClockState, Contract, Incident, IncidentPause
from tests.ops import helpers as h


@pytest.fixture
def contract(tree):
    return h.contract_of(tree)


def test_respond_pause_resume_resolve(contract, tree):
    start = timezone.now() - timedelta(hours=3)
    incident = h.incident_of(contract, rank=2, reported_at=start)  # serious: own 30 min, resolve 24 h
    assert incident.own_state == ClockState.BREACHED  # three hours without a response
    actions.pause(incident, "等待甲方确认", tree.ops, at=start + timedelta(minutes=10))
    incident.refresh_from_db()
    assert incident.status == Incident.Status.PENDING
    reading = clocks.readings(incident)["own"]
    assert reading.paused and reading.elapsed_minutes == pytest.approx(10)
    actions.resume(incident, at=start + timedelta(minutes=150))
    actions.record_event(incident, "respond", start + timedelta(minutes=165))
    incident.refresh_from_db()
    assert incident.own_state == ClockState.WARNING  # 10 + 15 = 25 of 30 minutes
    with pytest.raises(ValidationError, match="根本原因"):
        actions.record_event(incident, "resolve", start + timedelta(minutes=170))
    actions.record_event(incident, "resolve", start + timedelta(minutes=170), root_cause="磁盘满")
    incident.refresh_from_db()
    assert incident.status == Incident.Status.RESOLVED and not incident.breached
    assert incident.report_due_at == incident.resolved_at + timedelta(hours=24)
    assert IncidentPause.objects.filter(incident=incident).count() == 1


def test_event_rules(contract, tree):
    incident = h.incident_of(contract)
    with pytest.raises(ValidationError, match="早于报告时间"):
        actions.record_event(incident, "respond", incident.reported_at - timedelta(minutes=1))
    actions.record_event(incident, "respond")
    with pytest.raises(ValidationError, match="已记录"):
        actions.record_event(incident, "respond")
    with pytest.raises(ValidationError, match="等待甲方的原因"):
        actions.pause(incident, "  ", tree.ops)


def test_office_hours_contract_counts_working_time(tree):
    contract = h.contract_of(tree, calendar=Contract.Calendar.OFFICE, number="YW-OFFICE")
    # Reported Friday 2026-03-06 17:00; responded Monday 09:20: 30 + 20 = 50 office minutes.
    incident = h.incident_of(
        contract, rank=2, reported_at=h.aware(2026, 3, 6, 17, 0), responded_at=h.aware(2026, 3, 9, 9, 20)
    )
    assert clocks.readings(incident)["own"].elapsed_minutes == pytest.approx(50)
    assert incident.own_state == ClockState.BREACHED


def test_page_shows_clocks_and_takes_actions(contract, tree, login):
    incident = h.incident_of(contract, rank=1, reported_at=timezone.now() - timedelta(minutes=20))
    client = login(tree.ops)
    page = client.get(incident.get_absolute_url()).content.decode()
    assert 'data-clock="own"' in page and 'data-clock="restore"' in page and 'data-clock="resolve"' in page
    response = client.post(incident.get_absolute_url(), {"action": "pause", "reason": "等待甲方"})
    assert response.status_code == 302
    assert incident.pauses.get().reason == "等待甲方"
    client.logout()
    outsider = login(tree.county_b_admin)
    assert outsider.post(incident.get_absolute_url(), {"action": "resume"}).status_code == 404


def test_form_edit_recomputes_breach(contract, tree, login):
    incident = h.incident_of(contract, rank=3, reported_at=timezone.now() - timedelta(minutes=60))
    assert incident.breached  # no response after an hour
    incident.responded_at = incident.reported_at + timedelta(minutes=20)  # target 30
    incident.save()
    incident.refresh_from_db()
    assert not incident.breached and incident.own_state == ClockState.OK
    incident.responded_at = incident.reported_at + timedelta(minutes=45)
    incident.save()
    incident.refresh_from_db()
    assert incident.breached and incident.own_state == ClockState.BREACHED


def test_periodic_job_and_escalation(contract, tree):
    incident = h.incident_of(contract, rank=3, reported_at=timezone.now() - timedelta(minutes=5))
    assert incident.own_state == ClockState.OK
    summary = refresh_clocks(timezone.now() + timedelta(minutes=20))  # 25 of 30 minutes: warning
    assert "1 changed" in summary
    incident.refresh_from_db()
    assert incident.own_state == ClockState.WARNING
    titles = [item.title for item in items_for(tree.ops)]
    assert str(incident) in titles
    assert str(incident) not in [item.title for item in items_for(tree.county_b_admin)]
