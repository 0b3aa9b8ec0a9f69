"""HJ 212 code tables: ST, CN, data flags, QnRtn, ExeRtn, Flag bits and pollutant codes.

The tables are CSV files in ``data/`` (each row names its source), read on first use. Vendors and
provinces add codes, so every table can be extended at run time: ``register("pollutant", rows)``
or ``load_csv("system", path)``, typically from the platform's settings. Strict decoding accepts
an ST or CN only when it is in the (extended) table.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

TABLE_FILES: dict[str, tuple[str, ...]] = {
    "system": ("system_codes.csv",),
    "command": ("command_codes.csv",),
    "data_flag": ("data_flags.csv",),
    "qn_rtn": ("qn_rtn.csv",),
    "exe_rtn": ("exe_rtn.csv",),
    "flag_bit": ("flag_bits.csv",),
    "pollutant": ("pollutants_air.csv", "pollutants_power.csv"),
}


@dataclass(frozen=True, slots=True)
class Code:
    code: str
    name_zh: str
    name_en: str
    source: str
    unit: str = ""
    direction: str = ""  # command codes: up (device → platform), down, or both

    def name(self, language: str = "zh") -> str:
        return self.name_en if language.startswith("en") else self.name_zh


class CodeTable(Mapping[str, Code]):
    """Read-only mapping code → ``Code``; later rows override earlier ones."""

    def __init__(self, name: str, rows: Iterable[Code]) -> None:
        self.name = name
        self._rows = {row.code: row for row in rows}
        self.keyset = frozenset(self._rows)

    def __getitem__(self, code: str) -> Code:
        return self._rows[code]

    def __contains__(self, code: object) -> bool:
        return code in self._rows

    def __iter__(self) -> Iterator[str]:
        return iter(self._rows)

    def __len__(self) -> int:
        return len(self._rows)

    def __repr__(self) -> str:
        return f"<CodeTable {self.name}: {len(self)} codes>"


class _Keysets(dict):
    """table name → frozenset of its codes, filled on first use (the decoder's hot path)."""

    def __missing__(self, name: str) -> frozenset[str]:
        found = self[name] = table(name).keyset
        return found


_registered: dict[str, list[Code]] = {}
_cache: dict[str, CodeTable] = {}
keysets: dict[str, frozenset[str]] = _Keysets()


def _rows_from_csv(text: str) -> list[Code]:
    return [_as_code(row) for row in csv.DictReader(io.StringIO(text))]


def _as_code(row: Mapping[str, str] | Code) -> Code:
    if isinstance(row, Code):
        return row
    fields = {key: (value or "").strip() for key, value in row.items() if key in Code.__slots__}
    if not fields.get("code"):
        raise ValueError(f"code table row without a code: {dict(row)!r}")
    fields.setdefault("name_zh", "")
    fields.setdefault("name_en", "")
    fields.setdefault("source", "")
    return Code(**fields)


def table(name: str) -> CodeTable:
    """The named table (see ``TABLE_FILES``), loaded on first use and extended by ``register``."""
    cached = _cache.get(name)
    if cached is not None:
        return cached
    if name not in TABLE_FILES:
        raise KeyError(f"unknown code table {name!r}; known: {', '.join(TABLE_FILES)}")
    package = resources.files("lantian.hj212.data")
    rows: list[Code] = []
    for filename in TABLE_FILES[name]:
        rows.extend(_rows_from_csv(package.joinpath(filename).read_text(encoding="utf-8")))
    rows.extend(_registered.get(name, ()))
    built = _cache[name] = CodeTable(name, rows)
    return built


def register(name: str, rows: Iterable[Mapping[str, str] | Code]) -> None:
    """Add or override codes of a table (vendor, provincial or configured codes)."""
    if name not in TABLE_FILES:
        raise KeyError(f"unknown code table {name!r}; known: {', '.join(TABLE_FILES)}")
    _registered.setdefault(name, []).extend(_as_code(row) for row in rows)
    _cache.pop(name, None)
    keysets.pop(name, None)


def load_csv(name: str, path: str | Path) -> None:
    """Extend a table from a CSV file with the same columns as the shipped files."""
    register(name, _rows_from_csv(Path(path).read_text(encoding="utf-8")))


def reset_registered() -> None:
    """Forget run-time additions (tests)."""
    _registered.clear()
    _cache.clear()
    keysets.clear()


def system_codes() -> CodeTable:
    return table("system")


def command_codes() -> CodeTable:
    return table("command")


def data_flags() -> CodeTable:
    return table("data_flag")


def qn_rtn_codes() -> CodeTable:
    return table("qn_rtn")


def exe_rtn_codes() -> CodeTable:
    return table("exe_rtn")


def flag_bits() -> CodeTable:
    return table("flag_bit")


def pollutants() -> CodeTable:
    return table("pollutant")
