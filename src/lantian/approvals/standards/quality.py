"""Data-quality rules of the exchange tables (approvals spec "Data quality and exchange"): pure.

Rules read rows in the shapes of the 前置库 tables (dicts keyed by the standard's upper-case column
names), so the same rules check local data before upload and stand for the provincial system's
checks when it writes failures back. Each finding names its rule, the row's DFSJZJ, the field and
the parameters of its message (the caller words it).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from dataclasses import field as dataclass_field

from lantian.approvals.standards import status as S
from lantian.approvals.standards.codes import CodeError, check_project_code, check_works_code
from lantian.core.standards.credit_code import CreditCodeError, validate_credit_code

PROJECT_REQUIRED = ("JSDD", "XMZTZ", "YDMJ", "JZMJ", "NKGSJ", "NJCSJ")
PROCESS_TYPES = frozenset({1, 2, 3, 4, 5})
STAGES = frozenset({1, 2, 3, 4, 5})

# rule code → the tables it reads
RULES = {
    "required": ("SPGL_XMJBXXB",),
    "project_code": ("SPGL_XMJBXXB",),
    "plan_order": ("SPGL_XMJBXXB",),
    "division_code": ("SPGL_XMJBXXB",),
    "process_type": ("SPGL_XMJBXXB", "SPGL_DFXMSPLCXXB"),
    "credit_code": ("SPGL_XMDWXXB",),
    "status_code": ("SPGL_XMSPSXBLXXB", "SPGL_XMSPSXBLXXXXB"),
    "linked": ("SPGL_XMSPSXBLXXB",),
    "suspension_closed": ("SPGL_XMSPSXBLXXXXB",),
}


@dataclass(frozen=True)
class Finding:
    rule: str
    table: str
    key: str  # DFSJZJ of the row
    field: str = ""
    params: dict = dataclass_field(default_factory=dict)


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def check_projects(
    rows: Iterable[dict], this_year: int, divisions: frozenset[str] | None = None
) -> list[Finding]:
    table = "SPGL_XMJBXXB"
    found = []
    for row in rows:
        key = row["DFSJZJ"]
        for name in PROJECT_REQUIRED:
            if _blank(row.get(name)):
                found.append(Finding("required", table, key, name))
        try:
            check_project_code(row.get("XMDM") or "", this_year)
            check_works_code(row.get("GCDM") or "", row["XMDM"])
        except CodeError as error:
            found.append(
                Finding(
                    "project_code",
                    table,
                    key,
                    "GCDM" if error.reason.startswith("works") else "XMDM",
                    {"reason": error.reason, **error.params},
                )
            )
        start, end = row.get("NKGSJ"), row.get("NJCSJ")
        if start is not None and end is not None and end < start:
            found.append(Finding("plan_order", table, key, "NJCSJ"))
        division = row.get("XZQHDM") or ""
        if (
            len(division) != 6
            or not division.isdigit()
            or (divisions is not None and division not in divisions)
        ):
            found.append(Finding("division_code", table, key, "XZQHDM", {"value": division}))
        if row.get("SPLCLX") not in PROCESS_TYPES:
            found.append(Finding("process_type", table, key, "SPLCLX", {"value": row.get("SPLCLX")}))
    return found


def check_processes(rows: Iterable[dict]) -> list[Finding]:
    return [
        Finding("process_type", "SPGL_DFXMSPLCXXB", row["DFSJZJ"], "SPLCLX", {"value": row.get("SPLCLX")})
        for row in rows
        if row.get("SPLCLX") not in PROCESS_TYPES
    ]


def check_units(rows: Iterable[dict]) -> list[Finding]:
    found = []
    for row in rows:
        try:
            validate_credit_code(row.get("DWTYSHXYDM") or "")
        except CreditCodeError as error:
            found.append(
                Finding("credit_code", "SPGL_XMDWXXB", row["DFSJZJ"], "DWTYSHXYDM", {"reason": error.reason})
            )
    return found


def check_handling(rows: Iterable[dict]) -> list[Finding]:
    table = "SPGL_XMSPSXBLXXB"
    found = []
    for row in rows:
        key = row["DFSJZJ"]
        if row.get("BLZT") not in S.CODES:
            found.append(Finding("status_code", table, key, "BLZT", {"value": row.get("BLZT")}))
        if _blank(row.get("XMDM")):
            found.append(Finding("linked", table, key, "XMDM"))
        if row.get("SPJDXH") not in STAGES:
            found.append(Finding("linked", table, key, "SPJDXH"))
    return found


def check_details(rows: Iterable[dict]) -> list[Finding]:
    """Status codes of every step; a closed case leaves no 补正 or 特别程序 open, and no end comes
    without its start."""
    table = "SPGL_XMSPSXBLXXXXB"
    found = []
    by_case: dict[str, list[dict]] = defaultdict(list)
    for row in rows:
        if row.get("BLZT") not in S.CODES:
            found.append(Finding("status_code", table, row["DFSJZJ"], "BLZT", {"value": row.get("BLZT")}))
        by_case[row["SPSXSLBM"]].append(row)
    for steps in by_case.values():
        steps.sort(key=lambda r: r["BLCS"])
        open_at: dict[int, dict] = {}
        closed = False
        for step in steps:
            code = step.get("BLZT")
            if code in S.SUSPENSIONS:
                open_at.setdefault(code, step)
            elif code in S.SUSPENSION_ENDS:
                start = S.CORRECTION_START if code == S.CORRECTION_END else S.SPECIAL_START
                if open_at.pop(start, None) is None:
                    found.append(Finding("suspension_closed", table, step["DFSJZJ"], "BLZT", {"value": code}))
            elif code in S.FINAL:
                closed = True
        if closed:
            found.extend(
                Finding("suspension_closed", table, step["DFSJZJ"], "BLZT", {"value": code})
                for code, step in open_at.items()
            )
    return found


def check_all(
    tables: dict[str, list[dict]], this_year: int, divisions: frozenset[str] | None = None
) -> list[Finding]:
    """Every rule over the rows of every table (``{table name: rows}``)."""
    return [
        *check_projects(tables.get("SPGL_XMJBXXB", ()), this_year, divisions),
        *check_processes(tables.get("SPGL_DFXMSPLCXXB", ())),
        *check_units(tables.get("SPGL_XMDWXXB", ())),
        *check_handling(tables.get("SPGL_XMSPSXBLXXB", ())),
        *check_details(tables.get("SPGL_XMSPSXBLXXXXB", ())),
    ]
