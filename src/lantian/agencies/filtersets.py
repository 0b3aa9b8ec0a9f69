import django_filters
from django.utils.translation import gettext_lazy as _

from lantian.agencies.models import (
    AgencyFiling,
    FilingArchive,
    Instrument,
    QualificationDocument,
    StaffMember,
    TrainingRecord,
)
from lantian.core.filtersets import SearchFilterSet
from lantian.core.models import Organization


def visible_agencies(request):
    return Organization.objects.restrict(request.user, "view").filter(kind=Organization.Kind.AGENCY)


def visible_filings(request):
    return AgencyFiling.objects.restrict(request.user, "view").select_related("agency")


class AgencyFilingFilterSet(SearchFilterSet):
    search_fields = ("agency__name", "agency__credit_code", "cma_number", "legal_representative")
    agency = django_filters.ModelChoiceFilter(queryset=visible_agencies, label=_("testing agency"))
    cma_expires_before = django_filters.DateFilter(
        field_name="cma_valid_until", lookup_expr="lt", label=_("CMA certificate expires before")
    )
    submitted_from = django_filters.DateFilter(
        field_name="submitted_at", lookup_expr="date__gte", label=_("submitted from")
    )
    reviewed_from = django_filters.DateFilter(
        field_name="reviewed_at", lookup_expr="date__gte", label=_("reviewed from")
    )

    class Meta:
        model = AgencyFiling
        fields = ["q", "agency", "status", "cma_expires_before", "submitted_from", "reviewed_from"]


class FilingPartFilterSet(SearchFilterSet):
    filing = django_filters.ModelChoiceFilter(queryset=visible_filings, label=_("agency filing"))


class StaffMemberFilterSet(FilingPartFilterSet):
    search_fields = ("name", "position", "title", "certificate_name", "certificate_number")
    certificate_expires_before = django_filters.DateFilter(
        field_name="certificate_valid_until", lookup_expr="lt", label=_("certificate expires before")
    )

    class Meta:
        model = StaffMember
        fields = ["q", "filing", "gender", "certificate_expires_before"]


class InstrumentFilterSet(FilingPartFilterSet):
    search_fields = ("name", "model_number", "serial_number", "calibration_certificate")
    calibration_due_before = django_filters.DateFilter(
        field_name="calibration_due", lookup_expr="lt", label=_("calibration due before")
    )

    class Meta:
        model = Instrument
        fields = ["q", "filing", "detector_type", "calibration_due_before"]


class QualificationDocumentFilterSet(FilingPartFilterSet):
    search_fields = ("title", "number", "issuer")
    expires_before = django_filters.DateFilter(
        field_name="valid_until", lookup_expr="lt", label=_("expires before")
    )

    class Meta:
        model = QualificationDocument
        fields = ["q", "filing", "kind", "expires_before"]


class TrainingRecordFilterSet(FilingPartFilterSet):
    search_fields = ("topic", "trainer", "participants")
    since = django_filters.DateFilter(field_name="date", lookup_expr="gte", label=_("from"))
    until = django_filters.DateFilter(field_name="date", lookup_expr="lte", label=_("to"))

    class Meta:
        model = TrainingRecord
        fields = ["q", "filing", "since", "until"]


class FilingArchiveFilterSet(SearchFilterSet):
    search_fields = ("filing__agency__name",)
    filing = django_filters.ModelChoiceFilter(queryset=visible_filings, label=_("agency filing"))
    approved_from = django_filters.DateFilter(
        field_name="approved_at", lookup_expr="date__gte", label=_("approved from")
    )

    class Meta:
        model = FilingArchive
        fields = ["q", "filing", "approved_from"]
