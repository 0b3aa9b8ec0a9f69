"""Emissions pages: an account is computed when it is saved and can be recomputed from its page."""

from django.contrib import messages
from django.db.models import Count, Sum
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic.detail import SingleObjectMixin

from lantian.core.views.generic import ObjectDetailView, ObjectEditView
from lantian.ldar.emissions import compute_account
from lantian.ldar.models import EmissionAccount, PointEmission

KG_PER_TONNE = 1000


class EmissionAccountEditView(ObjectEditView):
    def save(self, form):
        return compute_account(form.save())


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
