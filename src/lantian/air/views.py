"""Pages of the air-quality module that the generic views do not give: the live map and its JSON,
a station's 72 hours, the evaluation and rankings (with xlsx), the hourly import, anomaly counts,
audit marks (created and revoked through actions) and the handling of anomalies."""

from __future__ import annotations

import io
from datetime import date

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from lantian.core.excel.cells import write_cell
from lantian.core.views.excel import download_response
from lantian.core.views.generic import ObjectDetailView, ObjectEditView

from . import actions, anomalies, evaluation, hourly_import, live
from .models import Anomaly, AuditMark, BenchmarkFigure, Station
from .standards import POLLUTANTS, rules_for
from .standards.composite import change_rate, rank

RULE_CHOICES = (
    ("2012", gettext_lazy("GB 3095-2012 / HJ 633-2012")),
    ("2026", gettext_lazy("GB 3095-2026 / HJ 633-2026")),
)
PERIODS = (
    ("day", gettext_lazy("day")),
    ("week", gettext_lazy("week")),
    ("month", gettext_lazy("month")),
    ("quarter", gettext_lazy("quarter")),
    ("half", gettext_lazy("half-year")),
    ("year", gettext_lazy("year")),
    ("custom", gettext_lazy("custom")),
)
GROUPINGS = (
    ("station", gettext_lazy("station")),
    ("township", gettext_lazy("township")),
    ("kind", gettext_lazy("station kind")),
    ("county", gettext_lazy("whole county")),
)


class ViewStationsMixin(LoginRequiredMixin):
    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not request.user.has_perm("air.view_station"):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


def chosen_rules(request) -> str:
    value = request.GET.get("rules", "")
    return value if value in ("2012", "2026") else rules_for(timezone.localdate())


class LiveView(ViewStationsMixin, TemplateView):
    template_name = "air/live.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            rules=chosen_rules(self.request),
            rule_choices=RULE_CHOICES,
            tile_url=getattr(settings, "LANTIAN_MAP_TILE_URL", ""),
            tile_attribution=getattr(settings, "LANTIAN_MAP_TILE_ATTRIBUTION", ""),
            pollutants=POLLUTANTS,
        )
        return context


class LiveDataView(ViewStationsMixin, View):
    def get(self, request):
        return JsonResponse(live.snapshot(request.user, chosen_rules(request)))


class StationSeriesView(ViewStationsMixin, View):
    def get(self, request, pk):
        station = get_object_or_404(Station.objects.restrict(request.user, "view"), pk=pk)
        return JsonResponse(live.series(station, chosen_rules(request)))


class StationDetailView(ObjectDetailView):
    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["rules"] = chosen_rules(self.request)
        context["open_anomalies"] = (
            Anomaly.objects.restrict(self.request.user, "view")
            .filter(station=self.object, status=Anomaly.Status.OPEN)
            .order_by("-start")[:10]
        )
        return context


class EvaluationParameters:
    """The evaluation page's choices read from the query string, with the reasons they are refused."""

    def __init__(self, query):
        today = timezone.localdate()
        self.period = query.get("period") if query.get("period") in dict(PERIODS) else "month"
        self.grouping = query.get("grouping") if query.get("grouping") in dict(GROUPINGS) else "township"
        self.audited = query.get("data", "audited") != "raw"
        self.round_terms = query.get("round_terms") == "1"
        self.errors = []
        self.start = self._date(query.get("start"), today.replace(day=1) if self.period != "year" else today)
        self.end = self._date(query.get("end"), today)
        try:
            self.first, self.last = evaluation.period_bounds(self.period, self.start, self.end)
        except ValueError:
            self.errors.append(_("A custom period runs from its start to an end at most a year later."))
            self.first = self.last = today
        rules = query.get("rules", "")
        self.rules = rules if rules in ("2012", "2026") else rules_for(self.last)

    def _date(self, text, default):
        if not text:
            return default
        try:
            return date.fromisoformat(text)
        except ValueError:
            self.errors.append(_("Not a date: %(value)s") % {"value": text})
            return default

    def query(self) -> str:
        from urllib.parse import urlencode

        return urlencode(
            {
                "period": self.period,
                "start": self.start.isoformat(),
                "end": self.end.isoformat(),
                "grouping": self.grouping,
                "rules": self.rules,
                "data": "audited" if self.audited else "raw",
                "round_terms": int(self.round_terms),
            }
        )


def evaluation_rows(user, params: EvaluationParameters):
    rows = evaluation.evaluate(
        user,
        params.first,
        params.last,
        params.grouping,
        params.rules,
        audited=params.audited,
        round_terms=params.round_terms,
    )
    table = []
    for row in rows:
        r, prev = row.result, row.previous
        table.append(
            {
                "name": row.name or _("whole county"),
                "result": r,
                "ranks": row.ranks,
                "concentrations": [r.concentrations.get(p) for p in POLLUTANTS],
                "levels": [r.level_days[i] for i in range(1, 7)],
                "exceedance": sum(r.exceedance_days.values()),
                "primary": ", ".join(f"{p} {n}" for p, n in r.primary_days.items() if n),
                "index_change": change_rate(r.composite_value, prev.composite_value if prev else None),
                "pm25_change": change_rate(
                    r.concentrations.get("PM2.5"), prev.concentrations.get("PM2.5") if prev else None
                ),
                "good_change": change_rate(r.good_ratio, prev.good_ratio if prev else None),
            }
        )
    table.sort(key=lambda t: (t["ranks"]["composite"] is None, t["ranks"]["composite"] or 0, t["name"]))
    return table


def benchmark_rows(user, params: EvaluationParameters, county_rows):
    """Benchmark counties of the period's year (a month period: that month) beside our county."""
    month = params.first.month if params.period == "month" else 0
    figures = list(
        BenchmarkFigure.objects.restrict(user, "view")
        .filter(year=params.first.year, month=month)
        .order_by("county")
    )
    if not figures:
        return []
    ours = county_rows[0]["result"] if county_rows else None
    values = {f"b{f.pk}": f.composite_index for f in figures}
    if ours is not None and ours.composite_value is not None:
        values["ours"] = ours.composite_value
    ranks = rank(values)
    out = [
        {
            "name": f.county,
            "composite": f.composite_index,
            "pm25": f.pm25,
            "good_ratio": f.good_ratio,
            "rank": ranks[f"b{f.pk}"],
        }
        for f in figures
    ]
    if "ours" in values:
        out.append(
            {
                "name": _("our county"),
                "composite": ours.composite_value,
                "pm25": ours.concentrations.get("PM2.5"),
                "good_ratio": ours.good_ratio,
                "rank": ranks["ours"],
                "ours": True,
            }
        )
    return sorted(out, key=lambda r: r["rank"])


class EvaluationView(ViewStationsMixin, TemplateView):
    template_name = "air/evaluation.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        params = EvaluationParameters(self.request.GET)
        rows = [] if params.errors else evaluation_rows(self.request.user, params)
        benchmarks = []
        if params.grouping == "county" and not params.errors:
            benchmarks = benchmark_rows(self.request.user, params, rows)
        context.update(
            params=params,
            rows=rows,
            benchmarks=benchmarks,
            pollutants=POLLUTANTS,
            periods=PERIODS,
            groupings=GROUPINGS,
            rule_choices=RULE_CHOICES,
            levels=range(1, 7),
        )
        return context


class EvaluationExportView(ViewStationsMixin, View):
    def get(self, request):
        from openpyxl import Workbook

        if not request.user.has_perm("air.export_station"):
            raise PermissionDenied
        params = EvaluationParameters(request.GET)
        if params.errors:
            return HttpResponse(
                "; ".join(params.errors), status=400, content_type="text/plain; charset=utf-8"
            )
        rows = evaluation_rows(request.user, params)
        book = Workbook()
        sheet = book.active
        sheet.title = _("Evaluation")
        headers = [
            _("name"),
            _("days with AQI"),
            *POLLUTANTS,
            _("composite index"),
            _("rank"),
            _("good-day ratio (%)"),
            _("rank"),
            _("PM2.5 rank"),
            *[_("level %(n)d days") % {"n": i} for i in range(1, 7)],
            _("exceedance days"),
            _("primary pollutant days"),
            _("composite index change (%)"),
            _("PM2.5 change (%)"),
            _("good-day ratio change (%)"),
        ]
        write_cell(sheet, 1, 1, f"{params.first} – {params.last} · {params.rules}")
        for c, h in enumerate(headers, start=1):
            write_cell(sheet, 2, c, h)
        for r, row in enumerate(rows, start=3):
            result = row["result"]
            values = [
                row["name"],
                result.aqi_days,
                *row["concentrations"],
                result.composite_value,
                row["ranks"]["composite"],
                result.good_ratio,
                row["ranks"]["good_ratio"],
                row["ranks"]["pm25"],
                *row["levels"],
                row["exceedance"],
                row["primary"],
                row["index_change"],
                row["pm25_change"],
                row["good_change"],
            ]
            for c, value in enumerate(values, start=1):
                write_cell(
                    sheet,
                    r,
                    c,
                    None if value is None else (float(value) if hasattr(value, "as_tuple") else value),
                )
        buffer = io.BytesIO()
        book.save(buffer)
        return download_response(buffer.getvalue(), f"air-evaluation-{params.first}-{params.last}.xlsx")


class HourlyImportView(LoginRequiredMixin, TemplateView):
    template_name = "air/hourly_import.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not request.user.has_perm("air.change_station"):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def post(self, request):
        upload = request.FILES.get("file")
        context = self.get_context_data()
        if upload is None:
            context["errors"] = [(1, "", _("Choose a file."))]
            return self.render_to_response(context)
        if upload.size > hourly_import.MAX_BYTES:
            context["errors"] = [(1, "", _("The file is too large."))]
            return self.render_to_response(context)
        try:
            rows = hourly_import.read_table(upload.name, upload.read())
        except ValueError as error:
            context["errors"] = [(1, "", str(error))]
            return self.render_to_response(context)
        except Exception:  # a damaged workbook: say so, change nothing
            context["errors"] = [(1, "", _("The file could not be read as CSV or xlsx."))]
            return self.render_to_response(context)
        stations = list(Station.objects.restrict(request.user, "change"))
        parsed = hourly_import.parse(rows, stations)
        if parsed.errors:
            context["errors"] = parsed.errors[:500]
            context["error_count"] = len(parsed.errors)
            return self.render_to_response(context)
        if request.POST.get("dry_run"):
            context["checked"] = len(parsed.records)
            return self.render_to_response(context)
        count = hourly_import.commit(parsed)
        messages.success(request, _("Imported %(n)d hourly values.") % {"n": count})
        return HttpResponseRedirect(request.path)


class AnomalyCountsView(LoginRequiredMixin, TemplateView):
    template_name = "air/anomaly_counts.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not request.user.has_perm("air.view_anomaly"):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        try:
            year = int(self.request.GET.get("year", timezone.localdate().year))
        except ValueError:
            year = timezone.localdate().year
        year = min(max(year, 2000), 2100)
        visible = Anomaly.objects.restrict(self.request.user, "view")
        counts = anomalies.counts(visible, date(year, 1, 1), date(year, 12, 31))
        stations = (
            Station.objects.restrict(self.request.user, "view")
            .filter(pk__in={s for s, _m in counts})
            .order_by("code")
        )
        months = [f"{year}-{m:02d}" for m in range(1, 13)]
        rows = [
            {
                "station": s,
                "counts": [counts.get((s.pk, m), 0) for m in months],
                "total": sum(counts.get((s.pk, m), 0) for m in months),
            }
            for s in stations
        ]
        context.update(year=year, months=range(1, 13), rows=rows, years=range(year - 3, year + 2))
        return context


class AuditMarkCreateView(ObjectEditView):
    def save(self, form):
        return actions.create_mark(form, self.request.user)


class AuditMarkRevokeView(LoginRequiredMixin, View):
    def post(self, request, pk):
        mark = get_object_or_404(AuditMark.objects.restrict(request.user, "change"), pk=pk)
        try:
            actions.revoke_mark(mark, request.user, request.POST.get("reason", ""))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The mark was revoked; its hours count again."))
        return HttpResponseRedirect(mark.get_absolute_url())


class AuditMarkDetailView(ObjectDetailView):
    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        obj = self.object
        context["can_revoke"] = (
            obj.revoked_at is None
            and AuditMark.objects.restrict(self.request.user, "change").filter(pk=obj.pk).exists()
        )
        return context


class AnomalyEditView(ObjectEditView):
    def save(self, form):
        return actions.handle_anomaly(form, self.request.user)
