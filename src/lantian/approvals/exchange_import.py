"""Import of local data from the 前置库's own tables: projects (SPGL_XMJBXXB with the builder of
SPGL_XMDWXXB) and cases (SPGL_XMSPSXBLXXB with their steps in SPGL_XMSPSXBLXXXXB) that the local
system does not have yet, e.g. when a bureau takes over data another system reported.

All or nothing: every row is checked as the pages check it; with any error nothing is written and
every error is reported with its table, DFSJZJ and reason."""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from lantian.approvals.clock import refresh_clocks, sync_status
from lantian.approvals.models import (
    ApprovalItem,
    HandlingDetailRow,
    HandlingRecord,
    HandlingRow,
    ItemInstance,
    Project,
    ProjectRow,
    UnitRow,
)
from lantian.approvals.router import EXCHANGE
from lantian.approvals.standards import status as S
from lantian.core.models import Division

MAX_ROWS = 50_000  # per table and import; a larger backlog is imported in several runs


@dataclass
class ImportReport:
    projects: int = 0
    cases: int = 0
    skipped: int = 0
    errors: list[tuple[str, str, str]] = field(default_factory=list)  # (table, DFSJZJ, reason)


def _messages(error: ValidationError) -> str:
    if hasattr(error, "message_dict"):
        return "; ".join(f"{name}: {' '.join(texts)}" for name, texts in error.message_dict.items())
    return "; ".join(error.messages)


def import_from_exchange(bureau) -> ImportReport:
    report = ImportReport()
    divisions = {d.code: d for d in Division.objects.all()}
    builders = {row.xmdm: row for row in UnitRow.objects.using(EXCHANGE).filter(sjyxbs=1, dwlx=1)[:MAX_ROWS]}
    known_projects = set(Project.objects.values_list("code", flat=True))
    projects = []
    for row in ProjectRow.objects.using(EXCHANGE).filter(sjyxbs=1).order_by("lsh")[:MAX_ROWS]:
        if row.xmdm in known_projects:
            report.skipped += 1
            continue
        builder = builders.get(row.xmdm)
        project = Project(
            organization=bureau,
            code=row.xmdm,
            works_code=row.gcdm,
            name=row.xmmc,
            location=row.jsdd,
            division=divisions.get(row.xzqhdm),
            investment=row.xmztz,
            land_area=row.ydmj,
            floor_area=row.jzmj,
            planned_start=row.nkgsj,
            planned_completion=row.njcsj,
            builder_name=builder.dwmc if builder else "",
            builder_credit_code=builder.dwtyshxydm if builder else "",
        )
        if project.division is None:
            report.errors.append(
                (
                    ProjectRow._meta.db_table,
                    row.dfsjzj,
                    _("Unknown division code %(code)s.") % {"code": row.xzqhdm},
                )
            )
            continue
        try:
            project.full_clean()
        except ValidationError as error:
            report.errors.append((ProjectRow._meta.db_table, row.dfsjzj, _messages(error)))
            continue
        known_projects.add(project.code)
        projects.append(project)

    items = {
        item.code: item for item in ApprovalItem.objects.filter(department__path__startswith=bureau.path)
    }
    known_cases = set(ItemInstance.objects.values_list("code", flat=True))
    cases = []
    for row in HandlingRow.objects.using(EXCHANGE).filter(sjyxbs=1).order_by("lsh")[:MAX_ROWS]:
        if row.spsxslbm in known_cases:
            report.skipped += 1
            continue
        item = items.get(row.spsxbm)
        if item is None:
            report.errors.append(
                (
                    HandlingRow._meta.db_table,
                    row.dfsjzj,
                    _("No approval item with code %(code)s.") % {"code": row.spsxbm},
                )
            )
            continue
        if row.slsj is None:
            report.errors.append(
                (HandlingRow._meta.db_table, row.dfsjzj, _("SLSJ (the acceptance time) is empty."))
            )
            continue
        cases.append((row, item))
        known_cases.add(row.spsxslbm)
    steps = {}
    codes = [row.spsxslbm for row, _item in cases]
    for start in range(0, len(codes), 2000):
        for step in (
            HandlingDetailRow.objects.using(EXCHANGE)
            .filter(sjyxbs=1, spsxslbm__in=codes[start : start + 2000])
            .order_by("spsxslbm", "blcs")
        ):
            steps.setdefault(step.spsxslbm, []).append(step)
    for code, case_steps in steps.items():
        numbers = [step.blcs for step in case_steps]
        if len(numbers) != len(set(numbers)):
            report.errors.append(
                (
                    HandlingDetailRow._meta.db_table,
                    case_steps[0].dfsjzj,
                    _("BLCS repeats a step number of case %(code)s.") % {"code": code},
                )
            )
        for step in case_steps:
            if step.blzt not in S.CODES:
                report.errors.append(
                    (
                        HandlingDetailRow._meta.db_table,
                        step.dfsjzj,
                        _("%(value)s is not a handling status code.") % {"value": step.blzt},
                    )
                )
    if report.errors:
        return report

    with transaction.atomic():
        Project.objects.bulk_create(projects)
        by_code = {p.code: p for p in Project.objects.filter(code__in={row.xmdm for row, _item in cases})}
        instances = []
        for row, item in cases:
            project = by_code.get(row.xmdm)
            stage = None
            if project is not None and row.spjdxh and hasattr(project, "process"):
                stage = project.process.stages.filter(kind=row.spjdxh).first()
            instances.append(
                ItemInstance(
                    code=row.spsxslbm,
                    project=project,
                    stage=stage,
                    item=item,
                    department=item.department,
                    time_limit=item.time_limit,
                    limit_unit=item.limit_unit,
                    received_at=row.slsj,
                )
            )
        ItemInstance.objects.bulk_create(instances)
        records = [
            HandlingRecord(
                instance=instance,
                sequence=step.blcs,
                status=step.blzt,
                handled_at=step.blsj,
                handler=step.blr[:50],
                opinion=step.blyj[:500],
            )
            for instance in instances
            for step in steps.get(instance.code, ())
        ]
        HandlingRecord.objects.bulk_create(records)
        for instance in instances:
            sync_status(instance)
        ItemInstance.objects.bulk_update(instances, ["status", "is_open", "completed_at"])
        refresh_clocks(queryset=ItemInstance.objects.filter(pk__in=[i.pk for i in instances]))
    report.projects, report.cases = len(projects), len(instances)
    return report
