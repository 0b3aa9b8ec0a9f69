"""The pages that differ from the generic ones: the filing with its rows, revising an approved
filing, an agency's own filing, the filings awaiting review and an archived approval."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from lantian.agencies import approval
from lantian.agencies.archive import SECTIONS, readable
from lantian.agencies.models import AgencyFiling
from lantian.core import review
from lantian.core.models import Organization, ReviewStatus
from lantian.core.registry import registration_for
from lantian.core.scope import permission_name
from lantian.core.views.generic import ObjectDetailView, ObjectEditView

# What the filing's page lists of each kind of row, and the columns it shows.
PART_COLUMNS = {
    "staff": ("name", "gender", "position", "title", "certificate_name", "certificate_number",
              "certificate_valid_until"),
    "instruments": ("name", "model_number", "serial_number", "detector_type", "calibration_certificate",
                    "calibration_due"),
    "documents": ("kind", "title", "number", "issuer", "issued_on", "valid_until"),
    "training": ("date", "topic", "trainer", "hours", "participants"),
}  # fmt: skip


class FilingDetailView(ObjectDetailView):
    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        filing, user = self.object, self.request.user
        locked = review.is_locked(filing)
        may_change = AgencyFiling.objects.restrict(user, "change").filter(pk=filing.pk).exists()
        sections = []
        for key, (model, _fields) in SECTIONS.items():
            registration = registration_for(model)
            columns = PART_COLUMNS[key]
            rows = getattr(filing, key).all()
            add_url = None
            if not locked and may_change and user.has_perm(permission_name(model, "add")):
                add_url = f"{registration.url('add')}?filing={filing.pk}"
            sections.append(
                {
                    "key": key,
                    "label": model._meta.verbose_name_plural,
                    "headers": [model._meta.get_field(name).verbose_name for name in columns],
                    "rows": [
                        {"object": row, "cells": [self.field_row(row, name)["value"] for name in columns]}
                        for row in rows
                    ],
                    "add_url": add_url,
                    "list_url": f"{registration.url('list')}?filing={filing.pk}",
                }
            )
        agency = filing.agency
        context.update(
            sections=sections,
            company=[
                (Organization._meta.get_field("name").verbose_name, agency.name),
                (Organization._meta.get_field("credit_code").verbose_name, agency.credit_code),
                (Organization._meta.get_field("address").verbose_name, agency.address),
            ],
            warnings=filing.warnings(),
            may_revise=review.may_reopen(filing, user),
            revise_url=reverse("agencies:agencyfiling_revise", args=[filing.pk]),
            archives=filing.archives.select_related("approved_by").order_by("-version"),
            may_see_archives=user.has_perm("agencies.view_filingarchive"),
        )
        return context


class FilingPartEditView(ObjectEditView):
    """Adding a row from its filing's page names the filing (``?filing=<pk>``)."""

    def get_form(self, data=None, files=None):
        form = super().get_form(data, files)
        filing = self.request.GET.get("filing", "")
        if not self.object.pk and data is None and filing.isdigit():
            form.initial["filing"] = int(filing)
        return form


class ReviseView(LoginRequiredMixin, View):
    """Reopen an approved filing (staff or instruments changed): a reason is required."""

    http_method_names = ["post"]

    def post(self, request, pk):
        filing = get_object_or_404(AgencyFiling.objects.restrict(request.user, "view"), pk=pk)
        if not AgencyFiling.objects.restrict(request.user, "change").filter(pk=pk).exists():
            raise PermissionDenied
        try:
            approval.revise(filing, request.user, request.POST.get("reason", ""))
        except review.ReviewError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request,
                _(
                    "The filing is a draft again: change it, then submit it for review. Until the bureau "
                    "approves it again, the agency cannot be linked to new enterprises."
                ),
            )
        return HttpResponseRedirect(f"{filing.get_absolute_url()}#review")


class MyFilingView(LoginRequiredMixin, View):
    """An agency user's own filing; the add page if there is none yet."""

    def get(self, request):
        user = request.user
        if not user.has_perm("agencies.view_agencyfiling"):
            raise PermissionDenied
        organization = user.organization
        if organization is None or organization.kind != Organization.Kind.AGENCY:
            messages.info(
                request, _("Your organization is not a testing agency: here are the filings you may see.")
            )
            return HttpResponseRedirect(reverse("agencies:agencyfiling_list"))
        filing = AgencyFiling.objects.restrict(user, "view").filter(agency=organization).first()
        if filing is not None:
            return HttpResponseRedirect(filing.get_absolute_url())
        if user.has_perm("agencies.add_agencyfiling"):
            messages.info(request, _("Your agency has not filed yet: fill in the company information first."))
            return HttpResponseRedirect(reverse("agencies:agencyfiling_add"))
        return HttpResponseRedirect(reverse("agencies:agencyfiling_list"))


class PendingFilingsView(LoginRequiredMixin, View):
    """The filings awaiting review: the list filtered by status."""

    def get(self, request):
        if not request.user.has_perm("agencies.review_agencyfiling"):
            raise PermissionDenied
        return HttpResponseRedirect(
            f"{reverse('agencies:agencyfiling_list')}?status={ReviewStatus.SUBMITTED}"
        )


class ArchiveDetailView(ObjectDetailView):
    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["archived"] = readable(self.object)
        return context
