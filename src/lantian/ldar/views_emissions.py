"""Emissions pages: an account is computed when it is saved and can be recomputed from its page."""

import io

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Sum
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView
from django.views.generic.detail import SingleObjectMixin
from openpyxl import Workbook
from openpyxl.styles import Font

from lantian.core.excel.cells import write_cell
from lantian.core.views.excel import download_response
from lantian.core.views.generic import ObjectDetailView, ObjectEditView
from lantian.ldar.emissions import compute_account
from lantian.ldar.models import EmissionAccount, PointEmission

KG_PER_TONNE = 1000


class EmissionAccountEditView(ObjectEditView):
    """A new account, or one whose period or coefficient set changed, is computed when saved (an
    unchanged save leaves it as it is; the page's Recompute button recomputes it)."""

    def save(self, form):
        new = form.instance.pk is None
        account = form.save()
        return compute_account(account) if new or form.has_changed() else account


class EmissionAccountDetailView(ObjectDetailView):
    """The account's figures in tonnes, by unit, by seal-point type and by method."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        rows = PointEmission.objects.filter(account=self.object).order_by()
        context["by_unit"] = breakdown(rows, "unit__code", "unit__name")
        context["by_type"] = breakdown(rows, "seal_type__name")
        context["by_method"] = [
            {**row, "label": label_of(row["method"])} for row in breakdown(rows, "method")
        ]
        context["points_url"] = reverse("ldar:pointemission_list") + f"?account={self.object.pk}"
        context["may_recompute"] = (
            EmissionAccount.objects.restrict(self.request.user, "change").filter(pk=self.object.pk).exists()
        )
        return context


def breakdown(rows, *keys: str) -> list[dict]:
    """Points and tonnes by ``keys``, largest initial emissions first (one query)."""
    grouped = rows.values(*keys).annotate(
        points=Count("pk"), initial=Sum("initial_kg"), after=Sum("after_repair_kg")
    )
    result = []
    for row in grouped:
        initial, after = (row["initial"] or 0.0) / KG_PER_TONNE, (row["after"] or 0.0) / KG_PER_TONNE
        result.append({**row, "initial_t": initial, "after_t": after, "reduction_t": initial - after})
    return sorted(result, key=lambda row: -row["initial_t"])


def label_of(method: str) -> str:
    from lantian.ldar.models.emissions import EmissionMethod

    return str(EmissionMethod(method).label)


class RecomputeView(SingleObjectMixin, View):
    """Compute an account again from the records as they are now (readings added, coefficients edited)."""

    def post(self, request, pk):
        account = get_object_or_404(EmissionAccount.objects.restrict(request.user, "change"), pk=pk)
        compute_account(account)
        messages.success(request, _("Recomputed %(account)s.") % {"account": account})
        return HttpResponseRedirect(account.get_absolute_url())


class EmissionsSummaryView(LoginRequiredMixin, TemplateView):
    """The accounts of a year in the user's scope, one row each, and their total (a city's, for the
    bureau); as xlsx with ``?format=xlsx``."""

    template_name = "ldar/emissions/summary.html"

    def get(self, request, *args, **kwargs):
        if not request.user.has_perm("ldar.view_emissionaccount"):
            raise PermissionDenied
        year = self.year()
        accounts = list(
            EmissionAccount.objects.restrict(request.user, "view")
            .filter(end__year=year)
            .select_related("enterprise")
            .order_by("-initial_kg", "enterprise__name")
        )
        totals = {
            name: sum(getattr(account, name) for account in accounts) / KG_PER_TONNE
            for name in ("initial_kg", "after_repair_kg", "reduction_kg")
        }
        if request.GET.get("format") == "xlsx":
            return summary_workbook(year, accounts, totals)
        context = self.get_context_data(year=year, accounts=accounts, totals=totals, years=self.years())
        return self.render_to_response(context)

    def year(self) -> int:
        text = self.request.GET.get("year", "")
        return int(text) if text.isdigit() and 2000 <= int(text) <= 2100 else timezone.localdate().year

    def years(self) -> list[int]:
        current = timezone.localdate().year
        return list(range(current, current - 6, -1))


def summary_workbook(year: int, accounts, totals) -> HttpResponse:
    book = Workbook(write_only=False)
    sheet = book.active
    sheet.title = str(year)
    headers = (
        _("enterprise"), _("from"), _("to"), _("coefficient set"), _("seal points"),
        _("Initial (t)"), _("After repair (t)"), _("Reduction (t)"),
    )  # fmt: skip
    write_cell(sheet, 1, 1, _("LDAR emissions of %(year)s") % {"year": year}).font = Font(bold=True, size=13)
    for column, header in enumerate(headers, start=1):
        write_cell(sheet, 2, column, str(header)).font = Font(bold=True)
    row = 2
    for row, account in enumerate(accounts, start=3):
        values = (
            account.enterprise.name, account.start, account.end, account.get_coefficient_set_display(),
            account.points, account.initial_tonnes, account.after_repair_tonnes, account.reduction_tonnes,
        )  # fmt: skip
        for column, value in enumerate(values, start=1):
            write_cell(sheet, row, column, value)
    write_cell(sheet, row + 1, 1, _("Total")).font = Font(bold=True)
    for column, name in ((6, "initial_kg"), (7, "after_repair_kg"), (8, "reduction_kg")):
        write_cell(sheet, row + 1, column, totals[name])
    buffer = io.BytesIO()
    book.save(buffer)
    return download_response(buffer.getvalue(), f"{_('LDAR emissions of %(year)s') % {'year': year}}.xlsx")
