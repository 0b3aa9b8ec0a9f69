"""Data-quality runs: every rule of ``standards.quality`` over the bureau's data, findings kept per
rule and record, rectification tasks to the departments, and a quality score per department."""

import datetime

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy

from lantian.approvals.models import ExchangeRow, ItemInstance, QualityFinding, QualityRun, RectificationTask
from lantian.approvals.models.projects import CODE_MESSAGES
from lantian.approvals.rows import local_rows
from lantian.approvals.standards.quality import RULES, check_all
from lantian.core.models import Division, Organization
from lantian.core.models.organizations import CREDIT_CODE_MESSAGES

RULE_NAMES = {
    "required": gettext_lazy("Required project fields"),
    "project_code": gettext_lazy("Project and works codes"),
    "plan_order": gettext_lazy("Planned start before planned completion"),
    "division_code": gettext_lazy("Division code in the code list"),
    "process_type": gettext_lazy("Process type in the code list"),
    "credit_code": gettext_lazy("Builder's unified social credit code"),
    "status_code": gettext_lazy("Handling status in the code list"),
    "linked": gettext_lazy("Item instance linked to a project and stage"),
    "suspension_closed": gettext_lazy("Corrections and special procedures closed"),
}
assert RULE_NAMES.keys() == RULES.keys()
MESSAGES = {
    "required": gettext_lazy("%(field)s is empty."),
    "plan_order": gettext_lazy("The planned completion (NJCSJ) is before the planned start (NKGSJ)."),
    "division_code": gettext_lazy("%(value)s is not a division code of the code list."),
    "process_type": gettext_lazy("%(value)s is not a process type of the code list."),
    "status_code": gettext_lazy("%(value)s is not a handling status of the code list."),
    "linked": gettext_lazy("The item instance has no %(field)s: it is not linked to a project and stage."),
    "suspension_closed": gettext_lazy("Handling status %(value)s has no matching start or end."),
}
TASK_DAYS = 5  # working days a department has to rectify
MAX_FINDINGS_KEPT = 50_000  # per run; the counts by rule are always complete


def message(finding) -> str:
    if finding.rule == "project_code":
        params = dict(finding.params)
        return str(CODE_MESSAGES[params.pop("reason")]) % params
    if finding.rule == "credit_code":
        return str(CREDIT_CODE_MESSAGES[finding.params["reason"]]) % {"position": "", "expected": ""}
    return str(MESSAGES[finding.rule]) % {"field": finding.field, **finding.params}


def known_divisions() -> frozenset[str]:
    return frozenset(Division.objects.values_list("code", flat=True))


def check(bureau: Organization, instance_ids=None):
    """(rows by table, owner of each row, findings) of the bureau's data now."""
    tables, owner = local_rows(bureau.path, instance_ids)
    return tables, owner, check_all(tables, timezone.localdate().year, known_divisions())


@transaction.atomic
def run_quality(bureau: Organization, user=None, trigger=QualityRun.Trigger.DEMAND, checked=None):
    """Run every rule, keep the findings; returns the run and the findings (kernel objects)."""
    tables, owner, findings = checked or check(bureau)
    by_rule = {rule: 0 for rule in RULES}
    for finding in findings:
        by_rule[finding.rule] += 1
    run = QualityRun.objects.create(
        organization=bureau,
        trigger=trigger,
        started_by=user,
        checked=sum(len(rows) for rows in tables.values()),
        findings=len(findings),
        by_rule=by_rule,
    )
    QualityFinding.objects.bulk_create(
        (
            QualityFinding(
                run=run,
                rule=f.rule,
                organization_id=owner[(f.table, f.key)],
                table=f.table,
                record_key=f.key,
                field=f.field,
                message=message(f)[:300],
            )
            for f in findings[:MAX_FINDINGS_KEPT]
        ),
        batch_size=2000,
    )
    return run, findings


@transaction.atomic
def assign_tasks(run: QualityRun) -> list[RectificationTask]:
    """One task per department and rule with findings (not already given for an open task)."""
    cal_due = _due_on()
    counts = (
        run.results.filter(organization__kind=Organization.Kind.DEPARTMENT)
        .values("organization_id", "rule")
        .annotate(n=Count("pk"))
    )
    open_tasks = set(
        RectificationTask.objects.exclude(status=RectificationTask.Status.CLOSED).values_list(
            "department_id", "rule"
        )
    )
    tasks = [
        RectificationTask(
            department_id=row["organization_id"], run=run, rule=row["rule"], findings=row["n"], due_on=cal_due
        )
        for row in counts
        if (row["organization_id"], row["rule"]) not in open_tasks
    ]
    return RectificationTask.objects.bulk_create(tasks)


def _due_on() -> datetime.date:
    from lantian.core.worktime import calendar

    return calendar().workday_deadline(timezone.localdate(), TASK_DAYS)


def department_scores(departments, run: QualityRun | None) -> list[dict]:
    """Score per department: 100 × share of its cases without findings in the run, less 5 for every
    rectification task overdue; with the counts it comes from."""
    departments = list(departments)
    cases = dict(
        ItemInstance.objects.filter(department__in=departments)
        .values("department_id")
        .annotate(n=Count("pk"))
        .values_list("department_id", "n")
    )
    flagged = {}
    if run is not None:
        flagged = dict(
            run.results.filter(organization__in=departments)
            .values("organization_id")
            .annotate(n=Count("record_key", distinct=True))
            .values_list("organization_id", "n")
        )
    overdue = dict(
        RectificationTask.objects.filter(department__in=departments, due_on__lt=timezone.localdate())
        .exclude(status=RectificationTask.Status.CLOSED)
        .values("department_id")
        .annotate(n=Count("pk"))
        .values_list("department_id", "n")
    )
    failed = dict(
        ExchangeRow.objects.filter(organization__in=departments, state=ExchangeRow.State.FAILED)
        .values("organization_id")
        .annotate(n=Count("pk"))
        .values_list("organization_id", "n")
    )
    scores = []
    for department in departments:
        total = cases.get(department.pk, 0)
        bad = min(flagged.get(department.pk, 0), total) if total else flagged.get(department.pk, 0)
        base = 100.0 * (total - bad) / total if total else (100.0 if not bad else 0.0)
        score = max(0.0, base - 5 * overdue.get(department.pk, 0))
        scores.append(
            {
                "department": department,
                "cases": total,
                "flagged": flagged.get(department.pk, 0),
                "overdue_tasks": overdue.get(department.pk, 0),
                "failed_rows": failed.get(department.pk, 0),
                "score": round(score, 1),
            }
        )
    return sorted(scores, key=lambda row: row["score"])


def latest_run(user) -> QualityRun | None:
    return QualityRun.objects.restrict(user, "view").order_by("-started_at", "-pk").first()


def scoring_run(user) -> QualityRun | None:
    """The data-quality run the scores come from: the latest the user may see, or, for a department's
    user (the runs belong to the bureau), the latest run of a bureau above the department. Only the
    run is chosen this way; the findings counted are those of the departments the user may see."""
    run = latest_run(user)
    organization = getattr(user, "organization", None)
    if run is not None or organization is None:
        return run
    above = [int(part) for part in organization.path.strip("/").split("/")[:-1]]
    return QualityRun.objects.filter(organization_id__in=above).order_by("-started_at", "-pk").first()


def rule_choices():
    return [(code, str(name)) for code, name in RULE_NAMES.items()]


def open_task_filter() -> Q:
    return ~Q(status=RectificationTask.Status.CLOSED)
