"""Excel import and export benchmark: 100,000 administrative divisions in and out.

Generates 100,000 divisions with well-formed GB/T 2260 codes and the parents those codes imply
(1,300-odd prefecture-level units under the stored provinces, each followed by its counties) as an
xlsx workbook, imports it through the engine the import page uses (every row validated: cell types,
the code structure, level and parent, related keys, duplicates, permission; bulk writes and one
change-log entry per row), then exports every division with the list's export function.
Targets on the project's 2-core machine: import < 30 s, export < 15 s.
Side by side with django-import-export (bench/requirements.txt, ``bench/peer.py``): the first 10,000 of
the imported rows (``--peer-rows``) imported again by both on the data stored before, rolled back.

    .venv/bin/pip install -r bench/requirements.txt
    .venv/bin/python bench/import_export.py [--rows 100000] [--peer-rows 10000]

Runs on a temporary SQLite file (the test settings), or on DATABASE_URL if it is set.
"""

from __future__ import annotations

import argparse
import io
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# bench/ itself off the path: its import_export.py would hide the django-import-export package
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))

IMPORT_TARGET = 30.0  # seconds for 100,000 rows
EXPORT_TARGET = 15.0


def setup_django(folder: str) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lantian.settings.test")
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{folder}/bench.sqlite3")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def division_rows(count: int, taken: set[str], labels: dict[str, str]) -> list[list[str]]:
    """Cities with prefecture parts 51-89 under every province, each followed by its counties; the
    provinces that are not stored yet come first."""
    from lantian.core.standards.division_code import PROVINCE_CODES, division_level, parent_code

    rows = []
    counties_per_city = -(-count // (len(PROVINCE_CODES) * 39)) - 1
    for province in sorted(PROVINCE_CODES):
        for prefecture in range(51, 90):
            city = f"{province}{prefecture:02d}00"
            units = [city] + [f"{province}{prefecture:02d}{c:02d}" for c in range(1, counties_per_city + 1)]
            if prefecture == 51:
                units.insert(0, f"{province}0000")  # the province first, unless it is stored
            for code in units:
                if code in taken:
                    continue
                level = division_level(code)
                rows.append([code, f"测试{labels[level]}{code}", labels[level], parent_code(code) or ""])
                if len(rows) == count:
                    return rows
    raise SystemExit(f"cannot make {count} distinct codes")


def write_workbook(headers: list[str], rows: list[list]) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("行政区划")
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--peer-rows", type=int, default=10_000, help="rows of the side-by-side import")
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        started = time.perf_counter()
        setup_django(folder)
        run(arguments.rows, time.perf_counter() - started, arguments.peer_rows)


def run(count: int, setup_seconds: float, peer_rows: int = 10_000) -> None:
    from auditlog.models import LogEntry
    from django.utils import translation

    from lantian.core.excel.export import export_workbook
    from lantian.core.excel.importing import Importer
    from lantian.core.excel.reading import read_sheet
    from lantian.core.models import Division, Organization, Role, User
    from lantian.core.registry import registration_for

    translation.activate("zh-hans")
    registration = registration_for(Division)
    columns = registration.importer.columns(Division)
    city = Organization.objects.create(name="基准测试市局", kind=Organization.Kind.REGULATOR)
    admin = User.objects.create_user(username="bench", password="Bench@2026x", organization=city)
    admin.roles.set([Role.objects.get(code="system_admin")])
    stored = Division.objects.count()

    started = time.perf_counter()
    labels = {value: str(label) for value, label in Division.Level.choices}
    rows = division_rows(count, set(Division.objects.values_list("code", flat=True)), labels)
    content = write_workbook([c.header for c in columns[:4]], rows)
    generated = time.perf_counter() - started
    print(f"setup (migrate): {setup_seconds:.1f} s; {stored} divisions stored before")
    print(
        f"generated {len(rows):,} rows as xlsx ({len(content) / 1e6:.1f} MB) in {generated:.1f} s (not timed)"
    )

    started = time.perf_counter()
    sheet = read_sheet("divisions.xlsx", content)
    read = time.perf_counter() - started
    result = Importer(Division, admin, cid="bench").run(sheet)
    imported = time.perf_counter() - started
    if not result.ok:
        for error in result.errors[:20]:
            print("  ", error)
        raise SystemExit(f"import failed with {len(result.errors)} errors")
    assert result.created == count and Division.objects.count() == stored + count
    logged = LogEntry.objects.filter(content_type__model="division", cid="bench").count()
    if peer_rows:
        from bench.peer import division_side_by_side

        division_side_by_side(admin, [c.header for c in columns[:4]], rows[:peer_rows])

    table = registration.table(Division)
    queryset = table.order(Division.objects.restrict(admin, "export"))
    total = queryset.count()
    exported_bytes, exported, exported_cpu = timed(
        lambda: export_workbook(registration, table.columns, queryset, every=True)
    )
    peer_bytes, peer, peer_cpu = timed(lambda: peer_export(queryset))
    check_same_rows(exported_bytes, peer_bytes, total)

    print()
    print(f"import  {count:>9,} rows  {imported:6.1f} s  {count / imported:>8,.0f} rows/s  "
          f"(reading the xlsx {read:.1f} s)  target < {IMPORT_TARGET:.0f} s  "
          f"{'OK' if imported < IMPORT_TARGET else 'MISSED'}")  # fmt: skip
    print(f"export  {total:>9,} rows  {exported:6.1f} s  {total / exported:>8,.0f} rows/s  "
          f"(CPU {exported_cpu:.1f} s, {len(exported_bytes) / 1e6:.1f} MB)  target < {EXPORT_TARGET:.0f} s  "
          f"{'OK' if exported < EXPORT_TARGET else 'MISSED'}")  # fmt: skip
    print(f"  peer: django-import-export {peer_version()} exports the same rows and columns in {peer:.1f} s "
          f"(CPU {peer_cpu:.1f} s, {len(peer_bytes) / 1e6:.1f} MB): Lantian takes {exported / peer:.2f}× its "
          f"time ({exported_cpu / peer_cpu:.2f}× its CPU)")  # fmt: skip
    print(f"change log: {logged:,} entries for the {count:,} imported rows")
    if imported >= IMPORT_TARGET or exported >= EXPORT_TARGET:
        raise SystemExit(1)


def timed(function):
    """(the result, wall-clock seconds, CPU seconds of this process): the machine may be shared, and
    the CPU time is what the export itself costs."""
    started, cpu = time.perf_counter(), time.process_time()
    result = function()
    return result, time.perf_counter() - started, time.process_time() - cpu


def peer_export(queryset) -> bytes:
    """The same export in django-import-export (bench/requirements.txt): a ModelResource of the
    columns Lantian writes (code, name, level by its label, parent by its code) to xlsx through tablib."""
    from import_export import fields, resources, widgets
    from lantian.core.models import Division

    class DivisionResource(resources.ModelResource):
        level = fields.Field(attribute="get_level_display", column_name="level")
        parent = fields.Field(attribute="parent", widget=widgets.ForeignKeyWidget(Division, "code"))

        class Meta:
            model = Division
            fields = ("code", "name", "level", "parent")
            export_order = fields

    return DivisionResource().export(queryset.select_related("parent")).export("xlsx")


def peer_version() -> str:
    from importlib.metadata import version

    return version("django-import-export")


def check_same_rows(ours: bytes, theirs: bytes, total: int) -> None:
    """Both files hold every row with the same values (headers aside): the comparison is fair."""
    from python_calamine import CalamineWorkbook

    def rows(content):
        return CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0).to_python()[1:]

    mine, peer = rows(ours), rows(theirs)
    assert len(mine) == len(peer) == total, (len(mine), len(peer), total)
    assert [[str(v) for v in row] for row in mine[:1000]] == [[str(v) for v in row] for row in peer[:1000]]


if __name__ == "__main__":
    main()
