"""The agencies models' registrations with the generic machinery (docs/developing.md)."""

from django.utils.translation import gettext_lazy as _

from lantian.agencies import filtersets, forms, imports, views
from lantian.agencies.models import (
    AgencyFiling,
    FilingArchive,
    Instrument,
    QualificationDocument,
    StaffMember,
    TrainingRecord,
)
from lantian.core.registry import register
from lantian.core.tables import Column, Table

AGENCY = _("testing agency")


class AgencyFilingTable(Table):
    columns = (
        Column("agency__name", AGENCY, linkify=True),
        Column("agency__credit_code", _("unified social credit code"), visible=False),
        Column("cma_number"),
        Column("cma_valid_until"),
        Column("legal_representative", visible=False),
        Column("contact_person"),
        Column("contact_phone", sortable=False),
        Column("status"),
        Column("submitted_at"),
        Column("reviewed_at"),
    )
    default_order = ("agency__name",)


class StaffMemberTable(Table):
    columns = (
        Column("name", linkify=True),
        Column("filing__agency__name", AGENCY),
        Column("gender"),
        Column("position"),
        Column("title"),
        Column("certificate_name"),
        Column("certificate_number"),
        Column("certificate_valid_until"),
    )
    default_order = ("filing__agency__name", "pk")


class InstrumentTable(Table):
    columns = (
        Column("name", linkify=True),
        Column("filing__agency__name", AGENCY),
        Column("model_number"),
        Column("serial_number"),
        Column("detector_type"),
        Column("calibration_certificate"),
        Column("calibration_due"),
    )
    default_order = ("filing__agency__name", "pk")


class QualificationDocumentTable(Table):
    columns = (
        Column("title", linkify=True),
        Column("filing__agency__name", AGENCY),
        Column("kind"),
        Column("number"),
        Column("issuer"),
        Column("issued_on"),
        Column("valid_until"),
    )
    default_order = ("filing__agency__name", "pk")


class TrainingRecordTable(Table):
    columns = (
        Column("topic", linkify=True),
        Column("filing__agency__name", AGENCY),
        Column("date"),
        Column("trainer"),
        Column("hours"),
        Column("participants", sortable=False, visible=False),
    )
    default_order = ("filing__agency__name", "-date", "pk")


class FilingArchiveTable(Table):
    columns = (
        Column("filing__agency__name", AGENCY, linkify=True),
        Column("version"),
        Column("approved_at"),
        Column("approved_by__name", _("approved by")),
    )
    default_order = ("filing__agency__name", "-version")


PART_DETAIL = "agencies/part_detail.html"

register(
    AgencyFiling,
    table=AgencyFilingTable,
    filterset=filtersets.AgencyFilingFilterSet,
    form=forms.AgencyFilingForm,
    importer=imports.FILINGS,
    detail_fields=(
        "legal_representative",
        "registered_capital",
        "business_scope",
        "laboratory_address",
        "cma_number",
        "cma_valid_until",
        "contact_person",
        "contact_phone",
        "introduction",
        "status",
        "updated_at",
    ),
    detail_template="agencies/filing_detail.html",
    views={"detail": views.FilingDetailView},
)
register(
    StaffMember,
    table=StaffMemberTable,
    filterset=filtersets.StaffMemberFilterSet,
    form=forms.StaffMemberForm,
    importer=imports.STAFF,
    detail_fields=(
        "filing",
        "name",
        "gender",
        "id_number",
        "position",
        "title",
        "certificate_name",
        "certificate_number",
        "certificate_valid_until",
    ),
    detail_template=PART_DETAIL,
    views={"add": views.FilingPartEditView},
)
register(
    Instrument,
    table=InstrumentTable,
    filterset=filtersets.InstrumentFilterSet,
    form=forms.InstrumentForm,
    importer=imports.INSTRUMENTS,
    detail_fields=(
        "filing",
        "name",
        "model_number",
        "serial_number",
        "detector_type",
        "calibration_certificate",
        "calibration_due",
    ),
    detail_template=PART_DETAIL,
    views={"add": views.FilingPartEditView},
)
register(
    QualificationDocument,
    table=QualificationDocumentTable,
    filterset=filtersets.QualificationDocumentFilterSet,
    form=forms.QualificationDocumentForm,
    importer=imports.DOCUMENTS,
    detail_fields=("filing", "kind", "title", "number", "issuer", "issued_on", "valid_until"),
    detail_template=PART_DETAIL,
    views={"add": views.FilingPartEditView},
)
register(
    TrainingRecord,
    table=TrainingRecordTable,
    filterset=filtersets.TrainingRecordFilterSet,
    form=forms.TrainingRecordForm,
    importer=imports.TRAINING,
    detail_fields=("filing", "date", "topic", "trainer", "hours", "participants"),
    detail_template=PART_DETAIL,
    views={"add": views.FilingPartEditView},
)
register(
    FilingArchive,
    table=FilingArchiveTable,
    filterset=filtersets.FilingArchiveFilterSet,
    detail_fields=("filing", "version", "approved_at", "approved_by", "snapshot"),
    detail_template="agencies/archive_detail.html",
    views={"detail": views.ArchiveDetailView},
)
