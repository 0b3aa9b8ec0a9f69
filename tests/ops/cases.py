"""Test cases of the ops models for the generated tests (tests/generic.py)."""

from datetime import UTC, datetime

from lantian.ops import models as m
from lantian.ops.seeds import seed_renhe_scheme
from tests.generic import Case, add_cases
from tests.ops import helpers as h


def _first(model, factory, path="contract"):
    def build(tree):
        contract = h.contract_of(tree)
        return model.objects.filter(**{path: contract}).first() or factory(contract)

    return build


def _old_incident(contract):
    """Reported to the second, before the dates the generated form tests fill in."""
    return h.incident_of(contract, reported_at=datetime(2025, 1, 2, 8, 0, tzinfo=UTC))


def _more(factory):
    return lambda tree, n: [factory(h.contract_of(tree)) for _ in range(n)]


def _more_contracts(tree, n):
    for _ in range(n):
        h.contract_of(tree, number=f"YW-X-{m.Contract.objects.count() + 1}")


def _more_assessments(tree, n):
    contract = h.contract_of(tree)
    start = m.Assessment.objects.filter(contract=contract).count()
    for index in range(start, start + n):
        year, month = divmod(index, 12)
        h.assessment_of(contract, h.date(2020 + year, month + 1, 1))


def _more_levels(tree, n):
    contract = h.contract_of(tree)
    top = contract.levels.order_by("-rank").first().rank
    for rank in range(top + 1, top + 1 + n):
        m.SeverityLevel.objects.create(contract=contract, rank=rank, name=f"级别{rank}", own_minutes=30)


def _more_rules(tree, n):
    scheme = seed_renhe_scheme()
    for index in range(n):
        m.AssessmentRule.objects.create(
            scheme=scheme,
            category=f"其他{index}{m.AssessmentRule.objects.count()}",
            points=1,
            event="manual",
            deduction=1,
        )


def _more_schemes(tree, n):
    start = m.AssessmentScheme.objects.count()
    for index in range(start, start + n):
        m.AssessmentScheme.objects.create(name=f"考核办法{index}")


VENDOR = {"member": "ops", "outsider": "county_b_admin"}

add_cases(
    Case(
        m.Contract,
        lambda t: h.contract_of(t),
        more=_more_contracts,
        **VENDOR,
        unfiltered=frozenset({"starts_on", "ends_on"}),
    ),
    Case(
        m.ContractContact,
        _first(m.ContractContact, h.contact_of),
        more=_more(h.contact_of),
        **VENDOR,
    ),
    Case(
        m.SeverityLevel,
        lambda t: h.contract_of(t).levels.first(),
        more=_more_levels,
        **VENDOR,
        unfiltered=frozenset({"own_minutes", "restore_minutes", "resolve_minutes"}),
    ),
    Case(m.Incident, _first(m.Incident, _old_incident), more=_more(h.incident_of), **VENDOR),
    Case(m.BackupRun, _first(m.BackupRun, h.backup_of), more=_more(h.backup_of), **VENDOR),
    Case(
        m.RestoreDrill,
        _first(m.RestoreDrill, h.drill_of, "backup__contract"),
        more=_more(h.drill_of),
        **VENDOR,
    ),
    Case(m.MonitoredService, _first(m.MonitoredService, h.service_of), more=_more(h.service_of), **VENDOR),
    Case(
        m.MaintenanceWindow,
        _first(m.MaintenanceWindow, h.window_of, "service__contract"),
        more=_more(h.window_of),
        **VENDOR,
    ),
    Case(m.AssessmentScheme, lambda t: seed_renhe_scheme(), member="city_admin", more=_more_schemes),
    Case(
        m.AssessmentRule, lambda t: seed_renhe_scheme().rules.first(), member="city_admin", more=_more_rules
    ),
    Case(m.Assessment, lambda t: h.assessment_of(h.contract_of(t)), more=_more_assessments, **VENDOR),
    Case(
        m.InspectionTemplate, _first(m.InspectionTemplate, h.template_of), more=_more(h.template_of), **VENDOR
    ),
    Case(
        m.InspectionRun,
        _first(m.InspectionRun, h.run_of, "template__contract"),
        more=_more(h.run_of),
        **VENDOR,
    ),
    Case(m.Attendance, _first(m.Attendance, h.attendance_of), more=_more(h.attendance_of), **VENDOR),
    Case(m.StaffChange, _first(m.StaffChange, h.staff_change_of), more=_more(h.staff_change_of), **VENDOR),
    Case(m.Training, _first(m.Training, h.training_of), more=_more(h.training_of), **VENDOR),
    Case(
        m.SecurityInspection,
        _first(m.SecurityInspection, h.security_inspection_of),
        more=_more(h.security_inspection_of),
        **VENDOR,
    ),
    Case(
        m.SecurityEvent,
        _first(m.SecurityEvent, h.security_event_of),
        more=_more(h.security_event_of),
        **VENDOR,
    ),
)
