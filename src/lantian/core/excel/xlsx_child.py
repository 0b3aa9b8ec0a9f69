"""The child process that parses an uploaded xlsx workbook, so that the native parser (python-calamine)
never runs in a web or worker process: a workbook that makes it allocate without bound, abort or run
for minutes ends this process only, under the memory and time limits it sets on itself.

Run by path, ``python -I xlsx_child.py '<limits as JSON>'`` with the workbook on stdin; it imports
nothing of Lantian or Django. Before parsing, it checks the zip's members (count, unpacked size and
compression ratio) and the first sheet's declared dimension and cell references; after parsing, the
sheet's rows, columns and the length of every cell. It answers on stdout with a pickle of
``("rows", rows)`` (the cells as Python values; equal texts are one object, which halves the transfer)
or ``("refused", reason, details)``, which the parent (``reading.py``) words in the user's language.

With ``every`` as its second argument it reads every sheet of the workbook instead: each sheet is
checked as above before any is parsed, and the rows the sheets declare, together, are bounded by the
rows limit (so a workbook of many sheets costs no more than one of a single sheet). It answers
``("sheets", [(sheet name, rows), ...])`` in the workbook's order.
"""

from __future__ import annotations

import io
import json
import pickle
import posixpath
import re
import resource
import sys
import zipfile
from xml.etree import ElementTree

LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
DIGITS = "0123456789"
CHUNK = 1 << 20  # bytes of sheet XML scanned at a time
OVERLAP = 64  # bytes kept from the previous chunk, so that a reference cut in two is still seen
RATIO_FLOOR = 1 << 20  # members that unpack to less are small whatever their ratio
MAX_MEMBERS = 10_000


class Refused(Exception):
    def __init__(self, reason: str, **details):
        super().__init__(reason)
        self.reason, self.details = reason, details


def column_letters(number: int) -> str:
    """1 → A, 27 → AA, 16384 → XFD."""
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = LETTERS[rest] + letters
    return letters


def after_in_order(word: str, alphabet: str) -> str | None:
    """A regular expression for the words of ``word``'s length that come after it letter by letter, as
    a tree (``2(?:[1-9]..|0(?:...))``) so that a word is rejected at its first letter; None if none do."""
    any_letter = f"[{alphabet[0]}-{alphabet[-1]}]"
    higher = alphabet[alphabet.index(word[0]) + 1 :]
    branches = [f"[{higher[0]}-{higher[-1]}]" + any_letter * (len(word) - 1)] if higher else []
    if len(word) > 1 and (rest := after_in_order(word[1:], alphabet)) is not None:
        branches.append(f"{word[0]}(?:{rest})")
    return "|".join(branches) or None


def beyond_limits(rows: int, columns: int) -> re.Pattern:
    """A cell or row reference (``r="XFD1048576"``) past the last allowed row or column. It finds the
    one offending reference among millions without a step of Python for each: a column word longer
    than the limit's or after it, or a row number longer or after it (possessive: no backtracking)."""
    row, column = str(rows), column_letters(columns)
    wide = [f"[A-Z]{{{len(column) + 1}}}"]
    if (same := after_in_order(column, LETTERS)) is not None:
        wide.append(f"(?:{same})[0-9]")
    deep = [f"[0-9]{{{len(row) + 1}}}"]
    if (same := after_in_order(row, DIGITS)) is not None:
        deep.append(f'(?:{same})"')
    return re.compile(f'r="(?:{"|".join(wide)}|[A-Z]*+(?:{"|".join(deep)}))'.encode())


DIMENSION = re.compile(rb'dimension\s[^>]*?ref="(?:[A-Z]+[0-9]+:)?([A-Z]+)([0-9]+)"')
REFERENCE = re.compile(rb'([A-Z]*)([0-9]+)"')
SHEET_DATA = re.compile(rb"sheetData[\s>/]")


def letters_number(letters: bytes) -> int:
    number = 0
    for letter in letters.decode():
        number = number * 26 + LETTERS.index(letter) + 1
    return number


def check_members(archive: zipfile.ZipFile, limits: dict) -> None:
    members = archive.infolist()
    if len(members) > MAX_MEMBERS:
        raise Refused("members", count=len(members), limit=MAX_MEMBERS)
    total = 0
    for member in members:
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size > RATIO_FLOOR and ratio > limits["ratio"]:
            raise Refused("ratio", part=member.filename[:100], ratio=int(ratio), limit=limits["ratio"])
        total += member.file_size
        if total > limits["unpacked"]:
            raise Refused("unpacked", limit=limits["unpacked"])


def first_sheet(archive: zipfile.ZipFile) -> str:
    """The path of the first sheet, as the workbook and its relationships name it (calamine's sheet 0)."""
    path = all_sheets(archive)[0][1]
    if path is None:
        raise Refused("no_sheet")
    return path


def all_sheets(archive: zipfile.ZipFile) -> list[tuple[str, str | None]]:
    """(name, path) of every sheet, in the workbook's order (calamine's sheet indexes); the path is None
    for a sheet whose part the relationships do not name."""
    try:
        workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
        relations = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    except KeyError:
        raise Refused("not_xlsx") from None
    targets = {relation.get("Id"): relation.get("Target") for relation in relations.iter()}
    sheets = []
    for sheet in (e for e in workbook.iter() if e.tag.rsplit("}", 1)[-1] == "sheet"):
        wanted = next((v for k, v in sheet.attrib.items() if k.rsplit("}", 1)[-1] == "id"), None)
        target = targets.get(wanted)
        if not target:
            sheets.append((sheet.get("name") or "", None))
            continue
        path = target.lstrip("/") if target.startswith("/") else posixpath.normpath(f"xl/{target}")
        sheets.append((sheet.get("name") or "", path))
    if not sheets:
        raise Refused("no_sheet")
    return sheets


def check_sheet(archive: zipfile.ZipFile, name: str, limits: dict) -> int:
    """The declared dimension (calamine reserves room for it) and every cell and row reference; the
    rows the sheet declares (0 if it declares none)."""
    beyond = beyond_limits(limits["rows"], limits["columns"])
    try:
        handle = archive.open(name)
    except KeyError:
        raise Refused("no_sheet") from None
    in_data, tail, declared_rows = False, b"", 0
    with handle:
        while chunk := handle.read(CHUNK):
            data = tail + chunk
            if not in_data:
                declared = DIMENSION.search(data)
                if declared is not None:
                    columns, rows = letters_number(declared.group(1)), int(declared.group(2))
                    if rows > limits["rows"] or columns > limits["columns"]:
                        raise Refused("dimension", rows=rows, columns=columns)
                    declared_rows = max(declared_rows, rows)
                in_data = SHEET_DATA.search(data) is not None
            for found in beyond.finditer(data):
                if found.start() == 0 or not data[found.start() - 1 : found.start()].isspace():
                    continue  # an attribute that merely ends in "r"
                letters, number = REFERENCE.match(data, found.start() + 3).groups()
                if not letters:  # a row's own number
                    raise Refused("row_number", row=int(number[:20]))
                raise Refused("cell", cell=(letters + number).decode()[:20])
            tail = data[-OVERLAP:]
    return declared_rows


def read_rows(content: bytes, limits: dict) -> list[list]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        check_members(archive, limits)
        check_sheet(archive, first_sheet(archive), limits)
    except (Refused, MemoryError):
        raise
    except Exception:  # a truncated or corrupt zip, bad XML, an encrypted or unknown compression
        raise Refused("damaged") from None
    return sheet_rows(open_workbook(content), 0, limits, limits["rows"])


def read_every_sheet(content: bytes, limits: dict) -> list[tuple[str, list[list]]]:
    """Every sheet's rows; the rows of all sheets together are bounded by the rows limit, as declared
    (before anything is parsed) and as found."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        check_members(archive, limits)
        sheets = all_sheets(archive)
        declared = 0
        for _name, path in sheets:
            if path is None:
                raise Refused("no_sheet")
            declared += check_sheet(archive, path, limits)
            if declared > limits["rows"]:
                raise Refused("rows_total", rows=declared, limit=limits["rows"])
    except (Refused, MemoryError):
        raise
    except Exception:
        raise Refused("damaged") from None
    workbook, answer, left = open_workbook(content), [], limits["rows"]
    for index, (name, _path) in enumerate(sheets):
        rows = sheet_rows(workbook, index, limits, left)
        left -= len(rows)
        answer.append((name, rows))
    return answer


def open_workbook(content: bytes):
    from python_calamine import CalamineWorkbook

    try:
        return CalamineWorkbook.from_filelike(io.BytesIO(content))
    except MemoryError:
        raise
    except Exception:
        raise Refused("damaged") from None


def sheet_rows(workbook, index: int, limits: dict, max_rows: int) -> list[list]:
    """The rows of sheet ``index`` (at most ``max_rows``), every cell within the limits."""
    try:
        sheet = workbook.get_sheet_by_index(index)
    except MemoryError:
        raise
    except IndexError:
        raise Refused("no_sheet") from None
    except Exception:
        raise Refused("damaged") from None
    if sheet.total_height > max_rows:
        reason = "rows" if max_rows == limits["rows"] else "rows_total"
        raise Refused(reason, rows=sheet.total_height, limit=limits["rows"])
    if sheet.total_width > limits["columns"]:
        raise Refused("columns", columns=sheet.total_width, limit=limits["columns"])
    rows = sheet.to_python(skip_empty_area=False)
    texts: dict[str, str] = {}
    for index, cells in enumerate(rows):
        rows[index] = [texts.setdefault(c, c) if c.__class__ is str else c for c in cells]
    longest = max(map(len, texts), default=0)
    if longest > limits["cell"]:
        for number, cells in enumerate(rows, start=1):
            for column, cell in enumerate(cells, start=1):
                if isinstance(cell, str) and len(cell) > limits["cell"]:
                    where = f"{column_letters(column)}{number}"
                    raise Refused("cell_length", cell=where, length=len(cell), limit=limits["cell"])
    return rows


def limit_self(limits: dict) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (limits["memory"], limits["memory"]))
    resource.setrlimit(resource.RLIMIT_CPU, (limits["seconds"], limits["seconds"] + 1))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    resource.setrlimit(resource.RLIMIT_FSIZE, (0, 0))  # it writes no file, only to its pipe


def main() -> None:
    limits = json.loads(sys.argv[1])
    limit_self(limits)
    every = sys.argv[2:3] == ["every"]
    content = sys.stdin.buffer.read()
    try:
        if every:
            sheets = read_every_sheet(content, limits)
            answer = pickle.dumps(("sheets", sheets), protocol=pickle.HIGHEST_PROTOCOL)
        else:
            answer = pickle.dumps(("rows", read_rows(content, limits)), protocol=pickle.HIGHEST_PROTOCOL)
    except Refused as refused:
        answer = pickle.dumps(("refused", refused.reason, refused.details))
    except MemoryError:
        answer = pickle.dumps(("refused", "memory", {}))
    except BaseException:  # a panic of the native parser (pyo3's PanicException is no Exception)
        answer = pickle.dumps(("refused", "damaged", {}))
    sys.stdout.buffer.write(answer)


if __name__ == "__main__":
    main()
