"""The Django side of the SLA clocks: an incident's readings from the pure kernel (``lantian.ops.sla``)
and the stored states, refreshed on every change of an incident and in bulk by the periodic job."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from lantian.core.worktime import calendar as work_calendar
from lantian.ops.escalation import escalate, send_pending
from lantian.ops.models import ClockState, Contract, ContractContact, Incident
from lantian.ops.sla import ClockReading, Timeline, incident_clocks, report_due


def calendar_for(contract: Contract, office=None):
    """None (24×7) or the platform's work calendar, as the contract chooses."""
    if contract.calendar == Contract.Calendar.OFFICE:
        return office if office is not None else work_calendar()
    return None


def readings(incident: Incident, now: datetime | None = None, office=None) -> dict[str, ClockReading]:
    """The incident's clocks now. Reads its pauses (prefetch ``pauses`` for many incidents)."""
    now = now or timezone.now()
    pauses = [(p.started_at, p.ended_at) for p in incident.pauses.all()]
    return incident_clocks(
        Timeline(**incident.timeline_kwargs()),
        incident.severity.targets(hardware=incident.hardware),
        now=now,
        pauses=pauses,
        calendar=calendar_for(incident.contract, office),
    )


def apply_readings(incident: Incident, clocks: dict[str, ClockReading], now: datetime) -> list[str]:
    """Set the stored, derived fields from ``clocks``; returns the names of the fields that changed."""
    values = {
        "own_state": clocks["own"].state,
        "restore_state": clocks["restore"].state if "restore" in clocks else "",
        "resolve_state": clocks["resolve"].state if "resolve" in clocks else "",
        "breached": any(reading.breached for reading in clocks.values()),
        "next_due_at": min((r.due_at for r in clocks.values() if r.due_at is not None), default=None),
        "report_due_at": report_due(incident.resolved_at) if incident.resolved_at else None,
        "status": status_of(incident),
    }
    changed = [name for name, value in values.items() if getattr(incident, name) != value]
    for name, value in values.items():
        setattr(incident, name, value)
    incident.clocks_at = now
    return [*changed, "clocks_at"]


def status_of(incident: Incident) -> str:
    if incident.resolved_at:
        return Incident.Status.RESOLVED
    if any(p.ended_at is None for p in incident.pauses.all()):
        return Incident.Status.PENDING
    if incident.responded_at:
        return Incident.Status.OWNED
    return Incident.Status.NEW


def refresh(incident: Incident, now: datetime | None = None) -> None:
    """Store the incident's clock states now and escalate the thresholds its clocks reached."""
    now = now or timezone.now()
    before = incident.clocks_at
    current = readings(incident, now)
    fields = apply_readings(incident, current, now)
    if escalate(incident, current, now):
        transaction.on_commit(send_pending)
    stale = before is None or (incident.resolved_at is not None and before < incident.resolved_at)
    if not stale:  # clocks_at only marks "computed after the resolution": an edit leaves it be
        incident.clocks_at = before
        fields = [name for name in fields if name != "clocks_at"]
        if not fields:
            return
    Incident.objects.filter(pk=incident.pk).update(**{name: getattr(incident, name) for name in fields})


def refresh_open(now: datetime, batch: int = 500) -> tuple[int, int]:
    """Refresh the clocks of every incident not resolved, and of those resolved whose stored states are
    older than their resolution, and escalate the thresholds reached; (incidents seen, incidents that
    changed). One calendar and one read of the contracts' contacts for the loop."""
    office = work_calendar()
    contacts: dict[int, list[ContractContact]] = {}
    seen = changed = 0
    pending = Incident.objects.filter(
        Q(resolved_at__isnull=True) | Q(clocks_at__isnull=True) | Q(clocks_at__lt=F("resolved_at"))
    )
    ids = list(pending.values_list("pk", flat=True))
    for start in range(0, len(ids), batch):
        rows = list(
            Incident.objects.filter(pk__in=ids[start : start + batch])
            .select_related("severity", "contract")
            .prefetch_related("pauses", "escalations")
        )
        wanted = {row.contract_id for row in rows if row.resolved_at is None} - contacts.keys()
        for contract_id in wanted:
            contacts[contract_id] = []
        for person in ContractContact.objects.filter(contract_id__in=wanted):
            contacts[person.contract_id].append(person)
        updates = []
        for incident in rows:
            seen += 1
            current = readings(incident, now, office)
            fields = apply_readings(incident, current, now)
            recorded = {(e.clock, e.threshold) for e in incident.escalations.all()}
            escalate(incident, current, now, contacts.get(incident.contract_id), recorded)
            if len(fields) > 1:
                changed += 1
            updates.append(incident)
        Incident.objects.bulk_update(
            updates,
            [
                "own_state",
                "restore_state",
                "resolve_state",
                "breached",
                "next_due_at",
                "report_due_at",
                "status",
                "clocks_at",
            ],
        )
    return seen, changed


STATE_CSS = {ClockState.OK: "success", ClockState.WARNING: "warning", ClockState.BREACHED: "danger"}
