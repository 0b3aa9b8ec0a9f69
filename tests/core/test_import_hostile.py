"""Hostile upload files (issue 11): each reproduction of the penetration test is built here with
zipfile and refused with a clear message before it is parsed, the limits of the child process that
parses a workbook are enforced, and the web process survives the child's death."""

from __future__ import annotations

import io
import subprocess
import sys
import zipfile
import zlib

import pytest
from auditlog.models import LogEntry
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import translation

from lantian.core.excel import reading
from lantian.core.excel.importing import ECHO_CHARS, Importer
from lantian.core.excel.reading import ReadError, read_sheet
from lantian.core.jobs import ERROR_CHARS
from lantian.core.models import Job, Organization
from lantian.core.registry import registrations
from tests.core.test_import_organizations import upload

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/sharedStrings.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
    "</Types>"
)
PACKAGE_RELATIONS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Target="xl/workbook.xml" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"/>'
    "</Relationships>"
)
WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELATIONS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Target="worksheets/sheet1.xml" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"/>'
    '<Relationship Id="rId2" Target="sharedStrings.xml" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"/>'
    "</Relationships>"
)
SHEET = "xl/worksheets/sheet1.xml"
SHARED = "xl/sharedStrings.xml"


def inline(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def shared(ref: str, index: int) -> str:
    return f'<c r="{ref}" t="s"><v>{index}</v></c>'


def sheet_xml(rows: dict[int, str], dimension: str | None = None) -> str:
    """A worksheet of ``{row number: its cells' XML}``."""
    declared = f'<dimension ref="{dimension}"/>' if dimension else ""
    body = "".join(f'<row r="{number}">{cells}</row>' for number, cells in rows.items())
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f"{declared}<sheetData>{body}</sheetData></worksheet>"
    )


def shared_strings(*texts: str) -> str:
    items = "".join(f"<si><t>{text}</t></si>" for text in texts)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">{items}</sst>'
    )


def workbook(sheet: str, strings: str | None = None, raw: dict[str, tuple[bytes, int, int]] = ()) -> bytes:
    """An xlsx package around one sheet. ``raw``: parts given already deflated, as (deflated bytes,
    unpacked size, CRC), for bombs too large to deflate in a test."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("[Content_Types].xml", CONTENT_TYPES)
        package.writestr("_rels/.rels", PACKAGE_RELATIONS)
        package.writestr("xl/workbook.xml", WORKBOOK)
        package.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELATIONS)
        package.writestr(SHEET, sheet)
        if strings is not None:
            package.writestr(SHARED, strings)
        for name, (deflated, size, crc) in dict(raw).items():
            info = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))
            info.compress_type, info.file_size, info.compress_size, info.CRC = (
                zipfile.ZIP_DEFLATED, size, len(deflated), crc,
            )  # fmt: skip
            info.header_offset = package.fp.tell()
            package.fp.write(info.FileHeader())
            package.fp.write(deflated)
            package.start_dir = package.fp.tell()
            package.filelist.append(info)
            package.NameToInfo[name] = info
    return buffer.getvalue()


def deflated_repeat(head: bytes, block: bytes, times: int, tail: bytes) -> tuple[bytes, int, int]:
    """``head + block * times + tail`` deflated without deflating every copy: after a full flush the
    compressor starts afresh, so every block deflates to the same bytes."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    start = compressor.compress(head) + compressor.flush(zlib.Z_FULL_FLUSH)
    once = compressor.compress(block) + compressor.flush(zlib.Z_FULL_FLUSH)
    end = compressor.compress(tail) + compressor.flush()
    crc = zlib.crc32(head)
    for _ in range(times):
        crc = zlib.crc32(block, crc)
    crc = zlib.crc32(tail, crc)
    return start + once * times + end, len(head) + len(block) * times + len(tail), crc


def shared_string_bomb(megabytes: int) -> bytes:
    """A workbook whose one cell is a shared string of ``megabytes`` MB (the pentest's bomb)."""
    strings = deflated_repeat(
        shared_strings("")[: -len("<si><t></t></si></sst>")].encode() + b"<si><t>",
        b"A" * (1 << 20),
        megabytes,
        b"</t></si></sst>",
    )
    cells = {1: inline("A1", "名称"), 2: shared("A2", 0)}
    return workbook(sheet_xml(cells), raw={SHARED: strings})


def headers_and(*rows: str) -> dict[int, str]:
    return {1: inline("A1", "名称") + inline("B1", "类型"), **dict(enumerate(rows, start=2))}


def refused(content: bytes, name: str = "rows.xlsx") -> str:
    with pytest.raises(ReadError) as error:
        read_sheet(name, content)
    return str(error.value)


def refused_in_chinese(content: bytes, name: str) -> str:
    """The refusal as the import page words it (its users read Chinese)."""
    with translation.override("zh-hans"):
        message = refused(content, name)
    assert any("\u4e00" <= char <= "\u9fff" for char in message), message
    return message


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


# --- the reproductions ---


def test_a_workbook_whose_only_cell_is_the_last_cell_of_excel_is_refused_before_parsing():
    content = workbook(sheet_xml({1048576: inline("XFD1048576", "x")}))
    assert len(content) < 2000  # the pentest's file was 1,707 bytes and aborted the web process
    assert refused(content) == "The sheet has a row numbered 1048576, beyond the limit of 200000 rows."


def test_a_cell_far_down_a_narrow_sheet_is_refused_by_its_reference():
    rows = {1: inline("A1", "名称"), 5: '<c r="CV1048576" t="inlineStr"><is><t>x</t></is></c>'}
    assert refused(workbook(sheet_xml(rows))) == (
        "The sheet has a cell at CV1048576, beyond the limit of 200000 rows and 256 columns."
    )
    wide = {1: inline("A1", "名称") + inline("IW1", "x")}  # column 257
    assert "IW1" in refused(workbook(sheet_xml(wide)))


def test_a_declared_dimension_beyond_the_limits_is_refused():
    message = refused(workbook(sheet_xml(headers_and(inline("A2", "甲")), dimension="A1:XFD1048576")))
    assert message == (
        "The sheet declares 1048576 rows and 16384 columns; at most 200000 rows and 256 columns are accepted."
    )


def test_a_shared_strings_bomb_of_a_gigabyte_is_refused_by_its_compression_ratio():
    content = shared_string_bomb(1024)
    assert len(content) < 2 * 1024 * 1024
    message = refused(content)
    assert message.startswith("The workbook's part xl/sharedStrings.xml unpacks to ")
    assert "zip bomb" in message


@override_settings(LANTIAN_IMPORT_MAX_RATIO=100_000, LANTIAN_IMPORT_MAX_UNPACKED_BYTES=50 * 1024 * 1024)
def test_the_unpacked_size_of_all_parts_is_limited():
    assert refused(shared_string_bomb(64)) == "The workbook unpacks to more than 50 MB."


@override_settings(LANTIAN_IMPORT_MAX_RATIO=100_000)
def test_a_shared_string_longer_than_a_cell_may_hold_is_refused_with_its_cell():
    content = workbook(sheet_xml(headers_and(shared("B2", 0))), shared_strings("x" * 40_000))
    assert refused(content) == "Cell B2 holds 40000 characters; a cell may hold at most 32767 (as in Excel)."
    at_limit = workbook(sheet_xml(headers_and(shared("B2", 0))), shared_strings("x" * 32_767))
    assert read_sheet("rows.xlsx", at_limit).rows == [(2, ["", "x" * 32_767])]


def test_a_truncated_workbook_and_bad_xml_are_refused_in_words_not_the_readers_english():
    whole = workbook(sheet_xml(headers_and(inline("A2", "甲") + inline("B2", "企业"))))
    damaged = (
        "The workbook is damaged or incomplete (was the upload cut short?): open it in Excel, save it "
        "again and upload it again."
    )
    for cut in (len(whole) // 3, len(whole) - 30):
        assert refused(whole[:cut]) == damaged
    assert refused(workbook('<worksheet><sheetData><row><c r="A1"><v>1</v></sheetData>')) == damaged
    assert "Cannot detect" not in refused(whole[:cut])


def test_a_csv_field_above_the_csv_modules_own_limit_is_refused_not_a_server_error():
    content = ("名称,类型\n" + "甲," + "x" * 140_000 + "\n").encode()
    assert refused(content, "rows.csv") == (
        "Row 2 has a cell longer than 32767 characters, the most a cell may hold."
    )
    assert refused(("名称,类型\n甲," + "x" * 40_000 + "\n").encode(), "rows.csv") == (
        "Cell B2 holds 40000 characters; a cell may hold at most 32767 (as in Excel)."
    )


def test_a_csv_of_twenty_thousand_columns_is_refused_before_the_error_report():
    content = (",".join(["名称"] * 20_008) + "\n" + ",".join(["x"] * 20_008) + "\n").encode()
    assert refused(content, "rows.csv") == "Row 1 has 20008 columns; at most 256 are accepted."


@override_settings(LANTIAN_IMPORT_MAX_ROWS=3)
def test_rows_beyond_the_limit_are_refused_in_csv_and_xlsx():
    assert (
        refused("名称\n甲\n乙\n丙\n".encode(), "rows.csv")
        == "The sheet has more than 3 rows: split the file."
    )
    content = workbook(sheet_xml({n: inline(f"A{n}", "甲") for n in range(1, 5)}))
    assert refused(content) == "The sheet has a row numbered 4, beyond the limit of 3 rows."


# --- the child process and its limits ---


@override_settings(
    LANTIAN_IMPORT_MAX_ROWS=2_000_000,
    LANTIAN_IMPORT_MAX_COLUMNS=20_000,
    LANTIAN_IMPORT_READ_MEMORY=300 * 1024 * 1024,
)
def test_the_memory_limit_of_the_child_is_enforced_and_the_web_process_carries_on():
    """With the reference checks lifted, the pentest's 4.2 GB workbook reaches the native parser: it
    fails inside the child, at the configured limit, and the import says so."""
    content = workbook(sheet_xml({1: inline("A1", "名称"), 1048576: inline("CV1048576", "x")}))
    assert refused(content) == "Reading the workbook needs more than the 300 MB of memory allowed."
    small = workbook(sheet_xml(headers_and(inline("A2", "甲"))))
    assert read_sheet("rows.xlsx", small).rows == [(2, ["甲", ""])]


@override_settings(LANTIAN_IMPORT_READ_SECONDS=1)
def test_the_time_limit_of_the_child_is_enforced(monkeypatch):
    monkeypatch.setattr(reading, "child_command", lambda limits: [sys.executable, "-c", "while True: pass"])
    assert refused(workbook(sheet_xml(headers_and()))) == (
        "Reading the workbook took longer than the 1 seconds allowed."
    )


def test_the_child_sets_its_own_memory_and_cpu_limits():
    limits = reading.Limits.from_settings()
    executable, isolated, _script, arguments = reading.child_command(limits)
    probe = (
        f"import json, resource, sys; sys.path.insert(0, {str(reading.CHILD.parent)!r}); "
        "import xlsx_child; xlsx_child.limit_self(json.loads(sys.argv[1])); "
        "print(resource.getrlimit(resource.RLIMIT_AS)[0], resource.getrlimit(resource.RLIMIT_CPU)[0])"
    )
    answer = subprocess.run([executable, isolated, "-c", probe, arguments], capture_output=True, check=True)
    assert answer.stdout.split() == [str(limits.memory).encode(), str(limits.seconds).encode()]


@pytest.mark.parametrize(
    "script",
    [
        "import os; os.abort()",  # a native abort, as calamine's failed allocation
        "import os, signal; os.kill(os.getpid(), signal.SIGSEGV)",
        "import sys; sys.stdout.buffer.write(b'not a pickle')",
        # an answer that tries to load a class: refused, never run
        "import pickle, sys; sys.stdout.buffer.write(pickle.dumps(('rows', [[print]])))",
    ],
)
def test_the_web_process_survives_a_child_that_dies_or_answers_nonsense(monkeypatch, script):
    monkeypatch.setattr(reading, "child_command", lambda limits: [sys.executable, "-c", script])
    assert refused(workbook(sheet_xml(headers_and()))).startswith("The workbook is damaged or incomplete")


# --- through the import page, for every importable model ---

IMPORTABLE = [registration for registration in registrations() if registration.importer]


@pytest.mark.django_db
@pytest.mark.parametrize("registration", IMPORTABLE, ids=lambda r: f"{r.app_label}.{r.model_name}")
def test_every_import_page_answers_a_hostile_file_with_its_message(tree, login, registration):
    client = login(tree.admin)
    count = registration.model.objects.count()
    files = {
        "last-cell.xlsx": workbook(sheet_xml({1048576: inline("XFD1048576", "x")})),
        "wide.csv": (",".join(["名称"] * 20_008) + "\n" + ",".join(["x"] * 20_008) + "\n").encode(),
    }
    for name, content in files.items():
        response = client.post(registration.url("import"), {"file": _file(content, name)})
        assert response.status_code == 200, name
        assert response.context["form"].errors["file"] == [refused_in_chinese(content, name)], name
    assert registration.model.objects.count() == count


@pytest.mark.django_db
def test_a_small_bomb_gets_a_short_answer_and_stores_nothing(tree, login):
    """The pentest's 100 KB bomb answered with a 104 MB error page and stored its string twice."""
    client = login(tree.city_admin)
    logged, jobs = LogEntry.objects.count(), Job.objects.count()
    bomb = shared_string_bomb(100)
    response = upload(client, bomb, name="bomb.xlsx")
    assert response.status_code == 200 and len(response.content) < 100_000
    assert response.context["form"].errors["file"] == [refused_in_chinese(bomb, "bomb.xlsx")]
    assert "xl/sharedStrings.xml" in response.context["form"].errors["file"][0]
    assert (LogEntry.objects.count(), Job.objects.count()) == (logged, jobs)


@pytest.mark.django_db
@override_settings(LANTIAN_IMPORT_INLINE_ROWS=0)  # the background job stores the errors
def test_long_values_are_cut_where_an_error_repeats_them(tree, login):
    client = login(tree.city_admin)
    long_parent = "上" * 30_000
    content = ("名称,类型,上级单位\n甲新单位,监管部门," + long_parent + "\n").encode()
    response = client.post(
        reverse("core:organization_import"), {"file": _file(content, "rows.csv")}, follow=True
    )
    job = Job.objects.latest("pk")
    assert job.status == Job.Status.FAILED and job.errors
    assert all(len(error) <= ERROR_CHARS for error in job.errors)
    (repeated,) = [error for error in job.errors if "上上" in error]
    assert "上" * ECHO_CHARS not in repeated and "上" * (ECHO_CHARS - 1) + "…" in repeated
    assert len(response.content) < 100_000

    sheet = read_sheet("rows.csv", content)
    result = Importer(Organization, tree.city_admin, dry_run=True).run(sheet)
    (error,) = [error for error in result.errors if error.column == "上级单位"]
    assert len(error.value) == ECHO_CHARS and error.value.endswith("…")
    assert len(error.message) < 2 * ECHO_CHARS


def _file(content: bytes, name: str):
    handle = io.BytesIO(content)
    handle.name = name
    return handle


@pytest.mark.django_db
def test_the_import_command_refuses_a_hostile_file_with_the_same_message(tmp_path, settings):
    hostile = tmp_path / "last-cell.xlsx"
    hostile.write_bytes(workbook(sheet_xml({1048576: inline("XFD1048576", "x")})))
    with pytest.raises(CommandError) as error:
        call_command("import_rows", "core.Organization", str(hostile))
    assert str(error.value) == refused(hostile.read_bytes())
    settings.LANTIAN_IMPORT_MAX_BYTES = 1000  # refused by its size before it is read
    with pytest.raises(CommandError, match="larger than 0 MB"):
        call_command("import_rows", "core.Organization", str(hostile))
