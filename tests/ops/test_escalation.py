"""Escalation of an incident to the contract's contacts on a hand-built timeline: each threshold of each
clock recorded and e-mailed once, whatever how often the periodic job runs; pauses honoured; a warning
after the clock stopped is not sent, a breach first seen is sent alone; failures kept and retried."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.utils import timezone

from lantian.ops import escalation
from lantian.ops.jobs import refresh_clocks
from lantian.ops.models import ContractContact, Escalation, EscalationNotice, Incident, IncidentPause
from tests.ops import helpers as h

WARNING = ContractContact.Escalate.WARNING
BREACH = ContractContact.Escalate.BREACH


class FailingBackend(BaseEmailBackend):
    def send_messages(self, messages):
        raise ConnectionRefusedError("mail server down")


@pytest.fixture
def contract(tree):
    contract = h.contract_of(tree)
    h.contact_of(contract, name="王主任", email="wang@example.gov.cn", escalate=WARNING)
    h.contact_of(contract, name="赵科长", email="", escalate=WARNING)  # told on the page only
    h.contact_of(contract, name="钱工", email="qian@example.gov.cn", escalate=BREACH)
    h.contact_of(contract, name="孙工", email="sun@example.gov.cn", escalate=ContractContact.Escalate.NEVER)
    return contract


@pytest.fixture
def run_job(django_capture_on_commit_callbacks):
    """The periodic job at ``start + minutes``; e-mails go out when its transaction commits."""

    def run(start, minutes):
        with django_capture_on_commit_callbacks(execute=True):
            refresh_clocks(start + timedelta(minutes=minutes))

    return run


def recorded(incident):
    return sorted(incident.escalations.values_list("clock", "threshold"))


def test_thresholds_once_each_with_a_pause(contract, run_job):
    # Medium (一般): own 30 min, resolve 12 h = 720 min, 24×7. Reported now; pending from +5 to +15
    # (10 minutes left out), so time to own warns at 22.5 counted = +32.5 and breaches after +40.
    start = timezone.now().replace(microsecond=0)
    incident = h.incident_of(contract, rank=3, reported_at=start)
    IncidentPause.objects.create(
        incident=incident,
        started_at=start + timedelta(minutes=5),
        ended_at=start + timedelta(minutes=15),
        reason="等待甲方",
    )
    for minutes in (10, 20, 32):
        run_job(start, minutes)
    assert recorded(incident) == [] and mail.outbox == []

    run_job(start, 33)  # 23 of 30 counted
    assert recorded(incident) == [("own", "warning")]
    warning = incident.escalations.get()
    assert warning.elapsed_minutes == pytest.approx(23) and warning.target_minutes == 30
    assert sorted(warning.notices.values_list("name", flat=True)) == ["王主任", "赵科长"]
    assert [message.to for message in mail.outbox] == [["wang@example.gov.cn"]]
    assert incident.number in mail.outbox[0].subject and "预警" in mail.outbox[0].subject

    for minutes in (34, 38, 40):  # 24, 28, 30 counted: at the target, not past it
        run_job(start, minutes)
    assert recorded(incident) == [("own", "warning")] and len(mail.outbox) == 1

    run_job(start, 41)  # 31 counted: breached
    assert recorded(incident) == [("own", "breached"), ("own", "warning")]
    breach = incident.escalations.get(threshold="breached")
    assert sorted(breach.notices.values_list("name", flat=True)) == ["王主任", "赵科长", "钱工"]
    emailed = sorted(message.to[0] for message in mail.outbox[1:])
    assert emailed == ["qian@example.gov.cn", "wang@example.gov.cn"]
    run_job(start, 42)
    run_job(start, 60)
    assert len(mail.outbox) == 3

    # Responded at +45 (late: the own clock stays breached, stopped). Resolve: 720 min target, 75 % =
    # 540 counted = +550, breach after 730 counted = +740.
    Incident.objects.filter(pk=incident.pk).update(responded_at=start + timedelta(minutes=45))
    for minutes in (100, 549):
        run_job(start, minutes)
    assert len(recorded(incident)) == 2
    run_job(start, 551)
    run_job(start, 552)
    assert ("resolve", "warning") in recorded(incident) and len(mail.outbox) == 4
    run_job(start, 741)
    run_job(start, 800)
    assert recorded(incident) == [
        ("own", "breached"),
        ("own", "warning"),
        ("resolve", "breached"),
        ("resolve", "warning"),
    ]
    assert len(mail.outbox) == 6
    Incident.objects.filter(pk=incident.pk).update(resolved_at=start + timedelta(minutes=810))
    run_job(start, 900)
    assert Escalation.objects.count() == 4 and len(mail.outbox) == 6
    assert EscalationNotice.objects.filter(sent_at__isnull=False).count() == 6
    assert EscalationNotice.objects.filter(email="").count() == 4  # 赵科长, once per threshold


def test_breach_first_seen_is_sent_alone(contract, run_job):
    start = timezone.now().replace(microsecond=0)
    incident = h.incident_of(contract, rank=3, reported_at=start)
    run_job(start, 40)  # nobody looked between 75 % and 100 %
    assert recorded(incident) == [("own", "breached")]
    assert len(mail.outbox) == 2


def test_stopped_clock_between_thresholds_is_not_escalated(contract, run_job):
    start = timezone.now().replace(microsecond=0)
    incident = h.incident_of(contract, rank=3, reported_at=start)
    Incident.objects.filter(pk=incident.pk).update(responded_at=start + timedelta(minutes=25))
    run_job(start, 60)  # own: warning (25 of 30) but met; resolve: 60 of 720
    incident.refresh_from_db()
    assert incident.own_state == "warning" and recorded(incident) == [] and mail.outbox == []


def test_resolved_incident_and_contract_without_contacts(tree, run_job):
    contract = h.contract_of(tree)
    start = timezone.now().replace(microsecond=0)
    quiet = h.incident_of(contract, rank=3, reported_at=start)
    run_job(start, 35)
    breach = quiet.escalations.get()
    assert breach.threshold == "breached" and not breach.notices.exists() and mail.outbox == []
    done = h.incident_of(contract, rank=4, reported_at=start)
    Incident.objects.filter(pk=done.pk).update(resolved_at=start + timedelta(minutes=2))
    run_job(start, 500)
    assert not done.escalations.exists()


def test_failed_email_is_kept_and_retried(contract, run_job, settings):
    settings.EMAIL_BACKEND = "tests.ops.test_escalation.FailingBackend"
    start = timezone.now().replace(microsecond=0)
    incident = h.incident_of(contract, rank=3, reported_at=start)
    run_job(start, 35)
    notices = EscalationNotice.objects.filter(escalation__incident=incident).exclude(email="")
    assert {(n.attempts, n.sent_at, n.error) for n in notices} == {(1, None, "mail server down")}
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    run_job(start, 36)  # the next run sends what failed, and nothing twice
    assert sorted(message.to[0] for message in mail.outbox) == ["qian@example.gov.cn", "wang@example.gov.cn"]
    assert all(n.sent_at is not None and n.error == "" for n in notices.all())
    run_job(start, 37)
    assert len(mail.outbox) == 2


def test_gives_up_after_max_attempts(contract, run_job, settings):
    settings.EMAIL_BACKEND = "tests.ops.test_escalation.FailingBackend"
    start = timezone.now().replace(microsecond=0)
    h.incident_of(contract, rank=3, reported_at=start)
    for minutes in range(35, 35 + escalation.MAX_ATTEMPTS + 2):
        run_job(start, minutes)
    notice = EscalationNotice.objects.exclude(email="").first()
    assert notice.attempts == escalation.MAX_ATTEMPTS and notice.sent_at is None


def test_an_edit_escalates_at_once(contract, django_capture_on_commit_callbacks):
    start = timezone.now().replace(microsecond=0) - timedelta(hours=2)
    with django_capture_on_commit_callbacks(execute=True):
        incident = h.incident_of(contract, rank=3, reported_at=start)  # two hours without a response
    assert recorded(incident) == [("own", "breached")]  # resolve: 120 of 720 minutes
    assert sorted(message.to[0] for message in mail.outbox) == ["qian@example.gov.cn", "wang@example.gov.cn"]
    incident.title = "改了标题"
    with django_capture_on_commit_callbacks(execute=True):
        incident.save()
    assert incident.escalations.count() == 1 and len(mail.outbox) == 2


def test_timeline_on_the_page(contract, run_job, tree, login):
    start = timezone.now().replace(microsecond=0) - timedelta(minutes=40)
    incident = h.incident_of(contract, rank=3, reported_at=start)
    page = login(tree.ops).get(incident.get_absolute_url()).content.decode()
    assert 'data-escalation="own-breached"' in page
    assert "王主任" in page and "钱工" in page and "孙工" not in page
    assert "无邮箱" in page or "no email address" in page
