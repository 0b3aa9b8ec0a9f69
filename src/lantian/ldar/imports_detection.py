"""Excel import of detection records (spec §2 [6.1.4]), as an agency's instrument export arrives: one
row per reading, the seal point named by its tag (群组编码-扩展号) within the enterprise, the cycle by
its year and round.

The tag is a one-level ``ParentChain`` under the enterprise column, so the engine finds every point
of the file in a few queries (the enterprise's points by tag) and reports an unknown tag in its own
column. A row's key is the point and the start of the reading: importing the same export again
updates its rows. The cycle, the thresholds of the enterprise's rule set, the groups of the points and
the work orders are fetched once for the whole file; ``DetectionRecord.clean()`` (which the engine
runs on every row) derives the rest, decides the leak and applies the filing rule.
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lantian.core.excel.spec import ChainLevel, ImportField, ImportSpec, ParentChain
from lantian.ldar.imports import enterprise_column
from lantian.ldar.models import ComponentGroup, DetectionCycle, WorkOrder
from lantian.ldar.models.detection import thresholds_of
from lantian.ldar.readings_saved import note_saved

# What a reading's row derives (``DetectionRecord.derive``): written again when the row changes.
DERIVED = frozenset(
    {
        "enterprise", "agency", "cycle", "work_order", "tag", "unit", "area", "equipment", "group",
        "seal_type", "nominal_diameter", "material_name", "material_state", "is_dynamic", "insulated",
        "accessible", "positioning_equipment", "bearing", "distance", "height", "detected_on",
        "net_value", "threshold", "is_leak",
    }
)  # fmt: skip

TAG = ChainLevel(
    "ldar.SealPoint",
    parent="enterprise",
    field="seal_point",
    code_field="tag",
    code=ImportField(
        "tag",
        label=gettext_lazy("tag"),
        example="G0012-3",
        help_text=gettext_lazy("Group code and extension number, e.g. G0012-3, as on the tag plate."),
        aliases=("标签号", "群组编码-扩展号", "密封点标签", "标签", "密封点标签号"),
    ),
)


def relate(obj, name: str, value) -> None:
    """``setattr(obj, name, value)`` for a foreign key to a stored object, without the descriptor's
    type and router checks on every row: the rows and the objects the import relates them to are read
    from the same database (the descriptor runs when the row has no database yet)."""
    if obj._state.db is None or value._state.db != obj._state.db:
        setattr(obj, name, value)
        return
    obj.__dict__[obj._meta.get_field(name).attname] = value.pk
    obj._state.fields_cache[name] = value


# What a reading reads of its seal point (``DetectionRecord.derive`` and ``clean``): the archive's
# 100,000 points of a plant are read with these columns only.
POINT_COLUMNS = (
    "enterprise", "tag", "unit", "area", "equipment", "group", "seal_type", "nominal_diameter",
    "insulated", "material_name", "material_state", "is_dynamic", "accessible", "distance", "height",
)  # fmt: skip


class DetectionImportSpec(ImportSpec):
    def chain_columns(self, level):
        return POINT_COLUMNS if level is TAG else None

    def prepare(self, importer):
        cycles = DetectionCycle.objects.select_related("enterprise")
        if importer.user is not None:  # the cycles the user's agency works in (writes follow the agency)
            cycles = cycles.restrict(importer.user, "view").within_scope(importer.user, "add")
        importer.cycles = {(c.enterprise_id, c.year, c.round): c for c in cycles}
        enterprises = {c.enterprise_id for c in importer.cycles.values()}
        importer.thresholds = thresholds_of(enterprises)
        cycle_ids = [c.pk for c in importer.cycles.values()]
        importer.orders = {
            (cycle, area): pk
            for pk, cycle, area in WorkOrder.objects.filter(cycle_id__in=cycle_ids).values_list(
                "pk", "cycle_id", "plan__area_id"
            )
        }
        importer.groups = {}
        importer.loaded_groups = set()  # enterprises whose groups are in importer.groups
        importer.permits = {}

    def fill(self, row, importer):
        obj, enterprise = row.obj, row.values.get("enterprise")
        year, round_ = row.values.get("year"), row.values.get("round")
        if enterprise is None or year is None or round_ is None:
            for name in ("year", "round"):
                if row.values.get(name) is None and name not in row.errors:
                    row.add_error(name, _("This value is required."))
            row.chain_failed = True  # where the row belongs is unknown: no scope check
            return
        cycle = importer.cycles.get((enterprise.pk, year, round_))
        if cycle is None:
            row.add_error(
                "round",
                _(
                    "No detection cycle %(year)s round %(round)s of %(enterprise)s among the cycles "
                    "of your agency."
                )
                % {"year": year, "round": round_, "enterprise": enterprise},
            )
            row.chain_failed = True
            return
        if enterprise.pk not in importer.loaded_groups:
            importer.groups.update(
                (group.pk, group)
                for group in ComponentGroup.objects.filter(enterprise_id=enterprise.pk).only(
                    "pk", "material_name", "material_state", "positioning_equipment", "bearing"
                )
            )
            importer.loaded_groups.add(enterprise.pk)
        relate(obj, "cycle", cycle)
        relate(obj, "agency", cycle.agency)  # as ``derive`` sets it from the cycle
        obj._groups, obj._thresholds = importer.groups, importer.thresholds
        obj._orders, obj._permits = importer.orders, importer.permits

    def clean_row(self, row, importer):
        if row.action == "change":
            row.changed |= DERIVED

    def written(self, importer):
        """The whole file is one save of readings: its followers hear of it once, after commit (the
        work orders of deleted rows too, whose flags and counts change)."""
        saved = [r.obj for r in importer.rows if r.action in ("add", "change")]
        deleted = [r.obj for r in importer.rows if r.action == "delete"]
        note_saved(
            [obj.pk for obj in saved],
            {obj.work_order_id for obj in saved} | {obj.work_order_id for obj in deleted},
        )


DETECTION_RECORDS = DetectionImportSpec(
    fields=(
        enterprise_column(),
        ImportField(
            "year",
            label=gettext_lazy("year"),
            extra=True,
            kind="integer",
            example=2026,
            aliases=("年度", "检测年度"),
        ),
        ImportField(
            "round",
            label=gettext_lazy("round"),
            extra=True,
            kind="integer",
            example=1,
            aliases=("轮次", "检测轮次"),
            help_text=gettext_lazy("The round of the detection cycle in the year."),
        ),
        ImportField("component_model", example="Z41H-16C", aliases=("型号", "组件型号")),
        ImportField("position", example="阀杆", aliases=("部位", "检测部位", "位置描述")),
        ImportField("background", example=1.2, aliases=("本底值", "环境本底值", "背景值")),
        ImportField("reading", example=36.5, aliases=("检测值", "读数", "检测浓度", "净检测值前读数")),
        ImportField("visible_leak", example=False, aliases=("目视泄漏", "是否目视泄漏")),
        ImportField("wind_direction", example="东北", aliases=("风向",)),
        ImportField(
            "instrument",
            lookup=("serial_number",),
            example="TVA-20-1187",
            aliases=("仪器编号", "仪器序列号", "检测仪器"),
            help_text=gettext_lazy("The serial number of one of your agency's detection instruments."),
        ),
        ImportField("operator", example="张伟", aliases=("检测人员", "检测人", "操作人员")),
        ImportField("started_at", example="2026-04-08 09:15:20", aliases=("开始时间", "检测开始时间")),
        ImportField("ended_at", example="2026-04-08 09:15:48", aliases=("结束时间", "检测结束时间")),
        ImportField("remark", example="", aliases=("备注",)),
    ),
    keys=(("seal_point", "started_at"),),
    chain=ParentChain(root="enterprise", levels=(TAG,)),
)
