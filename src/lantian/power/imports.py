"""Excel import of the power archive: one spec per model, keyed by the enterprise's credit code and
the codes; ``archive.py`` reads a whole enterprise's archive (one workbook, a sheet per model) through
these specs, all or nothing."""

from django.utils.translation import gettext_lazy as _

from lantian.core.excel.spec import ImportField, ImportSpec


class TreatmentSpec(ImportSpec):
    """The form's rule: a treatment facility serves production facilities of its own enterprise."""

    def clean_row(self, row, importer):
        from lantian.power.forms import serves_problem

        enterprise = getattr(row.obj, "enterprise", None)  # None: its own cell says what is wrong
        if "serves" in row.many and (problem := serves_problem(enterprise, row.many["serves"])):
            row.add_error("serves", problem)


class PointSpec(ImportSpec):
    """The form's rule: a stored point keeps its kind (its thresholds and history are read by it)."""

    def clean_row(self, row, importer):
        from lantian.power.forms import KIND_FIXED

        if row.before is not None and row.obj.kind != row.before.kind:
            row.add_error("kind", KIND_FIXED)


class ThresholdSpec(ImportSpec):
    """Rows are written in bulk, without ``save()``: the points' threshold history is resynced after."""

    def written(self, importer):
        from lantian.power.actions import resync_thresholds

        points = {row.obj.point_id for row in importer.rows if row.action in ("add", "change", "delete")}
        resync_thresholds(sorted(points))


def enterprise_column(name="enterprise") -> ImportField:
    return ImportField(
        name,
        lookup=("credit_code", "name"),
        help_text=_("The enterprise's unified social credit code or its name."),
        example="91610300MA6XK00017",
    )


PROFILES = ImportSpec(
    fields=(
        enterprise_column(),
        ImportField(
            "credit_code",
            required=True,
            help_text=_("The enterprise's own credit code: it finds the profile to update."),
            example="91610300MA6XK00017",
        ),
        ImportField("industry", example="化学原料和化学制品制造业"),
        ImportField("industry_small_category", example="2614"),
        ImportField("address", example="渭川市渭滨区化工园区 8 号"),
        ImportField("longitude", example="107.23"),
        ImportField("latitude", example="34.36"),
        "remark",
    ),
    keys=(("credit_code",),),
)

PRODUCTION = ImportSpec(
    fields=(
        enterprise_column(),
        ImportField("code", example="SC01"),
        ImportField("name", example="1#反应釜"),
        "remark",
    ),
    keys=(("enterprise", "code"),),
)

TREATMENT = TreatmentSpec(
    fields=(
        enterprise_column(),
        ImportField("code", example="ZW01"),
        ImportField("name", example="1#活性炭吸附装置"),
        ImportField(
            "serves",
            lookup=("code",),
            help_text=_("Codes of the production facilities it serves, separated by 、"),
            example="SC01、SC02",
        ),
        "remark",
    ),
    keys=(("enterprise", "code"),),
)

POINTS = PointSpec(
    fields=(
        enterprise_column(),
        ImportField("code", example="DB01"),
        ImportField("name", example="1#反应釜电表"),
        ImportField("kind", example=_("production facility")),
        ImportField("production_facility", lookup=("code",), example="SC01"),
        ImportField("treatment_facility", lookup=("code",)),
        ImportField("device", lookup=("mn",), example="WCP0000001"),
        ImportField("rated_power_kw", example="75"),
        ImportField("ct_ratio", example="1"),
        ImportField("pt_ratio", example="1"),
        ImportField("networked_on", example="2026-01-05"),
        "is_active",
    ),
    keys=(("enterprise", "code"),),
)

THRESHOLDS = ThresholdSpec(
    fields=(
        ImportField("point", lookup=("code",), example="DB01"),
        ImportField("valid_from", example="2026-01-05 00:00"),
        ImportField("threshold_kw", example="5"),
        "reason",
    ),
    keys=(("point", "valid_from"),),
)

CODE_MAP = ImportSpec(
    fields=(
        ImportField("code", example="ea30010120"),
        ImportField("quantity", example=_("active power (kW)")),
        ImportField("factor", example="1"),
        "source",
    ),
    keys=(("code",),),
)
