"""Report pages: a report is generated from the records when created, generated again on demand while
it is editable, and downloads as Word and xlsx."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.views import View

from lantian.core.review import is_locked, locked_reason
from lantian.core.views.excel import DOCX, download_response
from lantian.core.views.generic import ObjectDetailView, ObjectEditView
from lantian.ldar import report_documents as documents
from lantian.ldar.models.reports import StatisticsReport, ThirdPartyReport
from lantian.ldar.reports import generate_lines, prefill

# model name → (model, generate, Word, xlsx)
REPORTS = {
    "statisticsreport": (
        StatisticsReport,
        generate_lines,
        documents.statistics_docx,
        documents.statistics_xlsx,
    ),
    "thirdpartyreport": (ThirdPartyReport, prefill, documents.third_party_docx, documents.third_party_xlsx),
}


class ReportEditView(ObjectEditView):
    """A new report starts from the records' figures."""

    def save(self, form):
        new = form.instance.pk is None
        report = form.save()
        if new:
            REPORTS[self.registration.model_name][1](report)
        return report


class ReportDetailView(ObjectDetailView):
    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        report = context["object"]
        name = self.registration.model_name
        context["report_kind"] = name
        context["may_generate"] = (
            not is_locked(report) and self.restricted("change").filter(pk=report.pk).exists()
        )
        if name == "statisticsreport":
            context["lines"] = report.lines.all()
            context["table"] = documents.statistics_table(report)
        return context


class GenerateView(LoginRequiredMixin, View):
    """Take the figures from the records again (the report's own corrections are replaced)."""

    def post(self, request, model, pk):
        model_class, generate, _docx, _xlsx = report_of(model)
        report = get_object_or_404(model_class.objects.restrict(request.user, "change"), pk=pk)
        if is_locked(report):
            messages.error(request, locked_reason(report))
        else:
            generate(report)
            messages.success(request, _("Generated %(report)s from the records again.") % {"report": report})
        return HttpResponseRedirect(report.get_absolute_url())


class DownloadView(LoginRequiredMixin, View):
    def get(self, request, model, pk, extension):
        model_class, _generate, docx, xlsx = report_of(model)
        report = get_object_or_404(model_class.objects.restrict(request.user, "export"), pk=pk)
        filename = f"{report.enterprise.name} {report}.{extension}"
        if extension == "xlsx":
            return download_response(xlsx(report), filename)
        return download_response(docx(report), filename, DOCX)


def report_of(model: str):
    try:
        return REPORTS[model]
    except KeyError:
        raise Http404 from None
