"""The approvals pages besides the generic ones: item and case details with their history, the
statistics, data quality and exchange pages and their actions, and deciding a correction."""

import datetime

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views import View
from django.views.generic import TemplateView

from lantian.approvals import actions, exchange, exchange_import, quality, screen, statistics
from lantian.approvals.models import Correction, ExchangeBatch, ExchangeRow, QualityRun
from lantian.core.dashboards import BigScreenView, Widget, data_endpoint
from lantian.core.models import Organization
from lantian.core.views.excel import download_response
from lantian.core.views.generic import ObjectDetailView


class ItemDetailView(ObjectDetailView):
    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["history"] = self.object.config_changes.select_related("changed_by")[:100]
        return context


class InstanceDetailView(ObjectDetailView):
    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["records"] = self.object.records.order_by("sequence")
        if self.request.user.has_perm("approvals.add_handlingrecord"):
            context["add_record_url"] = (
                reverse("approvals:handlingrecord_add") + f"?instance={self.object.pk}"
            )
        return context


class QualityRunDetailView(ObjectDetailView):
    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        names = dict(quality.rule_choices())
        findings_url = reverse("approvals:qualityfinding_list")
        context["rules"] = [
            {
                "code": code,
                "name": names[code],
                "count": count,
                "url": f"{findings_url}?run={self.object.pk}&rule={code}",
            }
            for code, count in self.object.by_rule.items()
        ]
        context["may_assign"] = self.request.user.has_perm("approvals.add_rectificationtask")
        return context


class CorrectionDetailView(ObjectDetailView):
    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["may_decide"] = (
            self.object.status == Correction.Status.REQUESTED
            and self.request.user.has_perm("approvals.approve_correction")
            and self.object.requested_by_id != self.request.user.pk
        )
        return context


def _date(value):
    try:
        return datetime.date.fromisoformat(value) if value else None
    except ValueError:
        return None


class StatisticsView(LoginRequiredMixin, PermissionRequiredMixin, TemplateView):
    permission_required = "approvals.view_iteminstance"
    template_name = "approvals/statistics.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        start, end = _date(self.request.GET.get("start")), _date(self.request.GET.get("end"))
        context.update(statistics.statistics(self.request.user, start, end), start=start, end=end)
        context["export_url"] = reverse("approvals:statistics_export") + "?" + self.request.GET.urlencode()
        return context


class StatisticsExportView(LoginRequiredMixin, PermissionRequiredMixin, View):
    permission_required = "approvals.export_iteminstance"

    def get(self, request):
        start, end = _date(request.GET.get("start")), _date(request.GET.get("end"))
        content = statistics.workbook(statistics.statistics(request.user, start, end))
        return download_response(content, f"approvals-statistics-{timezone.localdate():%Y%m%d}.xlsx")


def bureau_of(user) -> Organization:
    organization = user.organization
    if organization is None or organization.kind != Organization.Kind.REGULATOR:
        raise PermissionDenied(_("Only an approval bureau's account runs this."))
    return organization


class QualityView(LoginRequiredMixin, PermissionRequiredMixin, TemplateView):
    permission_required = "approvals.view_qualityfinding"
    template_name = "approvals/quality.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        run = quality.scoring_run(user)
        departments = Organization.objects.restrict(user, "view").filter(kind=Organization.Kind.DEPARTMENT)
        context.update(
            run=run,
            run_is_own=run is not None and quality.latest_run(user) is not None,
            scores=quality.department_scores(departments, run),
            may_run=user.has_perm("approvals.add_qualityrun")
            and getattr(user.organization, "kind", "") == "regulator",
        )
        return context


class RunQualityView(LoginRequiredMixin, PermissionRequiredMixin, View):
    permission_required = "approvals.add_qualityrun"

    def post(self, request):
        run, _findings = quality.run_quality(bureau_of(request.user), request.user)
        messages.success(
            request,
            _("Checked %(rows)s records: %(findings)s findings.")
            % {
                "rows": run.checked,
                "findings": run.findings,
            },
        )
        return HttpResponseRedirect(run.get_absolute_url())


class AssignTasksView(LoginRequiredMixin, PermissionRequiredMixin, View):
    permission_required = "approvals.add_rectificationtask"

    def post(self, request, pk):
        run = get_object_or_404(QualityRun.objects.restrict(request.user, "view"), pk=pk)
        tasks = quality.assign_tasks(run)
        messages.success(
            request, _("%(count)s rectification tasks given to the departments.") % {"count": len(tasks)}
        )
        return HttpResponseRedirect(reverse("approvals:rectificationtask_list"))


class ExchangeView(LoginRequiredMixin, PermissionRequiredMixin, TemplateView):
    permission_required = "approvals.view_exchangerow"
    template_name = "approvals/exchange.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        rows = ExchangeRow.objects.restrict(user, "view")
        counts = {state: rows.filter(state=state).count() for state in ExchangeRow.State.values}
        rows_url = reverse("approvals:exchangerow_list")
        context.update(
            states=[
                {"label": label, "count": counts[value], "url": f"{rows_url}?state={value}"}
                for value, label in ExchangeRow.State.choices
            ],
            failures=rows.filter(state=ExchangeRow.State.FAILED).order_by("table", "local_key")[:50],
            batches=ExchangeBatch.objects.restrict(user, "view")[:10],
            may_exchange=user.has_perm("approvals.add_exchangebatch")
            and getattr(user.organization, "kind", "") == "regulator",
        )
        return context


class UploadView(LoginRequiredMixin, PermissionRequiredMixin, View):
    permission_required = "approvals.add_exchangebatch"

    def post(self, request):
        batch = exchange.upload(bureau_of(request.user), request.user)
        messages.success(
            request,
            _("Uploaded %(rows)s rows; %(blocked)s held back by the checks.")
            % {
                "rows": batch.rows,
                "blocked": batch.blocked,
            },
        )
        return HttpResponseRedirect(reverse("approvals:exchange"))


class ReadResultsView(LoginRequiredMixin, PermissionRequiredMixin, View):
    permission_required = "approvals.add_exchangebatch"

    def post(self, request):
        batch = exchange.read_results(bureau_of(request.user), request.user)
        messages.success(
            request,
            _("Read %(rows)s results: %(failed)s failed, %(accepted)s accepted.")
            % {
                "rows": batch.rows,
                "failed": batch.failed,
                "accepted": batch.accepted,
            },
        )
        return HttpResponseRedirect(reverse("approvals:exchange"))


class DecideCorrectionView(LoginRequiredMixin, PermissionRequiredMixin, View):
    permission_required = "approvals.approve_correction"

    def post(self, request, pk):
        correction = get_object_or_404(Correction.objects.restrict(request.user, "view"), pk=pk)
        note = request.POST.get("note", "")[:300]
        try:
            if request.POST.get("decision") == "approve":
                actions.approve_correction(correction, request.user, note)
                messages.success(request, _("The correction was applied."))
            else:
                actions.refuse_correction(correction, request.user, note)
                messages.success(request, _("The correction was refused."))
        except actions.CorrectionError as error:
            messages.error(request, str(error))
        return HttpResponseRedirect(correction.get_absolute_url())


class ImportFromExchangeView(LoginRequiredMixin, PermissionRequiredMixin, View):
    permission_required = ("approvals.add_project", "approvals.add_iteminstance")

    def post(self, request):
        exchange.ensure_tables()
        report = exchange_import.import_from_exchange(bureau_of(request.user))
        if report.errors:
            messages.error(
                request,
                _("Nothing was imported: %(count)s rows have errors.") % {"count": len(report.errors)},
            )
            for table, key, reason in report.errors[:20]:
                messages.error(request, f"{table} {key}: {reason}")
        else:
            messages.success(
                request,
                _("Imported %(projects)s projects and %(cases)s cases; %(skipped)s rows known already.")
                % {
                    "projects": report.projects,
                    "cases": report.cases,
                    "skipped": report.skipped,
                },
            )
        return HttpResponseRedirect(reverse("approvals:exchange"))


# --- the big screen ---

SCREEN_PERMISSION = "approvals.view_iteminstance"
SCREEN_SOURCE = "approvals:screen_data"
CASES = pgettext_lazy("approval cases", "cases")


@data_endpoint(SCREEN_PERMISSION)
def screen_data(request):
    return screen.screen_figures(request.user)


class ApprovalScreen(BigScreenView):
    """The approval bureau's big screen: cases in progress, handled and overdue by district and
    department, clock states, the monthly trend, the most overdue cases and data quality."""

    title = gettext_lazy("Construction approvals overview")
    permission = SCREEN_PERMISSION
    widgets = (
        Widget("kpis", gettext_lazy("Cases now"), "kpis", SCREEN_SOURCE, "1 / 1 / 2 / 13"),
        Widget(
            "by_division",
            gettext_lazy("Handled and overdue by district"),
            "stacked",
            SCREEN_SOURCE,
            "2 / 1 / 4 / 5",
            unit=CASES,
        ),
        Widget(
            "states",
            gettext_lazy("Cases in progress by time-limit state"),
            "pie",
            SCREEN_SOURCE,
            "2 / 5 / 4 / 8",
            note=gettext_lazy("Warning: 2 working days (48 hours) or less left."),
            unit=CASES,
            empty=gettext_lazy("No case is in progress."),
        ),
        Widget(
            "trend",
            gettext_lazy("Handled per month (last 12 months)"),
            "line",
            SCREEN_SOURCE,
            "2 / 8 / 4 / 13",
            unit=CASES,
        ),
        Widget(
            "by_department",
            gettext_lazy("Handled and overdue by department"),
            "stacked",
            SCREEN_SOURCE,
            "4 / 1 / 7 / 5",
            unit=CASES,
        ),
        Widget(
            "most_overdue",
            gettext_lazy("Most overdue cases in progress"),
            "table",
            SCREEN_SOURCE,
            "4 / 5 / 7 / 10",
            empty=gettext_lazy("No case in progress is overdue."),
        ),
        Widget(
            "quality",
            gettext_lazy("Data-quality score by department"),
            "hbar",
            SCREEN_SOURCE,
            "4 / 10 / 7 / 13",
            note=gettext_lazy("Latest data-quality run; poorest first."),
            unit=pgettext_lazy("score", "points"),
        ),
    )
