"""Excel import of stations and benchmark figures (the core import engine)."""

from django.utils.translation import gettext_lazy as _

from lantian.core.excel.spec import ImportField, ImportSpec


def own_organization(importer) -> str | None:
    organization = getattr(importer.user, "organization", None)
    return None if organization is None else (organization.credit_code or organization.name)


STATIONS = ImportSpec(
    fields=(
        ImportField("code", example="QS-WZ-001"),
        ImportField("name", example="凤鸣镇政府微站"),
        ImportField("kind", example="微型站"),
        ImportField(
            "organization",
            lookup=("credit_code", "name"),
            example="凤鸣镇人民政府",
            help_text=_("The township office (or the bureau) by name."),
        ),
        ImportField("latitude", example="34.443700", help_text=_("WGS84 decimal degrees.")),
        ImportField("longitude", example="107.621300", help_text=_("WGS84 decimal degrees.")),
        ImportField("device", lookup=("mn",), example="", help_text=_("The HJ 212 device's MN.")),
        ImportField("parameters", example="SO2,NO2,PM10,CO,O3,PM2.5"),
        ImportField("reference_station", lookup=("code",), example="", help_text=_("The reference's code.")),
        ImportField("active_from", example="2025-01-01"),
        ImportField("active_until", example=""),
        ImportField("remark", example=""),
    ),
    keys=(("code",),),
)

BENCHMARKS = ImportSpec(
    fields=(
        ImportField("organization", lookup=("credit_code", "name"), default=own_organization),
        ImportField("county", example="扶风县"),
        ImportField("year", example=2025),
        ImportField("month", example=_("whole year")),
        ImportField("composite_index", example="3.85"),
        ImportField("pm25", example="36"),
        ImportField("pm10", example="68"),
        ImportField("good_ratio", example="78.4"),
    ),
    keys=(("organization", "county", "year", "month"),),
)
