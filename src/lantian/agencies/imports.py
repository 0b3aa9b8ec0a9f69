"""Excel import of filings and their rows: a filing is found by its CMA certificate number."""

from django.utils.translation import gettext_lazy as _

from lantian.agencies.standards import normalize_id_number
from lantian.core.excel.spec import ImportField, ImportSpec
from lantian.core.models.review import LOCKED_STATUSES


class FilingPartImportSpec(ImportSpec):
    """The template's filing dropdown offers only filings the user may change that are not locked."""

    def offered(self, name, queryset, user):
        if name != "filing":
            return queryset
        changeable = queryset.model.objects.restrict(user, "change").values("pk")
        return queryset.filter(pk__in=changeable).exclude(status__in=LOCKED_STATUSES)


def filing_column() -> ImportField:
    return ImportField(
        "filing",
        lookup=("cma_number",),
        help_text=_("The CMA certificate number of the filing the row belongs to."),
        example="221612050123",
    )


FILINGS = ImportSpec(
    fields=(
        ImportField("agency", lookup=("credit_code", "name"), example="渭川华测环境检测有限公司"),
        ImportField("legal_representative", example="孙建华"),
        ImportField("registered_capital", example="500"),
        "business_scope",
        ImportField("laboratory_address", example="渭川市渭滨区高新二路 16 号"),
        ImportField("cma_number", normalize=str.strip, example="221612050123"),
        ImportField("cma_valid_until", example="2028-06-30"),
        ImportField("contact_person", example="孙丽娟"),
        ImportField("contact_phone", example="0917-3688001"),
        "introduction",
    ),
    keys=(("cma_number",),),
)

STAFF = FilingPartImportSpec(
    fields=(
        filing_column(),
        ImportField("name", example="张伟"),
        ImportField("gender", example=_("Male")),
        ImportField("id_number", normalize=normalize_id_number, example="610302199003150017"),
        ImportField("position", example="检测员"),
        ImportField("title", example="工程师"),
        ImportField("certificate_name", example="LDAR检测员证"),
        ImportField("certificate_number", example="LDAR-SX-2024-0187"),
        ImportField("certificate_valid_until", example="2027-05-31"),
    ),
    keys=(("filing", "id_number"),),
)

INSTRUMENTS = FilingPartImportSpec(
    fields=(
        filing_column(),
        ImportField("name", example="便携式有机气体分析仪"),
        ImportField("model_number", example="TVA2020"),
        ImportField("serial_number", example="TVA2020-10452"),
        ImportField("detector_type", example="FID"),
        ImportField("calibration_certificate", example="JJ2025-08812"),
        ImportField("calibration_due", example="2026-08-31"),
    ),
    keys=(("filing", "serial_number"),),
)

DOCUMENTS = FilingPartImportSpec(
    fields=(
        filing_column(),
        ImportField("kind", example=_("Business licence")),
        ImportField("title", example="营业执照（副本）"),
        "number",
        "issuer",
        "issued_on",
        "valid_until",
    ),
    keys=(("filing", "title"),),
)

TRAINING = FilingPartImportSpec(
    fields=(
        filing_column(),
        ImportField("date", example="2026-03-12"),
        ImportField("topic", example="HJ 733-2014 泄漏检测操作规程"),
        ImportField("trainer", example="王建国"),
        ImportField("hours", example="4"),
        ImportField("participants", example="张伟、李娜、刘洋"),
    ),
    keys=(("filing", "date", "topic"),),
)
