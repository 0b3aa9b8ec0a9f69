"""The report models' registrations with the generic machinery (docs/developing.md, docs/ldar.md)."""

from lantian.core.registry import register
from lantian.ldar import filtersets_reports as filtersets
from lantian.ldar import forms_reports as forms
from lantian.ldar import tables_reports as tables
from lantian.ldar import views_reports as views
from lantian.ldar.models.reports import ReportLine, StatisticsReport, ThirdPartyReport

LINE_FIELDS = (
    "report", "position", "label", "controlled", "inaccessible", "detected", "leaking", "over_1000",
    "leak_times",
)  # fmt: skip
THIRD_PARTY_FIELDS = (
    "cycle", "enterprise", "agency", "start", "end", "units", "controlled", "detected", "leaking", "repaired",
    "delayed", "emissions_t", "remark", "generated_at", "status",
)  # fmt: skip
REPORT_VIEWS = {"add": views.ReportEditView, "detail": views.ReportDetailView}

register(
    StatisticsReport,
    table=tables.StatisticsReportTable,
    filterset=filtersets.StatisticsReportFilterSet,
    form=forms.StatisticsReportForm,
    detail_fields=("enterprise", "kind", "cycle", "year", "remark", "generated_at", "status"),
    detail_template="ldar/reports/report_detail.html",
    views=REPORT_VIEWS,
)
register(
    ReportLine,
    table=tables.ReportLineTable,
    filterset=filtersets.ReportLineFilterSet,
    form=forms.ReportLineForm,
    detail_fields=LINE_FIELDS,
)
register(
    ThirdPartyReport,
    table=tables.ThirdPartyReportTable,
    filterset=filtersets.ThirdPartyReportFilterSet,
    form=forms.ThirdPartyReportForm,
    detail_fields=THIRD_PARTY_FIELDS,
    detail_template="ldar/reports/report_detail.html",
    views=REPORT_VIEWS,
)
