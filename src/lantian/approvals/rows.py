"""Local data in the shapes of the 前置库 tables: ``{table: [row dict]}`` plus the organisation that
answers for each row. Read in a constant number of queries (values, not objects)."""

from collections import defaultdict

from django.utils import timezone

from lantian.approvals.bulk import value_rows
from lantian.approvals.models import (
    ApprovalItem,
    ApprovalProcess,
    HandlingRecord,
    ItemInstance,
    LimitUnit,
    ProcessStage,
    Project,
    StageKind,
)
from lantian.approvals.standards import status as S

UNIT_CODES = {
    LimitUnit.WORKDAYS: "GZR",
    LimitUnit.WORKHOURS: "GZXS",
    LimitUnit.DAYS: "ZRR",
    LimitUnit.HOURS: "ZRXS",
}
STAGE_NAMES = dict(StageKind.choices)


def local_rows(
    bureau_path: str, instance_ids=None
) -> tuple[dict[str, list[dict]], dict[tuple[str, str], int]]:
    """Rows of the projects of the bureau (organisation path) and of its departments' cases, and the
    responsible organisation id of each (table, DFSJZJ)."""
    now = timezone.now()
    tables: dict[str, list[dict]] = defaultdict(list)
    owner: dict[tuple[str, str], int] = {}

    def add(table, row, organization_id):
        row.setdefault("SJGXSJ", now)
        tables[table].append(row)
        owner[(table, row["DFSJZJ"])] = organization_id

    projects = Project.objects.filter(organization__path__startswith=bureau_path)
    process_types = dict(
        ApprovalProcess.objects.filter(project__in=projects).values_list("project_id", "process_type")
    )
    for p in projects.values(
        "pk",
        "organization_id",
        "code",
        "works_code",
        "name",
        "location",
        "division__code",
        "investment",
        "land_area",
        "floor_area",
        "planned_start",
        "planned_completion",
        "builder_name",
        "builder_credit_code",
    ):
        key = f"XM{p['pk']}"
        add(
            "SPGL_XMJBXXB",
            {
                "DFSJZJ": key,
                "XZQHDM": p["division__code"],
                "XMDM": p["code"],
                "GCDM": p["works_code"],
                "XMMC": p["name"],
                "JSDD": p["location"],
                "XMZTZ": p["investment"],
                "YDMJ": p["land_area"],
                "JZMJ": p["floor_area"],
                "NKGSJ": p["planned_start"],
                "NJCSJ": p["planned_completion"],
                "SPLCLX": process_types.get(p["pk"]),
            },
            p["organization_id"],
        )
        add(
            "SPGL_XMDWXXB",
            {
                "DFSJZJ": f"DW{p['pk']}",
                "XZQHDM": p["division__code"],
                "XMDM": p["code"],
                "DWMC": p["builder_name"],
                "DWTYSHXYDM": p["builder_credit_code"],
                "DWLX": 1,
            },
            p["organization_id"],
        )
    for process in ApprovalProcess.objects.filter(project__in=projects).values(
        "pk",
        "project__organization_id",
        "project__code",
        "project__division__code",
        "process_type",
        "version",
    ):
        add(
            "SPGL_DFXMSPLCXXB",
            {
                "DFSJZJ": f"LC{process['pk']}",
                "XZQHDM": process["project__division__code"],
                "XMDM": process["project__code"],
                "SPLCBM": f"LC{process['pk']}",
                "SPLCBBH": process["version"],
                "SPLCLX": process["process_type"],
            },
            process["project__organization_id"],
        )
    for stage in ProcessStage.objects.filter(process__project__in=projects).values(
        "pk",
        "process_id",
        "kind",
        "started_on",
        "completed_on",
        "process__project__division__code",
        "process__project__organization_id",
    ):
        add(
            "SPGL_DFXMSPLCJDXXB",
            {
                "DFSJZJ": f"JD{stage['pk']}",
                "XZQHDM": stage["process__project__division__code"],
                "SPLCBM": f"LC{stage['process_id']}",
                "SPJDXH": stage["kind"],
                "SPJDMC": str(STAGE_NAMES[stage["kind"]]),
                "KSSJ": stage["started_on"],
                "JSSJ": stage["completed_on"],
            },
            stage["process__project__organization_id"],
        )
    items = ApprovalItem.objects.filter(department__path__startswith=bureau_path)
    for item in items.values(
        "pk",
        "department_id",
        "department__division__code",
        "code",
        "version",
        "name",
        "stage",
        "time_limit",
        "limit_unit",
        "department__name",
    ):
        add(
            "SPGL_DFXMSPLCJDSXXXB",
            {
                "DFSJZJ": f"SX{item['pk']}",
                "XZQHDM": item["department__division__code"] or "",
                "SPSXBM": item["code"],
                "SPSXBBH": item["version"],
                "SPSXMC": item["name"],
                "SPJDXH": item["stage"],
                "BLSX": item["time_limit"],
                "SXDW": UNIT_CODES[item["limit_unit"]],
                "DWMC": item["department__name"],
            },
            item["department_id"],
        )
    instances = ItemInstance.objects.filter(department__path__startswith=bureau_path)
    if instance_ids is not None:
        instances = instances.filter(pk__in=instance_ids)
    accepted_at = dict(
        value_rows(
            HandlingRecord.objects.filter(instance__in=instances, status=S.ACCEPTED)
            .order_by("instance_id", "-sequence")
            .values_list("instance_id", "handled_at")
        )
    )
    # The two big tables (a row per case and per handling step) are built inline, from tuples.
    cases = tables["SPGL_XMSPSXBLXXB"]
    names = {}
    for (
        pk,
        code,
        department_id,
        department,
        department_division,
        project_code,
        works_code,
        project_division,
        process_type,
        stage,
        item_code,
        status,
    ) in instances.values_list(
        "pk",
        "code",
        "department_id",
        "department__name",
        "department__division__code",
        "project__code",
        "project__works_code",
        "project__division__code",
        "project__process__process_type",
        "stage__kind",
        "item__code",
        "status",
    ):
        division = project_division or department_division or ""
        names[pk] = (code, department, department_id, division)
        key = f"BL{pk}"
        cases.append(
            {
                "DFSJZJ": key,
                "XZQHDM": division,
                "XMDM": project_code or "",
                "GCDM": works_code or "",
                "SPLCLX": process_type,
                "SPJDXH": stage,
                "SPSXBM": item_code,
                "SPSXSLBM": code,
                "DWMC": department,
                "SLSJ": accepted_at.get(pk),
                "BLZT": status,
                "SJGXSJ": now,
            }
        )
        owner[("SPGL_XMSPSXBLXXB", key)] = department_id
    steps = tables["SPGL_XMSPSXBLXXXXB"]
    special_open: dict[int, dict] = {}
    for pk, instance_id, sequence, status, handled_at, handler, opinion in value_rows(
        HandlingRecord.objects.filter(instance__in=instances)
        .order_by("instance_id", "sequence")
        .values_list("pk", "instance_id", "sequence", "status", "handled_at", "handler", "opinion")
    ):
        code, department, department_id, division = names[instance_id]
        key = f"BLXX{pk}"
        steps.append(
            {
                "DFSJZJ": key,
                "XZQHDM": division,
                "SPSXSLBM": code,
                "BLCS": sequence,
                "BLR": handler,
                "BLZT": status,
                "BLYJ": opinion,
                "BLSJ": handled_at,
                "DWMC": department,
                "SJGXSJ": now,
            }
        )
        owner[("SPGL_XMSPSXBLXXXXB", key)] = department_id
        if status == S.SPECIAL_START:
            special_open[instance_id] = {
                "DFSJZJ": f"TBCX{pk}",
                "XZQHDM": division,
                "SPSXSLBM": code,
                "TBCXKSSJ": handled_at,
                "TBCXJSSJ": None,
                "TBCXYY": opinion,
            }
            add("SPGL_XMSPSXBLTBCXXXB", special_open[instance_id], department_id)
        elif status == S.SPECIAL_END and instance_id in special_open:
            special_open.pop(instance_id)["TBCXJSSJ"] = handled_at
    for table in ("SPGL_XMSPSXBLXXB", "SPGL_XMSPSXBLXXXXB"):
        if not tables[table]:
            del tables[table]  # as the other tables: there only with rows
    return dict(tables), owner
