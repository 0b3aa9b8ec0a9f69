"""Escalation of incidents to the contract's contacts (ops spec "Incidents": 75 % warning, 100 % breach).

When the time to own or the time to resolve of an incident not yet resolved reaches a threshold, an
``Escalation`` is recorded once per incident, clock and threshold (a unique constraint: the periodic job
and every save may look again, nothing is recorded or sent twice), with one ``EscalationNotice`` per
contact of the contract who asked for that threshold (``ContractContact.escalate``). The to-do centre
shows the same incidents (``lantian.ops.todo``).

Rules:

- A warning is escalated while its clock runs; a clock stopped between 75 % and 100 % met its target.
- A breach is escalated even when the clock stopped after its target (a late response seen at once).
- A clock first seen past 100 % escalates the breach only: its warning is not sent after the fact.
- A resolved incident escalates nothing (its breaches count in the monthly assessment).
- E-mails go through Django's e-mail backend once the recording transaction has committed
  (``send_pending``); a contact without an address is recorded as told on the incident page only. A
  notice is claimed before it is sent (so two processes never send the same one) and tried at most
  ``MAX_ATTEMPTS`` times; the failures are kept on the notice.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from lantian.ops.models import ClockState, ContractContact, Escalation, EscalationNotice, Incident
from lantian.ops.sla import ClockReading

CLOCKS = ("own", "resolve")
MAX_ATTEMPTS = 3


def thresholds_reached(clocks: dict[str, ClockReading]) -> list[tuple[str, str, ClockReading]]:
    """(clock, threshold, reading) of each escalated clock at a threshold, by the rules above."""
    out = []
    for name in CLOCKS:
        reading = clocks.get(name)
        if reading is None or reading.state == ClockState.OK:
            continue
        if reading.state == ClockState.WARNING and not reading.running:
            continue
        out.append((name, reading.state, reading))
    return out


def escalate(
    incident: Incident,
    clocks: dict[str, ClockReading],
    now: datetime,
    contacts: list[ContractContact] | None = None,
    recorded: set[tuple[str, str]] | None = None,
) -> list[Escalation]:
    """Record the thresholds ``clocks`` reached that were not recorded yet; the new escalations (the
    caller has ``send_pending`` run once its transaction commits).
    ``contacts`` (the contract's) and ``recorded`` ((clock, threshold) pairs already stored) save queries
    in a loop; both are read when not given."""
    if incident.resolved_at is not None:
        return []
    reached = thresholds_reached(clocks)
    if not reached:
        return []
    if recorded is None:
        recorded = set(incident.escalations.values_list("clock", "threshold"))
    created = []
    for clock, threshold, reading in reached:
        if (clock, threshold) in recorded:
            continue
        if contacts is None:
            contacts = list(ContractContact.objects.filter(contract_id=incident.contract_id))
        try:
            with transaction.atomic():
                escalation = Escalation.objects.create(
                    incident=incident,
                    clock=clock,
                    threshold=threshold,
                    elapsed_minutes=round(reading.elapsed_minutes, 3),
                    target_minutes=reading.target_minutes,
                    created_at=now,
                )
                EscalationNotice.objects.bulk_create(
                    EscalationNotice(
                        escalation=escalation, contact=person, name=person.name, email=person.email
                    )
                    for person in contacts
                    if person.wants(threshold)
                )
        except IntegrityError:  # another process recorded it first
            continue
        recorded.add((clock, threshold))
        created.append(escalation)
    return created


def _subject_and_body(notice: EscalationNotice) -> tuple[str, str]:
    escalation = notice.escalation
    incident = escalation.incident
    values = {
        "number": incident.number,
        "title": incident.title,
        "contract": incident.contract.name,
        "severity": incident.severity.name,
        "clock": escalation.get_clock_display(),
        "threshold": escalation.get_threshold_display(),
        "elapsed": f"{escalation.elapsed_minutes:.0f}",
        "target": f"{escalation.target_minutes:.0f}",
        "reported": timezone.localtime(incident.reported_at).strftime("%Y-%m-%d %H:%M"),
        "url": getattr(settings, "LANTIAN_SITE_URL", "").rstrip("/") + incident.get_absolute_url(),
    }
    subject = _("[Lantian] %(number)s %(clock)s: %(threshold)s") % values
    body = (
        _(
            "Incident %(number)s (%(title)s) of the contract %(contract)s, severity %(severity)s, "
            "reported at %(reported)s:\n%(clock)s %(threshold)s, %(elapsed)s of %(target)s minutes counted.\n"
            "%(url)s"
        )
        % values
    )
    return subject, body


def send_pending(now: datetime | None = None) -> tuple[int, int]:
    """E-mail every notice with an address not sent yet (at most ``MAX_ATTEMPTS`` tries each);
    (sent, failed)."""
    sent = failed = 0
    pending = (
        EscalationNotice.objects.filter(sent_at__isnull=True, attempts__lt=MAX_ATTEMPTS)
        .exclude(email="")
        .select_related("escalation__incident__contract", "escalation__incident__severity")
    )
    with translation.override(settings.LANGUAGE_CODE):
        for notice in pending:
            claimed = EscalationNotice.objects.filter(
                Q(pk=notice.pk), Q(sent_at__isnull=True), Q(attempts=notice.attempts)
            ).update(attempts=F("attempts") + 1)
            if not claimed:  # another process has it
                continue
            subject, body = _subject_and_body(notice)
            try:
                send_mail(subject, body, None, [notice.email])
            except Exception as error:  # any failure of the backend is recorded on the notice
                EscalationNotice.objects.filter(pk=notice.pk).update(error=str(error)[:300])
                failed += 1
            else:
                EscalationNotice.objects.filter(pk=notice.pk).update(sent_at=now or timezone.now(), error="")
                sent += 1
    return sent, failed
