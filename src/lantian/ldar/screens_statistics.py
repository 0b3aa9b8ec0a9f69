"""The LDAR statistics pages (spec §8 [11]): seal points by type, dynamic/static and unit [11.1];
detected points by type, unit and area [11.2]; re-tested points by type over a chosen period [11.3].

Each page is a set of breakdowns (a count and a share per category), filtered by enterprise, unit and
area (and period), counted in the database through ``restrict(user, "view")``. A breakdown is drawn
as a chart beside its table and exported to xlsx (``workbook``).
"""

from __future__ import annotations

import datetime
import io
from collections import Counter
from dataclasses import dataclass

from django import forms
from django.core.exceptions import ValidationError
from django.db import connections
from django.db.models import Case, Count, Max, Min, Q, Sum, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.styles import Font

from lantian.core.dashboards import share
from lantian.core.dropdowns import ALL, label_empty_choice
from lantian.core.excel.cells import write_cell
from lantian.core.forms import style_widget
from lantian.core.models import Organization
from lantian.ldar.models import Area, DetectionRecord, ProcessUnit, RetestRecord, SealPoint, SealPointType
from lantian.ldar.screens import enterprises_of, visible_point_counts

MAX_PERIOD_DAYS = 3 * 366 + 1  # a period longer than three years is refused (records are kept three)


@dataclass(frozen=True)
class Breakdown:
    key: str
    title: str
    chart: str  # "pie" or "bar" (lantian.core.dashboards widget kinds)
    category: str  # the header of the label column
    rows: list[tuple[str, int]]
    measure: str  # the header of the count column

    @property
    def total(self) -> int:
        return sum(n for _label, n in self.rows)

    @property
    def table(self) -> list[tuple[str, int, float]]:
        total = self.total
        return [(label, n, share(n, total)) for label, n in self.rows]

    @property
    def element_id(self) -> str:
        return f"chart-{self.key}"

    @property
    def chart_data(self) -> dict:
        return {"categories": [label for label, _n in self.rows], "values": [n for _label, n in self.rows]}


class StatisticsFilter(forms.Form):
    """Enterprise, unit and area (each limited to what the user sees, and the unit and area to the
    chosen enterprise); a period on the pages that count detections."""

    enterprise = forms.ModelChoiceField(queryset=None, required=False, label=gettext_lazy("enterprise"))
    unit = forms.ModelChoiceField(queryset=None, required=False, label=gettext_lazy("unit"))
    area = forms.ModelChoiceField(queryset=None, required=False, label=gettext_lazy("area"))
    date_from = forms.DateField(required=False, label=gettext_lazy("from"))
    date_to = forms.DateField(required=False, label=gettext_lazy("to"))

    def __init__(self, *args, user, with_period: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.with_period = with_period
        if not with_period:
            del self.fields["date_from"], self.fields["date_to"]
        enterprises = enterprises_of(user).order_by("name")
        units = ProcessUnit.objects.restrict(user, "view").select_related("enterprise")
        areas = Area.objects.restrict(user, "view").select_related("unit")
        chosen = self.data.get("enterprise")
        if chosen and str(chosen).isdigit():
            units, areas = units.filter(enterprise_id=chosen), areas.filter(enterprise_id=chosen)
        self.fields["enterprise"].queryset = enterprises
        self.fields["unit"].queryset = units.order_by("enterprise_id", "code")
        self.fields["area"].queryset = areas.order_by("unit_id", "code")
        self.fields["unit"].label_from_instance = lambda unit: f"{unit.name}（{unit.code}）"
        self.fields["area"].label_from_instance = lambda area: f"{area.unit.name} · {area.name}"
        for field in self.fields.values():
            if isinstance(field, forms.ModelChoiceField):
                field.widget.attrs.update({"data-searchable": "", "data-no-results": _("Nothing matches.")})
            style_widget(field.widget)
            label_empty_choice(field, ALL)
        if not (chosen and str(chosen).isdigit()) and enterprises[:2].count() > 1:
            for name in ("unit", "area"):
                self.offer_only_chosen(name)

    def offer_only_chosen(self, name: str) -> None:
        """With no enterprise chosen, a city's hundreds of units and thousands of areas are not listed
        (building their options cost a bureau's page two seconds): the dropdown offers the chosen one
        only, and asks for an enterprise. Any visible unit or area is still accepted."""
        field = self.fields[name]
        value = self.data.get(name)
        chosen = field.queryset.filter(pk=value) if value and str(value).isdigit() else field.queryset.none()
        field.widget.choices = [("", _("All (choose an enterprise to list them)"))] + [
            (item.pk, field.label_from_instance(item)) for item in chosen
        ]

    def clean(self):
        data = super().clean()
        unit, area = data.get("unit"), data.get("area")
        if unit and area and area.unit_id != unit.pk:
            self.add_error("area", _("The area is not in the chosen unit."))
        if self.with_period:
            start, end = self.period_of(data)
            if end < start:
                self.add_error("date_to", _("The period cannot end before it starts."))
            elif (end - start).days > MAX_PERIOD_DAYS:
                self.add_error("date_to", _("Choose a period of at most three years."))
        return data

    @staticmethod
    def period_of(data) -> tuple[datetime.date, datetime.date]:
        today = timezone.localdate()
        return data.get("date_from") or today.replace(month=1, day=1), data.get("date_to") or today

    def period(self) -> tuple[datetime.date, datetime.date]:
        return self.period_of(self.cleaned_data)

    def narrow(self, queryset):
        """``queryset`` (seal points or records, which carry enterprise, unit and area) filtered."""
        data = self.cleaned_data
        for name in ("enterprise", "unit", "area"):
            if data.get(name):
                queryset = queryset.filter(**{name: data[name]})
        return queryset


def grouped(queryset, label: str, measure) -> list[tuple[str, int]]:
    rows = queryset.values(label).annotate(n=measure).order_by("-n", label)
    return [(row[label] or "—", row["n"]) for row in rows]


def unit_label(queryset, measure, enterprise_chosen: bool) -> list[tuple[str, int]]:
    """By unit; with several enterprises the unit is named with its enterprise."""
    fields = (
        ("unit__name",) if enterprise_chosen else ("enterprise__short_name", "enterprise__name", "unit__name")
    )
    rows = queryset.values(*fields).annotate(n=measure).order_by("-n", *fields)
    if enterprise_chosen:
        return [(row["unit__name"], row["n"]) for row in rows]
    return [
        (f"{row['enterprise__short_name'] or row['enterprise__name']} · {row['unit__name']}", row["n"])
        for row in rows
    ]


def area_label(queryset, measure) -> list[tuple[str, int]]:
    rows = (
        queryset.values("unit__name", "area__name")
        .annotate(n=measure)
        .order_by("-n", "unit__name", "area__name")
    )
    return [(f"{row['unit__name']} · {row['area__name']}", row["n"]) for row in rows]


def seal_point_statistics(user, form: StatisticsFilter) -> list[Breakdown]:
    """Valid seal points by type, dynamic/static and unit [11.1], summed from the roll-up the archive's
    triggers keep (``SealPointCount``: a few rows per unit and type, not the 250,000 points). The roll-up
    has no area: filtered by an area, the area's points are counted through the tree index's prefix."""
    area = form.cleaned_data.get("area")
    if area is None:
        rows = form.narrow(visible_point_counts(user))

        def points(condition=None):
            return Sum("n", filter=condition)
    else:
        rows = form.narrow(
            SealPoint.objects.restrict(user, "view")
            .filter(is_valid=True, enterprise_id=area.enterprise_id, unit_id=area.unit_id)
            .order_by()
        )

        def points(condition=None):
            return Count("pk", filter=condition)

    counts = rows.aggregate(
        dynamic=Coalesce(points(Q(is_dynamic=True)), 0), static=Coalesce(points(Q(is_dynamic=False)), 0)
    )
    measure, header = points(), _("Seal points")
    return [
        Breakdown(
            "type",
            _("Seal points by type"),
            "pie",
            _("Seal-point type"),
            grouped(rows, "seal_type__name", measure),
            header,
        ),
        Breakdown(
            "dynamic",
            _("Dynamic and static seal points"),
            "pie",
            _("Kind"),
            [(_("Dynamic"), counts["dynamic"]), (_("Static"), counts["static"])],
            header,
        ),
        Breakdown(
            "unit",
            _("Seal points by unit"),
            "bar",
            _("Unit"),
            unit_label(rows, measure, bool(form.cleaned_data.get("enterprise"))),
            header,
        ),
    ]


def detected_point_statistics(user, form: StatisticsFilter) -> list[Breakdown]:
    """Seal points the testing agencies detected in the period, by type, unit and area [11.2].

    The period's readings (half a million for a city's year) are read once, each seal point reduced to
    one row, and the rows counted per type, enterprise, unit and area (``detected_groups``); the four
    breakdowns are sums of those few thousand groups. Only if a point's readings in the period carry two
    types, units or areas (it was moved) would a sum count it twice: then each breakdown counts the
    distinct points itself."""
    start, end = form.period()
    records = form.narrow(
        DetectionRecord.objects.restrict(user, "view").filter(detected_on__range=(start, end))
    )
    enterprise_chosen = bool(form.cleaned_data.get("enterprise"))
    groups = detected_groups(records)
    if groups is None:
        measure = Count("seal_point", distinct=True)
        by_type = grouped(records, "seal_type__name", measure)
        by_unit = unit_label(records, measure, enterprise_chosen)
        by_area = area_label(records, measure)
        leaks = grouped(records.filter(is_leak=True), "seal_type__name", measure)
    else:
        by_type, by_unit, by_area, leaks = summed_breakdowns(groups, enterprise_chosen)
    header = _("Detected points")
    return [
        Breakdown("type", _("Detected points by type"), "pie", _("Seal-point type"), by_type, header),
        Breakdown("unit", _("Detected points by unit"), "bar", _("Unit"), by_unit, header),
        Breakdown("area", _("Detected points by area"), "bar", _("Area"), by_area, header),
        Breakdown(
            "leaks", _("Leaking points by type"), "bar", _("Seal-point type"), leaks, _("Leaking points")
        ),
    ]


def detected_groups(records) -> list[tuple[int, int, int, int, int, int]] | None:
    """(type, enterprise, unit, area, detected points, leaking points) of ``records``, each seal point
    counted once, in one statement; None if a point's readings carry two types, enterprises, units or
    areas (a point counted under two groups)."""
    per_point = (
        records.order_by()
        .values("seal_point_id")
        .annotate(
            **{
                f"{name}_{end}": aggregate(column)
                for name, column in (
                    ("t", "seal_type_id"),
                    ("e", "enterprise_id"),
                    ("u", "unit_id"),
                    ("a", "area_id"),
                )
                for end, aggregate in (("lo", Min), ("hi", Max))
            },
            leaked=Max(Case(When(is_leak=True, then=Value(1)), default=Value(0))),
        )
    )
    inner, params = per_point.query.sql_with_params()
    moved = " OR ".join(f"{name}_lo <> {name}_hi" for name in "teua")
    with connections[records.db].cursor() as cursor:
        cursor.execute(
            f"SELECT t_lo, e_lo, u_lo, a_lo, COUNT(*), SUM(leaked), SUM(CASE WHEN {moved} THEN 1 ELSE 0 END) "
            f"FROM ({inner}) AS points GROUP BY t_lo, e_lo, u_lo, a_lo",
            params,
        )
        rows = cursor.fetchall()
    if any(row[6] for row in rows):
        return None
    return [row[:6] for row in rows]


def summed_breakdowns(groups, enterprise_chosen: bool) -> tuple[list, list, list, list]:
    """By type, by unit, by area and leaking by type, labelled and grouped as ``grouped``,
    ``unit_label`` and ``area_label`` label and group the records."""
    types = dict(SealPointType.objects.filter(pk__in={g[0] for g in groups}).values_list("pk", "name"))
    enterprises = {
        pk: (short, name)
        for pk, short, name in Organization.objects.filter(pk__in={g[1] for g in groups}).values_list(
            "pk", "short_name", "name"
        )
    }
    units = dict(ProcessUnit.objects.filter(pk__in={g[2] for g in groups}).values_list("pk", "name"))
    areas = dict(Area.objects.filter(pk__in={g[3] for g in groups}).values_list("pk", "name"))
    by_type, by_unit, by_area, leaks = Counter(), Counter(), Counter(), Counter()
    for seal_type, enterprise, unit, area, n, leaking in groups:
        type_name = types[seal_type] or "—"
        by_type[type_name] += n
        leaks[type_name] += leaking
        by_unit[(units[unit],) if enterprise_chosen else (*enterprises[enterprise], units[unit])] += n
        by_area[(units[unit], areas[area])] += n

    def unit_name(key) -> str:
        if enterprise_chosen:
            return key[0]
        short, name, unit = key
        return f"{short or name} · {unit}"

    def ordered(counts: Counter, label) -> list[tuple[str, int]]:
        rows = sorted(((key, n) for key, n in counts.items() if n), key=lambda row: (-row[1], row[0]))
        return [(label(key), n) for key, n in rows]

    return (
        ordered(by_type, str),
        ordered(by_unit, unit_name),
        ordered(by_area, lambda key: f"{key[0]} · {key[1]}"),
        ordered(leaks, str),
    )


def retested_point_statistics(user, form: StatisticsFilter) -> list[Breakdown]:
    """Seal points re-tested in the period, by type [11.3] (and unit). Both breakdowns come from one
    grouped query; the period is a range of instants (the local days' bounds), which the re-tests'
    ``(enterprise, tested_at)`` index serves, not a date computed from every re-test."""
    start, end = form.period()
    zone = timezone.get_current_timezone()
    since = datetime.datetime.combine(start, datetime.time.min, tzinfo=zone)
    until = datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time.min, tzinfo=zone)
    retests = RetestRecord.objects.restrict(user, "view").filter(tested_at__gte=since, tested_at__lt=until)
    data = form.cleaned_data
    if data.get("enterprise"):
        retests = retests.filter(enterprise=data["enterprise"])
    if data.get("unit"):
        retests = retests.filter(seal_point__unit=data["unit"])
    if data.get("area"):
        retests = retests.filter(seal_point__area=data["area"])
    label = "seal_point__seal_type__name"
    rows = list(
        retests.values(label).annotate(
            n=Count("seal_point", distinct=True),
            passed=Count("seal_point", distinct=True, filter=Q(is_leak=False)),
        )
    )

    def ordered(measure: str) -> list[tuple[str, int]]:
        return sorted(((row[label] or "—", row[measure]) for row in rows if row[measure]), key=ranked)

    return [
        Breakdown(
            "type",
            _("Re-tested points by type"),
            "pie",
            _("Seal-point type"),
            ordered("n"),
            _("Re-tested points"),
        ),
        Breakdown(
            "passed",
            _("Re-tested points below the threshold, by type"),
            "bar",
            _("Seal-point type"),
            ordered("passed"),
            _("Points below the threshold"),
        ),
    ]


def ranked(row: tuple[str, int]) -> tuple[int, str]:
    """Most first, then by label."""
    return -row[1], row[0]


@dataclass(frozen=True)
class Page:
    key: str
    title: str
    permission: str
    with_period: bool
    compute: object  # (user, form) -> list[Breakdown]


PAGES = {
    "sealpoints": Page(
        "sealpoints",
        gettext_lazy("Seal-point statistics"),
        "ldar.view_sealpoint",
        False,
        seal_point_statistics,
    ),
    "detected": Page(
        "detected",
        gettext_lazy("Detected-point statistics"),
        "ldar.view_detectionrecord",
        True,
        detected_point_statistics,
    ),
    "retested": Page(
        "retested",
        gettext_lazy("Re-tested-point statistics"),
        "ldar.view_retestrecord",
        True,
        retested_point_statistics,
    ),
}


def filter_lines(form: StatisticsFilter) -> list[str]:
    """What the figures were filtered by, in words, for the workbook's heading."""
    data = form.cleaned_data
    lines = []
    for name in ("enterprise", "unit", "area"):
        if data.get(name):
            lines.append(f"{form.fields[name].label}：{data[name]}")
    if form.with_period:
        start, end = form.period()
        lines.append(_("Period: %(start)s to %(end)s") % {"start": start, "end": end})
    return lines


def workbook(page: Page, breakdowns: list[Breakdown], form: StatisticsFilter) -> bytes:
    """The breakdowns as an xlsx workbook: one sheet each, a heading with the filters, then the
    category, the count and its share, and the total."""
    book = Workbook()
    book.remove(book.active)
    bold = Font(bold=True)
    for breakdown in breakdowns:
        sheet = book.create_sheet(title=breakdown.title[:31])
        write_cell(sheet, 1, 1, f"{page.title} · {breakdown.title}").font = Font(bold=True, size=13)
        row = 2
        for line in filter_lines(form):
            write_cell(sheet, row, 1, line)
            row += 1
        row += 1
        for column, header in enumerate((breakdown.category, breakdown.measure, _("Share (%)")), start=1):
            write_cell(sheet, row, column, header).font = bold
        for label, n, percent in breakdown.table:
            row += 1
            write_cell(sheet, row, 1, label)
            write_cell(sheet, row, 2, n)
            write_cell(sheet, row, 3, percent)
        row += 1
        write_cell(sheet, row, 1, _("Total")).font = bold
        write_cell(sheet, row, 2, breakdown.total).font = bold
        write_cell(sheet, row, 3, 100.0 if breakdown.total else 0.0).font = bold
        sheet.column_dimensions["A"].width = 36
        sheet.column_dimensions["B"].width = 14
        sheet.column_dimensions["C"].width = 12
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def validate_chart(breakdowns: list[Breakdown], key: str | None) -> list[Breakdown]:
    """The breakdowns to export: all, or the one named ``key``."""
    if not key:
        return breakdowns
    chosen = [b for b in breakdowns if b.key == key]
    if not chosen:
        raise ValidationError(_("There is no chart %(key)s on this page.") % {"key": key})
    return chosen
