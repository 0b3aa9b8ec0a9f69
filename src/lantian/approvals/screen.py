"""The figures of the approvals big screen (the city approval bureau's 大屏).

Every figure is an aggregate in the database over the item instances the user may see
(``ItemInstance.objects.restrict(user, "view")``): a department counts its own cases, the bureau
those of every department under it. The clock figures are the stored ones of the periodic job
``approvals.clock`` (``clock_state``, ``overdue_by``, ``used_workdays``); nothing is recomputed here.
The query count does not depend on the number of cases: one aggregate per widget, and four for the
data-quality scores (``quality.department_scores``).

Definitions, the same as the statistics page (``approvals.statistics``):
- handled: completed (办结: codes 11, 12, 13); average handling time: the working days they used;
- overdue (bars and trend): cases past their limit, still open or handled late;
- in progress: open cases; a project is in progress while one of its cases is;
- warning / overdue (KPIs and pie): the clock state of the open cases now.
"""

from __future__ import annotations

import datetime

from django.db.models import Avg, Case, Count, F, FloatField, Q, Value, When
from django.db.models.functions import Coalesce, NullIf
from django.utils import timezone
from django.utils.translation import gettext as _

from lantian.approvals import quality
from lantian.approvals.models import ClockState, ItemInstance, LimitUnit
from lantian.approvals.standards import status as S
from lantian.core.models import Organization
from lantian.core.worktime import WorkCalendar, office_hours

TREND_MONTHS = 12
MOST_OVERDUE = 8  # rows of the table
HANDLED = Q(status__in=S.COMPLETED)
OVERDUE = Q(clock_state=ClockState.OVERDUE)
OPEN = Q(is_open=True)
STATE_COLORS = {ClockState.NORMAL: "#73d13d", ClockState.WARNING: "#ffc53d", ClockState.OVERDUE: "#ff4d4f"}


def month_starts(today: datetime.date, months: int) -> list[datetime.date]:
    """The first days of the last ``months`` months, oldest first, this month last."""
    index = today.year * 12 + today.month - 1
    return [datetime.date((index - k) // 12, (index - k) % 12 + 1, 1) for k in range(months - 1, -1, -1)]


def local_midnight(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time()))


def screen_figures(user, now: datetime.datetime | None = None) -> dict:
    """Everything the approvals big screen shows, for ``user``'s scope at ``now``."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    cases = ItemInstance.objects.restrict(user, "view").order_by()
    months = month_starts(today, TREND_MONTHS)
    totals = cases.aggregate(
        projects=Count("project", distinct=True, filter=OPEN),
        open=Count("pk", filter=OPEN),
        warning=Count("pk", filter=OPEN & Q(clock_state=ClockState.WARNING)),
        overdue=Count("pk", filter=OPEN & OVERDUE),
        handled_month=Count("pk", filter=HANDLED & Q(completed_at__gte=local_midnight(months[-1]))),
        average_days=Avg("used_workdays", filter=HANDLED),
    )
    return {
        "kpis": kpis(totals),
        "states": clock_states(totals),
        "by_division": handled_and_overdue(
            cases.values("project__division__name"), lambda row: row["project__division__name"]
        ),
        "by_department": handled_and_overdue(
            cases.values("department__name", "department__short_name"),
            lambda row: row["department__short_name"] or row["department__name"],
        ),
        "trend": trend(cases, months),
        "most_overdue": most_overdue(cases),
        "quality": quality_scores(user),
    }


def kpis(totals: dict) -> list[dict]:
    average = totals["average_days"]
    return [
        {"label": _("Projects in progress"), "value": totals["projects"]},
        {"label": _("Cases in progress"), "value": totals["open"]},
        {"label": _("Near the time limit"), "value": totals["warning"], "attention": bool(totals["warning"])},
        {"label": _("Overdue"), "value": totals["overdue"], "attention": bool(totals["overdue"])},
        {"label": _("Handled this month"), "value": totals["handled_month"]},
        {
            "label": _("Average handling time"),
            "value": round(average, 1) if average is not None else "—",
            "unit": _("working days"),
        },
    ]


def clock_states(totals: dict) -> dict:
    """The open cases by the state of their clock: normal, warning, overdue."""
    counts = {
        ClockState.NORMAL: totals["open"] - totals["warning"] - totals["overdue"],
        ClockState.WARNING: totals["warning"],
        ClockState.OVERDUE: totals["overdue"],
    }
    return {
        "categories": [str(state.label) for state in counts],
        "values": list(counts.values()),
        "colors": [STATE_COLORS[state] for state in counts],
    }


def handled_and_overdue(grouped, label) -> dict:
    """Handled and overdue cases per group of ``grouped`` (a ``values()`` queryset), most handled first."""
    rows = sorted(
        grouped.annotate(handled=Count("pk", filter=HANDLED), overdue=Count("pk", filter=OVERDUE)),
        key=lambda row: (-row["handled"], -row["overdue"], label(row) or ""),
    )
    return {
        "categories": [label(row) or _("(no project)") for row in rows],
        "series": [
            {"name": _("Handled"), "values": [row["handled"] for row in rows]},
            {"name": _("Overdue"), "values": [row["overdue"] for row in rows]},
        ],
    }


def trend(cases, months: list[datetime.date]) -> dict:
    """Cases handled per month over the last twelve months, and how many of them late: one aggregate
    of a count per month between local midnights (no per-row month function: SQLite's is Python)."""
    bounds = [local_midnight(month) for month in months] + [local_midnight(next_month(months[-1]))]
    figures = {}
    for n in range(len(months)):
        in_month = HANDLED & Q(completed_at__gte=bounds[n], completed_at__lt=bounds[n + 1])
        figures[f"handled_{n}"] = Count("pk", filter=in_month)
        figures[f"late_{n}"] = Count("pk", filter=in_month & OVERDUE)
    counts = cases.filter(HANDLED, completed_at__gte=bounds[0], completed_at__lt=bounds[-1]).aggregate(
        **figures
    )
    return {
        "categories": [f"{month:%Y-%m}" for month in months],
        "series": [
            {"name": _("Handled"), "values": [counts[f"handled_{n}"] for n in range(len(months))]},
            {"name": _("Handled late"), "values": [counts[f"late_{n}"] for n in range(len(months))]},
        ],
    }


def next_month(day: datetime.date) -> datetime.date:
    return datetime.date(day.year + day.month // 12, day.month % 12 + 1, 1)


def most_overdue(cases) -> dict:
    """The open overdue cases, longest overdue first (durations in different units compared in days:
    working hours by the working day's hours, natural hours by 24)."""
    per_day = WorkCalendar(hours=office_hours()).hours_per_day
    in_days = Case(
        When(limit_unit=LimitUnit.WORKHOURS, then=F("overdue_by") / Value(per_day)),
        When(limit_unit=LimitUnit.HOURS, then=F("overdue_by") / Value(24.0)),
        default=F("overdue_by"),
        output_field=FloatField(),
    )
    units = dict(LimitUnit.choices)
    rows = (
        cases.filter(OPEN & OVERDUE)
        .annotate(
            days=in_days,
            department_label=Coalesce(NullIf("department__short_name", Value("")), "department__name"),
        )
        .order_by("-days", "received_at", "pk")
        .values_list("code", "item__name", "department_label", "overdue_by", "limit_unit")
    )[:MOST_OVERDUE]
    return {
        "columns": [_("Case number"), _("Approval item"), _("Handling department"), _("Overdue by")],
        "rows": [
            [code, item, department, f"{overdue:.1f} {units.get(unit, unit)}"]
            for code, item, department, overdue, unit in rows
        ],
    }


def quality_scores(user) -> dict:
    """The data-quality score of each department the user may see (``quality.department_scores``),
    poorest first."""
    departments = (
        Organization.objects.restrict(user, "view")
        .filter(kind=Organization.Kind.DEPARTMENT, is_active=True, approval_items__isnull=False)
        .distinct()
        .only("pk", "name", "short_name")
    )
    scores = quality.department_scores(departments, quality.scoring_run(user))
    return {
        "categories": [row["department"].short_name or row["department"].name for row in scores],
        "values": [row["score"] for row in scores],
        "name": _("Data-quality score"),
    }
