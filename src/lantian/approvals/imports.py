"""Excel import of projects, approval items and code maps."""

from django.utils.translation import gettext_lazy as _

from lantian.core.excel.spec import ImportField, ImportSpec

PROJECTS = ImportSpec(
    fields=(
        ImportField("organization", lookup=("credit_code", "name"), example="渭川市行政审批服务局"),
        ImportField("code", example="2026-610302-48-01-000123"),
        ImportField("works_code", example="2026-610302-48-01-000123-0001"),
        ImportField("name", example="渭滨区高新二路综合楼项目"),
        ImportField("location", example="渭川市渭滨区高新二路 18 号"),
        ImportField("division", lookup=("code", "name"), example="610302"),
        ImportField("investment", example="12000"),
        ImportField("land_area", example="15000"),
        ImportField("floor_area", example="42000"),
        ImportField("planned_start", example="2026-05-01"),
        ImportField("planned_completion", example="2028-04-30"),
        ImportField("builder_name", example="渭川城投建设有限公司"),
        ImportField("builder_credit_code", help_text=_("18 characters, GB 32100-2015")),
    ),
    keys=(("code",),),
)

ITEMS = ImportSpec(
    fields=(
        ImportField("code", example="610300-JS-001"),
        ImportField("version", example="1"),
        ImportField("name", example="建设工程规划许可证核发"),
        ImportField("department", lookup=("name",), example="渭川市自然资源和规划局"),
        ImportField("stage", example=_("construction works planning permit")),
        ImportField("time_limit", example="10"),
        ImportField("limit_unit", example=_("working days")),
        "materials",
        "handlers",
        "is_active",
    ),
    keys=(("code", "version"),),
)

CODE_MAPS = ImportSpec(
    fields=(
        ImportField("level", example="省级平台"),
        ImportField("local_code", example=_("accepted")),
        ImportField("target_code", example="23"),
        "note",
    ),
    keys=(("level", "local_code"),),
)
