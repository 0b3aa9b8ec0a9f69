"""The figures of the three LDAR big screens (spec §8 [1–3]) and of the LDAR home-page KPIs.

Every figure is an aggregate in the database through ``restrict(user, "view")``: a bureau counts its
jurisdiction, an enterprise itself, a testing agency the enterprises it serves. The functions return
JSON-ready dicts in the shapes of ``lantian.core.dashboards.Widget``; the views only cache and send
them. Repair figures come from the repair tasks (``models.repair.RepairTask``): a routine repair is
a task closed without a delay, a delayed repair one whose delay the bureau approved. Readings and
leaks per month come from the monthly statistics (``RepairMonth``) and the days a point is due for
detection from ``DetectionDue``, both kept by the repair module's periodic jobs. Seal points and due
states are counted from the roll-ups database triggers keep (``models.rollups``: a few rows per unit
or enterprise instead of 250,000 points), read with the permission and scope of the rows they count.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, Max, Min, Q, Sum
from django.db.models.functions import TruncMonth
from django.utils.translation import gettext as _

from lantian.core.dashboards import share
from lantian.core.models import Organization, OrganizationLink, ReviewStatus
from lantian.core.scope import permission_name
from lantian.ldar.models import (
    DetectionCycle,
    DetectionRecord,
    EnterpriseProfile,
    ProcessUnit,
    RetestRecord,
    SealPoint,
    SealPointCount,
    SealPointType,
)
from lantian.ldar.models.repair import DelayedRepair, DetectionDue, RepairMonth, RepairTask
from lantian.ldar.models.rollups import DetectionDueCount

RANKED = 10  # rows of a ranking
DISTRIBUTED = 12  # bars of a distribution; the rest are summed as "others"
TREND_MONTHS = 12

# --- the enterprise leak-risk grade (stated on the city screen) ---

MANDATORY_POINTS = 2000  # GB 37822-2019 §8.1: LDAR is mandatory from 2,000 seal points
HIGH_LEAK_RATE = 2.0  # % of the year's readings; plants report 1–3 %, so above 2 % stands out
HIGH, MEDIUM, LOW = "high", "medium", "low"
GRADE_COLORS = {HIGH: "#ff4d4f", MEDIUM: "#ffc53d", LOW: "#73d13d"}


def risk_grade(points: int, leak_rate: float) -> str:
    """High when the enterprise has ≥ 2,000 seal points and a leak rate ≥ 2 %, medium when one of the
    two holds, low when neither does."""
    large, leaky = points >= MANDATORY_POINTS, leak_rate >= HIGH_LEAK_RATE
    if large and leaky:
        return HIGH
    return MEDIUM if large or leaky else LOW


def grade_labels() -> dict[str, str]:
    return {HIGH: _("High risk"), MEDIUM: _("Medium risk"), LOW: _("Low risk")}


def risk_rule() -> list[str]:
    return [
        _(
            "High: %(points)s or more valid seal points and a leak rate of %(rate)s%% or more; medium: "
            "one of the two; low: neither."
        )
        % {"points": f"{MANDATORY_POINTS:,}", "rate": HIGH_LEAK_RATE},
        _(
            "Leak rate: leaking readings ÷ readings of the year so far. %(points)s seal points is the "
            "size from which LDAR is mandatory (GB 37822-2019 §8.1)."
        )
        % {"points": f"{MANDATORY_POINTS:,}"},
    ]


# --- helpers ---


def enterprises_of(user):
    return Organization.objects.restrict(user, "view").filter(
        kind=Organization.Kind.ENTERPRISE, is_active=True
    )


def name_of(row: dict, prefix: str = "enterprise__") -> str:
    return row[f"{prefix}short_name"] or row[f"{prefix}name"]


def year_span(year: int) -> tuple[datetime.date, datetime.date]:
    return datetime.date(year, 1, 1), datetime.date(year, 12, 31)


def month_starts(today: datetime.date, months: int) -> list[datetime.date]:
    """The first days of the last ``months`` months, oldest first, this month last."""
    index = today.year * 12 + today.month - 1
    return [datetime.date((index - k) // 12, (index - k) % 12 + 1, 1) for k in range(months - 1, -1, -1)]


def top(rows: list[dict], label, value: str = "n", limit: int = DISTRIBUTED, others: str = "") -> dict:
    """The ``limit`` largest rows as a series, the rest summed under ``others``."""
    rows = sorted(rows, key=lambda row: -row[value])
    shown, rest = rows[:limit], rows[limit:]
    names = [label(row) for row in shown]
    values = [row[value] for row in shown]
    if rest:
        names.append(others or _("Others"))
        values.append(sum(row[value] for row in rest))
    return {"categories": names, "values": values}


@dataclass
class PointFigures:
    """The valid seal points a user sees, by enterprise, unit, type, accessibility and dynamic/static,
    read from the roll-up the archive's triggers keep (``SealPointCount``: a few rows per unit, not
    the points); every point figure is a sum of it."""

    groups: list[tuple[int, int, int, bool, bool, int]]

    @classmethod
    def of(cls, user) -> PointFigures:
        return cls(list(visible_point_counts(user).values_list(*POINT_KEY, "n")))

    def count(self, accessible: bool | None = None, dynamic: bool | None = None) -> int:
        return sum(
            n
            for _e, _u, _t, is_accessible, is_dynamic, n in self.groups
            if (accessible is None or is_accessible == accessible)
            and (dynamic is None or is_dynamic == dynamic)
        )

    def counts(self) -> dict[str, int]:
        return {
            "total": self.count(),
            "accessible": self.count(accessible=True),
            "inaccessible": self.count(accessible=False),
            "dynamic": self.count(dynamic=True),
            "static": self.count(dynamic=False),
        }

    def by(self, position: int) -> dict[int, int]:
        """Points per enterprise (0), unit (1) or seal-point type (2)."""
        totals: dict[int, int] = {}
        for group in self.groups:
            totals[group[position]] = totals.get(group[position], 0) + group[5]
        return totals


POINT_KEY = ("enterprise_id", "unit_id", "seal_type_id", "accessible", "is_dynamic")


def visible_point_counts(user):
    """The roll-up's rows of the seal points ``user`` may view: the seal points' permission and scope."""
    if not user.is_authenticated or not user.has_perm(permission_name(SealPoint, "view")):
        return SealPointCount.objects.none()
    return SealPointCount.objects.within_scope(user, "view").filter(n__gt=0).order_by()


def approved_agencies_of(user, enterprises):
    """Testing agencies with an approved filing that the user sees: in the user's subtree, or serving
    an enterprise the user sees."""
    from lantian.agencies.approval import approved_agencies

    serving = OrganizationLink.objects.filter(client__in=enterprises).values("provider_id")
    visible = Organization.objects.restrict(user, "view").values("pk")
    return approved_agencies().filter(Q(pk__in=visible) | Q(pk__in=serving))


# --- [1] the city overview ---


def leak_rates(user, year: int) -> dict[int, tuple[int, int]]:
    """enterprise id → (readings, leaking readings) of ``year``, from the monthly statistics the repair
    module's periodic job keeps (``RepairMonth``: a few rows per enterprise, not the readings)."""
    rows = (
        RepairMonth.objects.restrict(user, "view")
        .filter(month__range=year_span(year))
        .values("enterprise_id")
        .annotate(n=Sum("detected"), leaking=Sum("leaking"))
        .order_by()
    )
    return {row["enterprise_id"]: (row["n"], row["leaking"]) for row in rows}


def city_overview(user, today: datetime.date) -> dict:
    enterprises = enterprises_of(user)
    figures = PointFigures.of(user)
    counts, per_enterprise = figures.counts(), figures.by(0)
    rates = leak_rates(user, today.year)
    listed = list(
        enterprises.filter(pk__in=set(per_enterprise) | set(rates)).values(
            "pk", "name", "short_name", "latitude", "longitude"
        )
    )
    labels = grade_labels()
    graded = []
    for row in listed:
        readings, leaking = rates.get(row["pk"], (0, 0))
        rate = share(leaking, readings)
        graded.append({**row, "points": per_enterprise.get(row["pk"], 0), "rate": rate, "leaking": leaking})
        graded[-1]["grade"] = risk_grade(graded[-1]["points"], rate)
    order = {HIGH: 0, MEDIUM: 1, LOW: 2}
    graded.sort(key=lambda row: (order[row["grade"]], -row["rate"], -row["points"]))
    agencies = approved_agencies_of(user, enterprises)
    return {
        "kpis": [
            {"label": _("Enterprises"), "value": enterprises.count()},
            {"label": _("Enterprises with an LDAR archive"), "value": len(per_enterprise)},
            {"label": _("Approved testing agencies"), "value": agencies.count()},
            {"label": _("Valid seal points"), "value": counts["total"]},
            {"label": _("Accessible"), "value": counts["accessible"]},
            {
                "label": _("Inaccessible"),
                "value": counts["inaccessible"],
                "attention": counts["inaccessible"] > 0,
            },
        ],
        "grades": {
            "columns": [_("Enterprise"), _("Seal points"), _("Leak rate (%)"), _("Risk grade")],
            "rows": [
                [row["short_name"] or row["name"], row["points"], row["rate"], labels[row["grade"]]]
                for row in graded[: RANKED + 2]
            ],
        },
        "grade_counts": {
            "categories": [labels[g] for g in (HIGH, MEDIUM, LOW)],
            "values": [sum(1 for row in graded if row["grade"] == g) for g in (HIGH, MEDIUM, LOW)],
            "colors": [GRADE_COLORS[g] for g in (HIGH, MEDIUM, LOW)],
        },
        "rule": risk_rule(),
        "trend": leak_trend(user, today),
        "ranking": top(
            [row for row in graded if row["leaking"]],
            lambda row: row["short_name"] or row["name"],
            "leaking",
            RANKED,
        )
        | {"name": _("Leaks")},
        "agencies": agency_ranking(user, agencies),
        "map": {
            "points": [
                {
                    "name": row["name"],
                    "lat": float(row["latitude"]),
                    "lng": float(row["longitude"]),
                    "color": GRADE_COLORS[row["grade"]],
                    "label": f"{labels[row['grade']]} · {row['points']:,} · {row['rate']}%",
                }
                for row in graded
                if row["latitude"] is not None and row["longitude"] is not None
            ],
            "legend": [{"label": labels[g], "color": GRADE_COLORS[g]} for g in (HIGH, MEDIUM, LOW)],
        },
    }


def leak_trend(user, today: datetime.date) -> dict:
    """Leaks found and leaks repaired per month, the last twelve months."""
    months = month_starts(today, TREND_MONTHS)
    since = months[0]
    found = dict(
        RepairMonth.objects.restrict(user, "view")
        .filter(month__gte=since, month__lte=today)
        .values_list("month")
        .annotate(n=Sum("leaking"))
        .order_by()
    )
    repaired = dict(
        RepairTask.objects.restrict(user, "view")
        .filter(state=RepairTask.State.REPAIRED, closed_on__gte=since, closed_on__lte=today)
        .annotate(month=TruncMonth("closed_on"))
        .values_list("month")
        .annotate(n=Count("pk"))
        .order_by()
    )
    found, repaired = _by_month(found), _by_month(repaired)
    return {
        "categories": [f"{m:%Y-%m}" for m in months],
        "series": [
            {"name": _("Leaks found"), "values": [found.get(m, 0) for m in months]},
            {"name": _("Leaks repaired"), "values": [repaired.get(m, 0) for m in months]},
        ],
    }


def _by_month(counts: dict) -> dict[datetime.date, int]:
    # TruncMonth of a date is a date on PostgreSQL and SQLite alike; a datetime only if the field were one
    return {(m.date() if isinstance(m, datetime.datetime) else m): n for m, n in counts.items()}


def agency_ranking(user, agencies) -> dict:
    """Approved agencies by the detection rounds they carried out for the enterprises the user sees
    (a round ends in the agency's detection report)."""
    rows = list(
        DetectionCycle.objects.restrict(user, "view")
        .filter(agency__in=agencies)
        .values("agency__name", "agency__short_name")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return top(rows, lambda row: name_of(row, "agency__"), "n", RANKED) | {"name": _("Detection reports")}


# --- [2] enterprises compared by year ---


def enterprise_comparison(user, year: int) -> dict:
    start, end = year_span(year)
    leaks = _per_enterprise(
        DetectionRecord.objects.restrict(user, "view").filter(is_leak=True, detected_on__range=(start, end)),
        Count("seal_point", distinct=True),
    )
    tasks = RepairTask.objects.restrict(user, "view").filter(detected_on__range=(start, end))
    routine = _per_enterprise(
        tasks.filter(state=RepairTask.State.REPAIRED, delayed=False), Count("seal_point", distinct=True)
    )
    delayed = _per_enterprise(tasks.filter(delayed=True), Count("seal_point", distinct=True))
    retested = _per_enterprise(
        RetestRecord.objects.restrict(user, "view").filter(tested_at__date__range=(start, end)),
        Count("seal_point", distinct=True),
    )
    names = dict(
        (row["pk"], row["short_name"] or row["name"])
        for row in enterprises_of(user)
        .filter(pk__in=set(leaks) | set(routine) | set(delayed) | set(retested))
        .values("pk", "name", "short_name")
    )
    order = sorted(names, key=lambda pk: (-leaks.get(pk, 0), names[pk]))
    series = [
        (_("Leak points"), leaks),
        (_("Routine repair points"), routine),
        (_("Re-tested points"), retested),
        (_("Delayed repair points"), delayed),
    ]
    return {
        "comparison": {
            "categories": [names[pk] for pk in order],
            "series": [
                {"name": label, "values": [counts.get(pk, 0) for pk in order]} for label, counts in series
            ],
        },
        "table": {
            "columns": [_("Enterprise"), *(label for label, _counts in series), _("Repaired (%)")],
            "rows": [
                [
                    names[pk],
                    *(counts.get(pk, 0) for _label, counts in series),
                    share(routine.get(pk, 0) + delayed.get(pk, 0), leaks.get(pk, 0)),
                ]
                for pk in order
            ],
        },
        "totals": [
            {"label": label, "value": sum(counts.get(pk, 0) for pk in names)} for label, counts in series
        ],
    }


def _per_enterprise(queryset, aggregate) -> dict[int, int]:
    return dict(queryset.values_list("enterprise_id").annotate(n=aggregate).order_by())


def comparison_years(user, today: datetime.date) -> list[int]:
    """The years with detection cycles the user sees (this year always), newest first."""
    years = set(DetectionCycle.objects.restrict(user, "view").values_list("year", flat=True).distinct())
    return sorted(years | {today.year}, reverse=True)


# --- [3] seal-point statistics ---


def seal_point_screen(user, today: datetime.date) -> dict:
    figures = PointFigures.of(user)
    counts, due = figures.counts(), due_counts(user)
    type_names = dict(SealPointType.objects.values_list("pk", "name"))
    by_type = [{"name": type_names[pk], "n": n} for pk, n in figures.by(2).items()]
    units = figures.by(1)
    unit_rows = ProcessUnit.objects.filter(pk__in=list(units)).values_list(
        "pk", "name", "enterprise__name", "enterprise__short_name"
    )
    several = len(figures.by(0)) > 1
    by_unit = [
        {"name": f"{short or enterprise}·{name}" if several else name, "n": units[pk]}
        for pk, name, enterprise, short in unit_rows
    ]
    return {
        "kpis": [
            {"label": _("Valid seal points"), "value": counts["total"]},
            {"label": _("Accessible"), "value": counts["accessible"]},
            {
                "label": _("Inaccessible"),
                "value": counts["inaccessible"],
                "attention": counts["inaccessible"] > 0,
            },
            {"label": _("Dynamic"), "value": counts["dynamic"]},
            {"label": _("Static"), "value": counts["static"]},
            {"label": _("Due for detection"), "value": due["due"], "attention": due["due"] > 0},
        ],
        "by_type": top(by_type, lambda row: row["name"], "n"),
        "dynamic_static": {
            "categories": [_("Dynamic"), _("Static")],
            "values": [counts["dynamic"], counts["static"]],
        },
        "by_unit": top(by_unit, lambda row: row["name"], "n") | {"name": _("Seal points")},
        "cycles": current_cycles(user, today),
    }


@dataclass(frozen=True)
class CurrentCycle:
    enterprise: str
    name: str
    accounting_start: datetime.date
    accounting_end: datetime.date
    next_start: datetime.date | None
    next_registered: bool


def current_cycles_of(user, today: datetime.date) -> list[CurrentCycle]:
    """Per enterprise, the cycle whose accounting period holds today (else the latest that started),
    and when the next round starts: the next registered cycle's accounting start, else the day after
    this one's accounting end."""
    cycles = (
        DetectionCycle.objects.restrict(user, "view")
        .select_related("enterprise")
        .order_by("enterprise_id", "accounting_start")
    )
    latest = (
        cycles.filter(accounting_start__lte=today)
        .values("enterprise_id")
        .annotate(start=Max("accounting_start"))
        .order_by()
    )
    starts = {row["enterprise_id"]: row["start"] for row in latest}
    current = [
        c
        for c in cycles.filter(enterprise_id__in=list(starts))
        if c.accounting_start == starts[c.enterprise_id]
    ]
    nearest = dict(
        cycles.filter(accounting_start__gt=today)
        .values_list("enterprise_id")
        .annotate(start=Min("accounting_start"))
        .order_by()
    )
    result = []
    for cycle in current:
        registered = nearest.get(cycle.enterprise_id)
        result.append(
            CurrentCycle(
                enterprise=cycle.enterprise.short_name or cycle.enterprise.name,
                name=str(cycle),
                accounting_start=cycle.accounting_start,
                accounting_end=cycle.accounting_end,
                next_start=registered or cycle.accounting_end + datetime.timedelta(days=1),
                next_registered=registered is not None,
            )
        )
    return sorted(result, key=lambda c: c.enterprise)


def current_cycles(user, today: datetime.date) -> dict:
    rows = current_cycles_of(user, today)
    return {
        "columns": [_("Enterprise"), _("Current round"), _("Accounting period"), _("Next round starts")],
        "rows": [
            [
                c.enterprise,
                c.name,
                f"{c.accounting_start:%Y-%m-%d} ~ {c.accounting_end:%Y-%m-%d}",
                f"{c.next_start:%Y-%m-%d}" + ("" if c.next_registered else _(" (planned)")),
            ]
            for c in rows
        ],
    }


# --- the home-page KPIs ---


def due_counts(user) -> dict[str, int]:
    """Valid seal points overdue for detection, never detected, and due within 30 days (the states
    the repair module's periodic job stores, counted per enterprise by the ``DetectionDueCount``
    roll-up); ``due`` is the first two together."""
    states = dict(visible_due_counts(user).values_list("state").annotate(total=Sum("n")).order_by())
    State = DetectionDue.State
    overdue, never = states.get(State.OVERDUE, 0), states.get(State.NEVER, 0)
    return {"overdue": overdue, "never": never, "due": overdue + never, "soon": states.get(State.DUE_SOON, 0)}


def visible_due_counts(user):
    """The roll-up's rows of the detection-due states ``user`` may view (the job keeps valid points only)."""
    if not user.is_authenticated or not user.has_perm(permission_name(DetectionDue, "view")):
        return DetectionDueCount.objects.none()
    return DetectionDueCount.objects.within_scope(user, "view").filter(n__gt=0).order_by()


def pending_reviews(user):
    """The LDAR records awaiting the bureau's review that the user sees: enterprise profiles and
    delayed repairs."""
    submitted = ReviewStatus.SUBMITTED
    return {
        "profiles": EnterpriseProfile.objects.restrict(user, "view").filter(status=submitted).count(),
        "delays": DelayedRepair.objects.restrict(user, "view").filter(status=submitted).count(),
    }


def home_kpis(user) -> dict[str, int]:
    tasks = RepairTask.objects.restrict(user, "view")
    reviews = pending_reviews(user)
    return {
        "open_leaks": tasks.filter(state=RepairTask.State.OPEN).count(),
        "overdue_repairs": tasks.filter(state=RepairTask.State.OPEN, overdue=True).count(),
        **due_counts(user),
        "pending_reviews": reviews["profiles"] + reviews["delays"],
        "pending_delays": reviews["delays"],
    }
