"""Report pages of ops: the daily and monthly inspection reports (printable page and xlsx) and the
quarterly work report (docx). Every row is read through ``restrict``: a contract the user may not see
is a 404, as on the generic pages; downloads need the export permission and are logged."""

from __future__ import annotations

from datetime import date

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import TemplateView, View

from lantian.core import access_log
from lantian.core.models import AccessEvent
from lantian.core.views.excel import DOCX, download_response
from lantian.core.views.generic import ObjectListView
from lantian.ops import inspection_report, report
from lantian.ops import models as m


def log_export(request, detail: str) -> None:
    access_log.record(AccessEvent.Kind.EXPORT, request, request.user.username, request.user, detail=detail)


def parse_day(text: str) -> date | None:
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def parse_month(text: str) -> date | None:
    return parse_day(f"{text}-01") if len(text) == 7 else None


class InspectionReportView(LoginRequiredMixin, TemplateView):
    """``?contract=<id>&day=YYYY-MM-DD`` (daily) or ``&month=YYYY-MM`` (monthly); ``&format=xlsx`` to
    download. Without a contract, the first the user may see; without a period, today."""

    template_name = "ops/inspection_report.html"

    def get(self, request, *args, **kwargs):
        export = request.GET.get("format") == "xlsx"
        action = "export" if export else "view"
        contracts = m.Contract.objects.restrict(request.user, action)
        chosen = request.GET.get("contract", "")
        if chosen:
            if not chosen.isdigit():
                raise Http404
            contract = get_object_or_404(contracts, pk=chosen)
        else:
            contract = contracts.order_by("number").first()
            if contract is None:
                raise Http404
        month = parse_month(request.GET.get("month", ""))
        day = parse_day(request.GET.get("day", "")) if month is None else None
        if month is not None:
            first, last = inspection_report.month_range(month)
        else:
            first = last = day or timezone.localdate()
        runs = m.InspectionRun.objects.restrict(request.user, action)
        self.report = inspection_report.build(contract, runs, first, last, monthly=month is not None)
        if export:
            log_export(request, f"{self.report.title} · {contract.number}")
            return download_response(
                inspection_report.xlsx(self.report), f"{contract.number} {self.report.title}.xlsx"
            )
        self.contracts = contracts.order_by("number")
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        page = self.report
        query = {"contract": page.contract.pk}
        if page.monthly:
            query["month"] = page.first.strftime("%Y-%m")
        else:
            query["day"] = page.first.isoformat()
        context.update(
            report=page,
            totals=page.totals,
            contracts=self.contracts,
            query="&".join(f"{key}={value}" for key, value in query.items()),
            day_value=page.first.isoformat(),
            month_value=page.first.strftime("%Y-%m"),
            may_export=self.request.user.has_perm("ops.export_inspectionrun"),
        )
        return context


class QuarterlyReportView(LoginRequiredMixin, View):
    """``contracts/<pk>/quarterly-report/?year=2026&quarter=1`` (or ``?period=2026-1``): the quarter's
    work report in Word;
    without a quarter, the one before the current (reports follow the quarter)."""

    def get(self, request, pk):
        contract = get_object_or_404(m.Contract.objects.restrict(request.user, "export"), pk=pk)
        year, quarter = request.GET.get("year", ""), request.GET.get("quarter", "")
        if "period" in request.GET:  # the contract page's menu: "2026-1"
            year, _dash, quarter = request.GET["period"].partition("-")
        if year.isdigit() and quarter.isdigit() and 2000 <= int(year) <= 2100 and 1 <= int(quarter) <= 4:
            year, quarter = int(year), int(quarter)
        elif year or quarter:
            raise Http404
        else:
            year, quarter = previous_quarter(timezone.localdate())
        content = report.quarterly_report(contract, year, quarter)
        title = _("Quarterly work report")
        log_export(request, f"{title} {contract.number} {year}Q{quarter}")
        return download_response(content, f"{contract.number} {title} {year}Q{quarter}.docx", DOCX)


def previous_quarter(today: date) -> tuple[int, int]:
    year, quarter = report.quarter_of(today)
    return (year, quarter - 1) if quarter > 1 else (year - 1, 4)


class InspectionRunListView(ObjectListView):
    """The generic list with the way to the daily and monthly reports."""

    template_name = "ops/inspectionrun_list.html"
