"""Statistics of the approval cases by district and department, and their xlsx export.

Aggregated in the database over the cases the user may see (``restrict``); the clock figures are the
stored ones of the periodic job."""

import datetime
import io

from django.db.models import Avg, Count, Q
from django.db.models.functions import TruncMonth
from django.utils.translation import gettext as _
from openpyxl import Workbook

from lantian.approvals.models import ClockState, ItemInstance, JointAcceptance, StageKind
from lantian.approvals.standards import status as S
from lantian.core.excel.cells import write_cell

HANDLED = Q(status__in=S.COMPLETED)


def _figures():
    return {
        "cases": Count("pk"),
        "handled": Count("pk", filter=HANDLED),
        "open": Count("pk", filter=Q(is_open=True)),
        "overdue": Count("pk", filter=Q(clock_state=ClockState.OVERDUE)),
        "parallel": Count("pk", filter=Q(parallel__isnull=False)),
        "acceptance": Count("pk", filter=Q(stage__kind=StageKind.ACCEPTANCE)),
        "average_days": Avg("used_workdays", filter=HANDLED),
    }


def statistics(user, start: datetime.date | None = None, end: datetime.date | None = None) -> dict:
    cases = ItemInstance.objects.restrict(user, "view")
    joint = JointAcceptance.objects.restrict(user, "view")
    if start:
        cases, joint = cases.filter(received_at__date__gte=start), joint.filter(applied_on__gte=start)
    if end:
        cases, joint = cases.filter(received_at__date__lte=end), joint.filter(applied_on__lte=end)
    joint_by_division = dict(
        joint.values("project__division__name")
        .annotate(n=Count("pk"))
        .values_list("project__division__name", "n")
    )
    joint_by_department = dict(
        joint.values("lead_department__name")
        .annotate(n=Count("pk"))
        .values_list("lead_department__name", "n")
    )
    by_division = [
        {
            **row,
            "name": row["project__division__name"] or _("(no project)"),
            "joint": joint_by_division.get(row["project__division__name"], 0),
        }
        for row in cases.order_by()
        .values("project__division__name")
        .annotate(**_figures())
        .order_by("project__division__name")
    ]
    by_department = [
        {**row, "name": row["department__name"], "joint": joint_by_department.get(row["department__name"], 0)}
        for row in cases.order_by()
        .values("department__name")
        .annotate(**_figures())
        .order_by("department__name")
    ]
    trend = list(
        cases.filter(status__in=S.COMPLETED, completed_at__isnull=False)
        .annotate(month=TruncMonth("completed_at"))
        .order_by()
        .values("month")
        .annotate(handled=Count("pk"), overdue=Count("pk", filter=Q(clock_state=ClockState.OVERDUE)))
        .order_by("month")
    )
    totals = cases.order_by().aggregate(**_figures())
    totals["joint"] = joint.count()
    return {
        "by_division": by_division,
        "by_department": by_department,
        "trend": trend[-24:],
        "totals": totals,
    }


COLUMNS = (
    ("name", "Name"),
    ("cases", "Cases"),
    ("handled", "Handled"),
    ("open", "Open"),
    ("overdue", "Overdue"),
    ("parallel", "Parallel approvals"),
    ("acceptance", "Acceptance items"),
    ("joint", "Joint acceptances"),
    ("average_days", "Average handling time (working days)"),
)


def workbook(figures: dict) -> bytes:
    labels = {
        "Name": _("Name"),
        "Cases": _("Cases"),
        "Handled": _("Handled"),
        "Open": _("Open"),
        "Overdue": _("Overdue"),
        "Parallel approvals": _("Parallel approvals"),
        "Acceptance items": _("Acceptance items"),
        "Joint acceptances": _("Joint acceptances"),
        "Average handling time (working days)": _("Average handling time (working days)"),
    }
    book = Workbook()
    book.remove(book.active)
    for title, rows in (
        (_("By district"), figures["by_division"]),
        (_("By department"), figures["by_department"]),
    ):
        sheet = book.create_sheet(title)
        for column, (_key, label) in enumerate(COLUMNS, start=1):
            write_cell(sheet, 1, column, labels[label])
        for line, row in enumerate(rows, start=2):
            for column, (key, _label) in enumerate(COLUMNS, start=1):
                value = row.get(key)
                write_cell(sheet, line, column, round(value, 2) if isinstance(value, float) else value)
    sheet = book.create_sheet(_("Trend"))
    for column, label in enumerate((_("Month"), _("Handled"), _("Overdue")), start=1):
        write_cell(sheet, 1, column, label)
    for line, row in enumerate(figures["trend"], start=2):
        write_cell(sheet, line, 1, row["month"].strftime("%Y-%m"))
        write_cell(sheet, line, 2, row["handled"])
        write_cell(sheet, line, 3, row["overdue"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
