"""Monthly assessment: deductions proposed from the records, decided by the client, scored by
``lantian.ops.scoring``."""

from __future__ import annotations

import calendar as month_calendar
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from lantian.ops import models as m
from lantian.ops.scoring import MonthScore, penalty, score_month

Event = m.AssessmentRule.Event
GRADES = ("优秀", "良好", "达标")
FAIL_GRADE = "不达标"


def month_bounds(month: date) -> tuple[datetime, datetime]:
    """Aware start of the month and of the next one, in the site's zone."""
    first = month.replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    zone = timezone.get_current_timezone()
    return (datetime.combine(first, time(), zone), datetime.combine(following, time(), zone))


@dataclass(frozen=True)
class Proposal:
    event: str
    key: str
    text: str
    count: Decimal = Decimal(1)  # multiplies the rule's deduction


def collect_events(contract: m.Contract, month: date, today: date) -> list[Proposal]:
    """What the records of the month say, bounded by the month's rows (no per-row query)."""
    start, end = month_bounds(month)
    first, last = start.date(), min(end.date() - timedelta(days=1), today - timedelta(days=1))
    out: list[Proposal] = []
    runs = m.InspectionRun.objects.filter(template__contract=contract, due_on__range=(first, end.date()))
    for run in runs.filter(status=m.InspectionRun.Status.MISSED).select_related("template"):
        out.append(
            Proposal(
                Event.MISSED_INSPECTION,
                f"run:{run.pk}",
                _("%(template)s not done on %(day)s") % {"template": run.template, "day": run.due_on},
            )
        )
    skipped = m.InspectionResult.objects.filter(
        run__in=runs.filter(status=m.InspectionRun.Status.DONE), passed__isnull=True
    ).select_related("run__template")
    for result in skipped:
        out.append(
            Proposal(
                Event.FAILED_ITEM,
                f"item:{result.pk}",
                _("%(item)s not checked in %(run)s") % {"item": result.item, "run": result.run},
            )
        )
    incidents = m.Incident.objects.filter(contract=contract, reported_at__gte=start, reported_at__lt=end)
    for incident in incidents.filter(breached=True):
        out.append(
            Proposal(
                Event.SLA_BREACH,
                f"incident:{incident.pk}",
                _("%(incident)s breached its SLA") % {"incident": incident},
            )
        )
    late_reports = incidents.filter(kind=m.Incident.Kind.INCIDENT, report_due_at__isnull=False).filter(
        Q(report_submitted_at__gt=F("report_due_at"))
        | Q(report_submitted_at__isnull=True, report_due_at__lt=timezone.now())
    )
    for incident in late_reports:
        out.append(
            Proposal(
                Event.LATE_INCIDENT_REPORT,
                f"report:{incident.pk}",
                _("The report of %(incident)s is late") % {"incident": incident},
            )
        )
    if first <= last:
        backed_up = set(
            timezone.localtime(moment).date()
            for moment in m.BackupRun.objects.filter(
                contract=contract,
                result=m.BackupRun.Result.SUCCEEDED,
                started_at__gte=start,
                started_at__lt=end,
            ).values_list("started_at", flat=True)
        )
        day = first
        while day <= last:
            if day not in backed_up:
                out.append(
                    Proposal(
                        Event.BACKUP_MISSING,
                        f"backup:{day.isoformat()}",
                        _("No successful backup on %(day)s") % {"day": day},
                    )
                )
            day += timedelta(days=1)
    absent = m.Attendance.objects.filter(
        contract=contract, date__range=(first, end.date()), status=m.Attendance.Status.ABSENT
    )
    for row in absent:
        out.append(
            Proposal(
                Event.ABSENCE,
                f"absence:{row.pk}",
                _("%(person)s absent on %(day)s") % {"person": row.person, "day": row.date},
            )
        )
    events = m.SecurityEvent.objects.filter(contract=contract, occurred_at__gte=start, occurred_at__lt=end)
    for event in events:
        kind = Event.DATA_LEAK if event.kind == m.SecurityEvent.Kind.LEAK else Event.SECURITY_EVENT
        out.append(Proposal(kind, f"security:{event.pk}", str(event)))
    return out


def propose(contract: m.Contract, month: date, now: datetime | None = None) -> m.Assessment:
    """Create or bring up to date the month's assessment: new events proposed, proposals whose event is
    gone withdrawn, decided deductions kept as the client decided them. A confirmed month is left alone."""
    if contract.scheme_id is None:
        raise ValidationError(_("The contract has no assessment scheme."))
    now = now or timezone.now()
    month = month.replace(day=1)
    rules = {}
    for rule in contract.scheme.rules.all():
        rules.setdefault(rule.event, rule)  # the first rule of an event (in the scheme's order) applies
    with transaction.atomic():
        assessment, _created = m.Assessment.objects.select_for_update().get_or_create(
            contract=contract, month=month
        )
        if assessment.status == m.Assessment.Status.CONFIRMED:
            return assessment
        proposals = [p for p in collect_events(contract, month, timezone.localdate(now)) if p.event in rules]
        keys = {p.key for p in proposals}
        assessment.deductions.filter(status=m.Deduction.Status.PROPOSED).exclude(source_key__in=keys).exclude(
            source_key__startswith="manual:"
        ).delete()
        present = set(assessment.deductions.values_list("source_key", flat=True))
        m.Deduction.objects.bulk_create(
            m.Deduction(
                assessment=assessment,
                rule=rules[p.event],
                points=rules[p.event].deduction * p.count,
                source=p.text[:300],
                source_key=p.key,
            )
            for p in proposals
            if p.key not in present
        )
        assessment.proposed_at = now
        rescore(assessment)
    return assessment


def month_score(assessment: m.Assessment) -> MonthScore:
    scheme = assessment.contract.scheme
    categories: dict[str, Decimal] = {}
    for rule in scheme.rules.all():
        categories.setdefault(rule.category, rule.points)
    deductions = [
        (d.rule.category, d.points, d.rule.zeroes_month)
        for d in assessment.deductions.exclude(status=m.Deduction.Status.WAIVED).select_related("rule")
    ]
    grades = tuple(zip(GRADES, (scheme.excellent, scheme.good, scheme.passing), strict=True))
    return score_month(categories, deductions, grades, FAIL_GRADE)


def rescore(assessment: m.Assessment) -> MonthScore:
    result = month_score(assessment)
    assessment.score, assessment.grade, assessment.zeroed = result.score, result.grade, result.zeroed
    assessment.save()
    return result


def warnings_and_penalty(assessment: m.Assessment) -> tuple[int, int, Decimal]:
    """(SLA breaches counted this month, warnings given, penalty in yuan)."""
    breaches = assessment.deductions.filter(rule__event=Event.SLA_BREACH).exclude(
        status=m.Deduction.Status.WAIVED
    )
    count = breaches.count()
    scheme = assessment.contract.scheme
    warnings = min(count, scheme.warnings_before_penalty)
    return count, warnings, penalty(count - warnings, assessment.contract.amount, scheme.penalty_percent)


def decide(deduction: m.Deduction, status: str, reason: str, user) -> m.Deduction:
    """The client confirms or waives a deduction; waiving needs a reason."""
    reason = reason.strip()
    if status not in (m.Deduction.Status.CONFIRMED, m.Deduction.Status.WAIVED):
        raise ValidationError(_("A deduction is confirmed or waived."))
    if status == m.Deduction.Status.WAIVED and not reason:
        raise ValidationError(_("Give the reason for waiving the deduction."))
    with transaction.atomic():
        assessment = m.Assessment.objects.select_for_update().get(pk=deduction.assessment_id)
        if assessment.status == m.Assessment.Status.CONFIRMED:
            raise ValidationError(_("The month is confirmed: its deductions are final."))
        deduction.status, deduction.reason = status, reason[:300]
        deduction.decided_by, deduction.decided_at = user, timezone.now()
        deduction.save()
        rescore(assessment)
    return deduction


def add_manual(
    assessment: m.Assessment, rule: m.AssessmentRule, points: Decimal, text: str, user
) -> m.Deduction:
    """A deduction the client enters (conduct, complaints, safety): confirmed at once."""
    if rule.scheme_id != assessment.contract.scheme_id:
        raise ValidationError(_("Choose a rule of the contract's scheme."))
    if not text.strip() or points <= 0 or points > rule.points:
        raise ValidationError(_("Give what happened and between 0 and the category's points."))
    with transaction.atomic():
        number = assessment.deductions.filter(source_key__startswith="manual:").count() + 1
        deduction = m.Deduction.objects.create(
            assessment=assessment,
            rule=rule,
            points=points,
            source=text.strip()[:300],
            source_key=f"manual:{number}:{timezone.now().timestamp()}",
            status=m.Deduction.Status.CONFIRMED,
            decided_by=user,
            decided_at=timezone.now(),
        )
        rescore(assessment)
    return deduction


def confirm(assessment: m.Assessment, user) -> m.Assessment:
    if assessment.deductions.filter(status=m.Deduction.Status.PROPOSED).exists():
        raise ValidationError(_("Confirm or waive every proposed deduction first."))
    assessment.status = m.Assessment.Status.CONFIRMED
    assessment.confirmed_by, assessment.confirmed_at = user, timezone.now()
    rescore(assessment)
    return assessment


def months_to_propose(today: date) -> list[date]:
    """This month and, in the first week, the last one (records of its last days arrive late)."""
    this = today.replace(day=1)
    if today.day <= 7:
        return [(this - timedelta(days=1)).replace(day=1), this]
    return [this]


def days_in(month: date) -> int:
    return month_calendar.monthrange(month.year, month.month)[1]
