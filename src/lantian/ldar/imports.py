"""Excel import of the archive (spec §1 [4.2]): one workbook per level, or for a plant's whole archive
one workbook of seal points whose rows name their unit, area, equipment and group by code (and name).

The parents are a ``ParentChain`` of the core import engine: found by code within the level above,
and either reported when missing or created from the codes and names in the file, as the importing
user chooses. An enterprise user may leave out the enterprise column: it is their own enterprise.

The copies of the ancestors, the tag and the dynamic flag of each row are set by the model's
``clean()`` (``derive``), which the engine runs on every row it writes; bulk writes bypass ``save()``.
"""

from dataclasses import replace

from django.utils.translation import gettext_lazy as _

from lantian.core.excel.spec import ChainLevel, ImportField, ImportSpec, ParentChain
from lantian.core.models import Organization
from lantian.ldar.models import ComponentGroup, EquipmentType, Industry, resync_below, retag


def own_enterprise(importer) -> str | None:
    """An enterprise user's own enterprise (by its credit code): the default of the enterprise column."""
    organization = getattr(importer.user, "organization", None)
    if organization is None or organization.kind != Organization.Kind.ENTERPRISE:
        return None
    return organization.credit_code or organization.name


def own_organization(importer) -> str | None:
    organization = getattr(importer.user, "organization", None)
    if organization is None:
        return None
    return organization.credit_code or organization.name


# Words plants write for the material states (the labels of the choices are recognised as well).
STATES = {
    "气": "gas",
    "气体": "gas",
    "气相": "gas",
    "气态": "gas",
    "蒸汽": "gas",
    "G": "gas",
    "GV": "gas",
    "轻液": "light_liquid",
    "轻液体": "light_liquid",
    "轻质液体": "light_liquid",
    "LL": "light_liquid",
    "重液": "heavy_liquid",
    "重液体": "heavy_liquid",
    "重质液体": "heavy_liquid",
    "HL": "heavy_liquid",
}
IMPORTANCE = {"关键": "1", "重点": "1", "重要": "2", "一般": "3", "一级": "1", "二级": "2", "三级": "3"}
GRADES = {
    "一级": "1",
    "二级": "2",
    "三级": "3",
    "Ⅰ级": "1",
    "Ⅱ级": "2",
    "Ⅲ级": "3",
    "I": "1",
    "II": "2",
    "III": "3",
}


def enterprise_column(name="enterprise"):
    return ImportField(
        name,
        lookup=("credit_code", "name"),
        aliases=("企业", "企业名称", "单位名称", "统一社会信用代码"),
        default=own_enterprise,
        example="",
        help_text=_(
            "The enterprise's credit code or name. Enterprise users may leave the column out: "
            "it is their own enterprise."
        ),
    )


UNIT = ChainLevel(
    "ldar.ProcessUnit",
    parent="enterprise",
    field="unit",
    code=ImportField(
        "unit_code",
        label=_("unit code"),
        example="CJY",
        help_text=_("Unique within the enterprise."),
        aliases=("装置编码", "装置代码", "装置编号"),
    ),
    name=ImportField(
        "unit_name",
        label=_("unit name"),
        example="常减压装置",
        aliases=("装置名称", "装置"),
        help_text=_("Needed only to create a unit; else checked against the stored name."),
    ),
)
AREA = ChainLevel(
    "ldar.Area",
    parent="unit",
    field="area",
    code=ImportField(
        "area_code",
        label=_("area code"),
        example="A01",
        help_text=_("Unique within the unit."),
        aliases=("区域编码", "区域代码", "区域编号"),
    ),
    name=ImportField("area_name", label=_("area name"), example="常压塔区", aliases=("区域名称", "区域")),
)
EQUIPMENT = ChainLevel(
    "ldar.Equipment",
    parent="area",
    field="equipment",
    code=ImportField(
        "equipment_code",
        label=_("equipment code"),
        example="T-101",
        help_text=_("Unique within the area."),
        aliases=("设备编码", "设备位号", "设备编号", "设备代码"),
    ),
    name=ImportField(
        "equipment_name", label=_("equipment name"), example="常压塔", aliases=("设备名称", "设备")
    ),
)
GROUP = ChainLevel(
    "ldar.ComponentGroup",
    parent="equipment",
    field="group",
    code=ImportField(
        "group_code",
        label=_("group code"),
        example="G0012",
        help_text=_("Unique within the equipment; the first part of the seal points' tags."),
        aliases=("群组编码", "群组编号", "群组号"),
    ),
    name=ImportField(
        "group_name", label=_("group name"), example="常压塔顶回流线", aliases=("群组名称", "群组描述")
    ),
)


def chain(*levels) -> ParentChain:
    return ParentChain(root="enterprise", levels=levels)


def only_last(*levels) -> tuple[ChainLevel, ...]:
    """The chain fills only the row's parent (the last level); ``derive`` copies the ancestors from it."""
    return (*(replace(level, field=None) for level in levels[:-1]), levels[-1])


class ArchiveImportSpec(ImportSpec):
    """Rows moved to another parent, or groups given another code, update what lies below them, as
    their ``save()`` would (bulk updates bypass it)."""

    def written(self, importer):
        model = importer.model
        moved = [r.obj.pk for r in importer.rows if r.action == "change" and model.parent_field in r.changed]
        resync_below(model, moved)
        if model is ComponentGroup:
            retag([r.obj.pk for r in importer.rows if r.action == "change" and "code" in r.changed])


UNITS = ImportSpec(
    fields=(
        enterprise_column(),
        ImportField("code", example="CJY", aliases=("装置编码", "装置代码")),
        ImportField("name", example="常减压装置", aliases=("装置名称",)),
        ImportField("safety_grade", example="一级", aliases=("安全等级",), synonyms=GRADES),
        ImportField("industry", example=Industry.REFINING.label, aliases=("行业类别", "行业类型")),
        ImportField("raw_materials", example="原油 100%", aliases=("原辅料组成", "原料组成")),
        ImportField("annual_hours", example=8400, aliases=("年运行小时数", "年运行时间")),
    ),
    keys=(("enterprise", "code"),),
)

AREAS = ArchiveImportSpec(
    fields=(
        enterprise_column(),
        ImportField("code", example="A01", aliases=("区域编码", "区域代码")),
        ImportField("name", example="常压塔区", aliases=("区域名称",)),
        ImportField("safety_grade", example="二级", aliases=("安全等级",), synonyms=GRADES),
        ImportField(
            "importance_grade", example="重要", aliases=("重要等级", "重要程度"), synonyms=IMPORTANCE
        ),
    ),
    keys=(("unit", "code"),),
    chain=chain(UNIT),
)

EQUIPMENT_SPEC = ArchiveImportSpec(
    fields=(
        enterprise_column(),
        ImportField("code", example="T-101", aliases=("设备编码", "设备位号")),
        ImportField("name", example="常压塔", aliases=("设备名称",)),
        ImportField("equipment_type", example=EquipmentType.COLUMN.label, aliases=("设备类型",)),
        ImportField("location", example="常压塔区东侧", aliases=("位置", "所在位置")),
        ImportField("safety_grade", example="二级", aliases=("安全等级",), synonyms=GRADES),
        ImportField(
            "importance_grade", example="重要", aliases=("重要等级", "重要程度"), synonyms=IMPORTANCE
        ),
    ),
    keys=(("area", "code"),),
    chain=chain(*only_last(UNIT, AREA)),
)

GROUPS = ArchiveImportSpec(
    fields=(
        enterprise_column(),
        ImportField("code", example="G0012", aliases=("群组编码", "群组编号")),
        ImportField("name", example="常压塔顶回流线", aliases=("群组名称", "群组描述")),
        ImportField("department", example="炼油一部", aliases=("所属部门", "部门")),
        ImportField("material_name", example="汽油", aliases=("物料名称", "介质名称", "介质")),
        ImportField("material_state", example="轻液", aliases=("物料状态", "介质状态"), synonyms=STATES),
        ImportField("positioning_equipment", example="P-102A", aliases=("定位设备", "参照设备")),
        ImportField("bearing", example="东侧", aliases=("方位",)),
        ImportField("platform_level", example="二层平台", aliases=("平台层", "所在平台", "平台")),
        ImportField("grid_x", example=120.5, aliases=("坐标X", "东向坐标", "东向坐标(m)")),
        ImportField("grid_y", example=86.0, aliases=("坐标Y", "北向坐标", "北向坐标(m)")),
        ImportField("point_count", example=12, aliases=("密封点数", "密封点数量")),
    ),
    keys=(("equipment", "code"),),
    chain=chain(*only_last(UNIT, AREA, EQUIPMENT)),
)

SEAL_POINTS = ArchiveImportSpec(
    fields=(
        enterprise_column(),
        ImportField("code", example="G0012-3", aliases=("密封点编码", "密封点编号")),
        ImportField(
            "seal_type",
            lookup=("name", "code"),
            example="阀门",
            aliases=("密封点类型", "组件类型", "类型"),
            help_text=_("A seal-point type of GB 37822-2019 by its name, e.g. 阀门, 法兰, 泵."),
        ),
        ImportField("extension_number", example=3, aliases=("扩展号",)),
        ImportField("extension_code", example="", aliases=("扩展编码",)),
        ImportField("material_name", example="汽油", aliases=("物料名称", "介质名称", "介质")),
        ImportField("material_state", example="轻液", aliases=("物料状态", "介质状态"), synonyms=STATES),
        ImportField("insulated", example=False, aliases=("是否保温保冷", "保温保冷", "是否保温")),
        ImportField("nominal_diameter", example=50, aliases=("公称直径", "公称直径(DN)", "公称直径（DN）")),
        ImportField("height", example=4.5, aliases=("高度", "高度(m)", "高度（m）", "高度（米）")),
        ImportField("distance", example=1.2, aliases=("距离", "距离(m)", "距离（m）", "距离（米）")),
        ImportField("period_months", example="", aliases=("检测周期", "检测周期(月)", "检测周期（月）")),
        ImportField("accessible", example=True, aliases=("是否可达", "可达")),
        ImportField("inaccessible_reason", example="", aliases=("不可达原因",)),
        ImportField("is_valid", example=True, aliases=("是否有效", "有效")),
        ImportField("remark", example="", aliases=("备注",)),
    ),
    keys=(("group", "code"), ("group", "extension_number")),
    chain=chain(*only_last(UNIT, AREA, EQUIPMENT, GROUP)),
)

SHUTDOWNS = ImportSpec(
    fields=(
        enterprise_column(),
        ImportField("start", example="2026-03-01 08:00", aliases=("停工时间", "停工开始时间")),
        ImportField("end", example="2026-03-20 18:00", aliases=("开工时间", "停工结束时间")),
        ImportField("reason", example="年度检修", aliases=("停工原因", "原因")),
        ImportField("recorder", example="王海涛", aliases=("记录人",)),
    ),
    keys=(("unit", "start"),),
    chain=ParentChain(
        root="enterprise",
        levels=(
            UNIT,
            ChainLevel(
                "ldar.Area",
                parent="unit",
                field="area",
                required=False,
                code=ImportField(
                    "area_code",
                    label=_("area code"),
                    example="",
                    aliases=("区域编码", "区域代码"),
                    help_text=_("Empty: the whole unit stopped."),
                ),
            ),
        ),
    ),
)

INSTRUMENTS = ImportSpec(
    fields=(
        ImportField(
            "organization",
            lookup=("credit_code", "name"),
            default=own_organization,
            example="",
            help_text=_("The owner's credit code or name; empty: your own organization."),
        ),
        ImportField("name", example="便携式VOCs检测仪"),
        ImportField("instrument_model", example="TVA2020"),
        ImportField("serial_number", example="TVA-20-1187"),
        ImportField("detector_type", example="FID"),
        ImportField("manufacturer", example="Thermo Fisher"),
        ImportField("measuring_range", example="0–50000 μmol/mol"),
        ImportField("calibrated_on", example="2026-01-10"),
        ImportField("calibration_due", example="2027-01-09"),
        ImportField("is_active", example=True),
    ),
    keys=(("organization", "serial_number"),),
)

SEAL_POINT_TYPES = ImportSpec(
    fields=(
        ImportField("code", example="valve"),
        ImportField("name", example="阀门"),
        ImportField("is_dynamic", example=False),
        ImportField("period_months", example=6),
        ImportField("source", example="GB 37822-2019 §8.1"),
        ImportField("sort_order", example=4),
    ),
    keys=(("code",),),
)
