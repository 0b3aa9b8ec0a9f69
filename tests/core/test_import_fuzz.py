"""The reader over generated malformed files: truncated and corrupted zips, huge dimensions and cell
references, bombs, long and many cells, bad XML, random bytes. Whatever the file, reading ends in rows
or in a ReadError with a message, and no child process that parsed one grew past the configured memory
limit (the limit is the child's own address-space limit: it is enforced, not hoped for)."""

from __future__ import annotations

import io
import os
import resource
import subprocess
import zipfile
from unittest import mock

import pytest
from django.test import override_settings
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lantian.core.excel.reading import ReadError, Sheet, read_sheet
from tests.core.test_import_hostile import (
    SHARED,
    deflated_repeat,
    headers_and,
    inline,
    shared,
    shared_strings,
    sheet_xml,
    workbook,
)

MEMORY = 256 * 1024 * 1024
VALID = workbook(sheet_xml(headers_and(inline("A2", "甲") + inline("B2", "企业"))))


def cell_ref(column: int, row: int) -> str:
    letters = ""
    while column:
        column, rest = divmod(column - 1, 26)
        letters = chr(65 + rest) + letters
    return f"{letters}{row}"


refs = st.builds(cell_ref, st.integers(1, 20_000), st.integers(1, 2_000_000))
texts = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=50).map(
    lambda text: text.replace("&", "&amp;").replace("<", "&lt;")
)

truncated = st.integers(0, len(VALID) - 1).map(lambda cut: VALID[:cut])


def flipped(flips: list[tuple[int, int]]) -> bytes:
    content = bytearray(VALID)
    for position, value in flips:
        content[position] = value
    return bytes(content)


corrupted = st.lists(st.tuples(st.integers(0, len(VALID) - 1), st.integers(0, 255)), min_size=1).map(flipped)
far_cells = st.lists(st.tuples(refs, texts), min_size=1, max_size=5).map(
    lambda cells: workbook(sheet_xml({1: "".join(inline(ref, text) for ref, text in cells)}))
)
dimensions = st.tuples(refs, refs).map(
    lambda corners: workbook(sheet_xml(headers_and(inline("A2", "甲")), dimension=":".join(corners)))
)
wide = st.integers(1, 2_000).map(
    lambda count: workbook(sheet_xml({1: "".join(inline(cell_ref(n, 1), "列") for n in range(1, count + 1))}))
)
long_cells = st.integers(30_000, 200_000).map(
    lambda length: workbook(sheet_xml(headers_and(shared("B2", 0))), shared_strings("x" * length))
)
bombs = st.integers(2, 64).map(
    lambda megabytes: workbook(
        sheet_xml(headers_and(shared("B2", 0))),
        raw={SHARED: deflated_repeat(b"<sst><si><t>", b"A" * (1 << 20), megabytes, b"</t></si></sst>")},
    )
)
bad_xml = texts.map(lambda text: workbook(f"<worksheet><sheetData><row><c r='A1'>{text}"))
random_bytes = st.binary(max_size=3000)
zipped_noise = st.binary(max_size=3000).map(lambda noise: _zip_of({"xl/workbook.xml": noise}))
files = st.one_of(
    truncated, corrupted, far_cells, dimensions, wide, long_cells, bombs, bad_xml, random_bytes, zipped_noise
)


def _zip_of(parts: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        for name, content in parts.items():
            package.writestr(name, content)
    return buffer.getvalue()


@pytest.fixture(autouse=True)
def chinese():
    with translation.override("zh-hans"):
        yield


class MeasuredPopen(subprocess.Popen):
    """Keeps the peak memory of each reader child it reaps. (The process-wide RUSAGE_CHILDREN would
    also count other tests' children that happen to be reaped meanwhile.) Linux starts a child's peak
    at its parent's resident size when it was forked, so a peak up to the parent's own says nothing."""

    peaks: list[int] = []

    def _try_wait(self, wait_flags):
        try:
            pid, status, usage = os.wait4(self.pid, wait_flags)
        except ChildProcessError:
            return super()._try_wait(wait_flags)
        if pid:
            self.peaks.append(usage.ru_maxrss * 1024)
        return pid, status


@override_settings(LANTIAN_IMPORT_READ_MEMORY=MEMORY, LANTIAN_IMPORT_READ_SECONDS=20)
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(content=files, kind=st.sampled_from(["rows.xlsx", "rows.csv"]))
def test_any_file_ends_in_rows_or_a_clear_refusal_within_the_childs_limits(content, kind):
    MeasuredPopen.peaks.clear()
    try:
        with mock.patch.object(subprocess, "Popen", MeasuredPopen):
            sheet = read_sheet(kind, content)
    except ReadError as error:
        message = str(error)
        assert any("\u4e00" <= char <= "\u9fff" for char in message), message  # said in Chinese
        assert len(message) < 300, message
    else:
        assert isinstance(sheet, Sheet) and sheet.rows
        assert all(
            len(cell) <= 32_767 for _number, cells in sheet.rows for cell in cells if isinstance(cell, str)
        )
    parent = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    assert max(MeasuredPopen.peaks, default=0) <= max(MEMORY, parent)
