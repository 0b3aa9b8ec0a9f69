"""The CP (指令参数) part of a data segment: ``CP=&&key=value,key=value;key=value&&``.

Inside CP, ``;`` separates groups, ``,`` separates items and ``=`` joins key and value
(HJ 212-2017 数据区; spec hj212.md "Data segment fields"). Keys are plain (``DataTime``,
``RtdInterval``, ``QnRtn`` …) or a code with a suffix (``a34004-Rtd``, ``a34004-Flag`` …).

A ``CP`` is an immutable value: its canonical ``text`` decides equality, and the groups, the
per-code view and the measurements are derived from it on first use.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Iterator, Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any, NamedTuple

from .errors import Deviation, EncodeError, HJ212Error

Item = tuple[str, str]
Group = tuple[Item, ...]

# Suffixes whose values are numbers stored as measurements (HJ 212-2017 数据区 field names; the
# Zs… variants are the values converted to the reference oxygen content, 折算值).
NUMERIC_KINDS = frozenset({"Rtd", "Avg", "Min", "Max", "Cou", "ZsRtd", "ZsAvg", "ZsMin", "ZsMax", "ZsCou"})
_DELIMITERS = frozenset(";,=&")
_CODE_ITEM = re.compile(r"(?:^|[;,])([^;,=-]*)-([^;,=]*)=([^;,]*)")  # code-suffix=value in canonical text
_WHITESPACE = " \t\r\n"


class Measurement(NamedTuple):
    """One numeric value of a code, ready for the long time-series table."""

    code: str
    kind: str  # Rtd, Avg, Min, Max, Cou, ZsRtd …
    value: float | None  # None when the device sent something that is not a number
    flag: str | None  # the code's data flag (N, F, M, S, D, C, T, B …) if it sent one
    raw: str


def format_timestamp(moment: datetime) -> str:
    """``YYYYMMDDhhmmss`` as used by DataTime and SystemTime (HJ 212-2017 数据区)."""
    return moment.strftime("%Y%m%d%H%M%S")


# YYYYMMDDhhmmss with field ranges; the calendar (days 29–31) is checked separately.
TIMESTAMP_PATTERN = r"\d{4}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])(?:[01]\d|2[0-3])[0-5]\d[0-5]\d"
_TIMESTAMP = re.compile(rf"{TIMESTAMP_PATTERN}(?:\d{{3}})?", re.ASCII)


def is_timestamp(text: str) -> bool:
    """``YYYYMMDDhhmmss`` with an optional ``zzz``: a real calendar time?"""
    if _TIMESTAMP.fullmatch(text) is None:
        return False
    return text[6:8] <= "28" or parse_timestamp(text) is not None  # days 29–31 need the calendar


def parse_timestamp(text: str) -> datetime | None:
    """``YYYYMMDDhhmmss`` (or with ``zzz`` milliseconds, seen in the field) → datetime, else None."""
    if len(text) not in (14, 17) or not text.isdigit() or not text.isascii():
        return None
    try:
        return datetime(
            int(text[0:4]),
            int(text[4:6]),
            int(text[6:8]),
            int(text[8:10]),
            int(text[10:12]),
            int(text[12:14]),
            int(text[14:17] or 0) * 1000,
        )
    except ValueError:
        return None


def value_text(value: Any) -> str:
    """The text a Python value is written as inside CP."""
    if isinstance(value, str):
        return value
    if value is None:
        return ""
    if isinstance(value, bool):
        raise EncodeError(f"boolean {value!r} has no HJ 212 representation; use 1/0")
    if isinstance(value, float):
        if not math.isfinite(value):
            raise EncodeError(f"{value!r} cannot be written in an HJ 212 packet")
        return repr(value)
    if isinstance(value, (int, Decimal)):
        return str(value)
    if isinstance(value, datetime):
        return format_timestamp(value)
    raise EncodeError(f"cannot write {type(value).__name__} {value!r} inside CP")


def _checked_item(key: str, value: Any) -> Item:
    text = value_text(value)
    if not isinstance(key, str) or not key or key.strip(_WHITESPACE) != key:
        raise EncodeError(f"invalid CP key {key!r}")
    if _DELIMITERS.intersection(key) or not key.isprintable():
        raise EncodeError(f"CP key {key!r} contains a delimiter or control character")
    if _DELIMITERS.intersection(text) or not text.isprintable() or text.strip(_WHITESPACE) != text:
        raise EncodeError(f"CP value {text!r} of {key} contains a delimiter, control character or edge space")
    return key, text


def _serialize(groups: Iterable[Group]) -> str:
    return ";".join(",".join(f"{key}={value}" for key, value in group) for group in groups)


def _groups_from_mapping(mapping: Mapping[str, Any]) -> list[list[Item]]:
    """``{"DataTime": t, "a34004": {"Rtd": 1}}`` or flat ``{"a34004-Rtd": 1}`` → groups.

    Plain keys get a group each; the items of one code share a group.
    """
    groups: list[list[Item]] = []
    by_code: dict[str, list[Item]] = {}

    def code_group(code: str) -> list[Item]:
        if code not in by_code:
            by_code[code] = []
            groups.append(by_code[code])
        return by_code[code]

    for key, value in mapping.items():
        if isinstance(value, Mapping):
            code_group(key).extend(_checked_item(f"{key}-{suffix}", item) for suffix, item in value.items())
        elif "-" in key:
            code_group(key.partition("-")[0]).append(_checked_item(key, value))
        else:
            groups.append([_checked_item(key, value)])
    return groups


class CP:
    """Parameters of a packet. Build one from text, a mapping or groups::

    CP("DataTime=20240601085800;a34004-Rtd=35,a34004-Flag=N")
    CP(data_time=datetime(2024, 6, 1, 8, 58), values={"a34004": {"Rtd": 35, "Flag": "N"}})
    CP({"RtdInterval": 30})
    CP([[("QnRtn", "1")]])
    """

    __slots__ = ("_flat", "_groups", "_values", "text")

    text: str

    def __init__(
        self,
        source: str | Mapping[str, Any] | Iterable[Iterable[tuple[str, Any]]] | CP | None = None,
        *,
        data_time: datetime | str | None = None,
        values: Mapping[str, Mapping[str, Any]] | None = None,
        fields: Mapping[str, Any] | None = None,
    ) -> None:
        if isinstance(source, CP):
            groups: list[Group] = list(source.groups)
        elif isinstance(source, str):
            groups = list(parse_groups(source, strict=True))
        elif isinstance(source, Mapping):
            groups = [tuple(g) for g in _groups_from_mapping(source)]
        elif source is None:
            groups = []
        else:
            groups = [tuple(_checked_item(k, v) for k, v in group) for group in source]
            groups = [group for group in groups if group]
        prefix: list[Group] = []
        if data_time is not None:
            prefix.append((_checked_item("DataTime", data_time),))
        if fields:
            prefix.extend(tuple(g) for g in _groups_from_mapping(fields))
        if values:
            prefix.extend(tuple(g) for g in _groups_from_mapping(values))
        self._set(tuple(prefix + groups))

    # -- construction without validation, for the decoder and for derived CPs --------------------
    @classmethod
    def _from_text(cls, text: str) -> CP:
        """Trusted canonical text (already validated by the decoder); groups parsed lazily."""
        cp = object.__new__(cls)
        cp.text = text
        cp._groups = cp._values = cp._flat = None
        return cp

    @classmethod
    def _from_groups(cls, groups: Iterable[Group]) -> CP:
        cp = object.__new__(cls)
        cp._set(tuple(groups))
        return cp

    def _set(self, groups: tuple[Group, ...]) -> None:
        self._groups = groups
        self.text = _serialize(groups)
        self._values = self._flat = None

    # -- views ---------------------------------------------------------------------------------
    @property
    def groups(self) -> tuple[Group, ...]:
        if self._groups is None:
            self._groups = _split_canonical(self.text)
        return self._groups

    def items(self) -> Iterator[Item]:
        for group in self.groups:
            yield from group

    def _flat_items(self) -> dict[str, str]:
        if self._flat is None:
            flat: dict[str, str] = {}
            for key, value in self.items():
                flat.setdefault(key, value)
            self._flat = flat
        return self._flat

    @property
    def fields(self) -> dict[str, str]:
        """Plain keys (no code prefix) → first value: DataTime, RtdInterval, QnRtn …"""
        return {key: value for key, value in self._flat_items().items() if "-" not in key}

    @property
    def values(self) -> dict[str, dict[str, str]]:
        """Per-code view: ``{"a34004": {"Rtd": "35", "Flag": "N"}}`` (first value of each suffix)."""
        if self._values is None:
            values: dict[str, dict[str, str]] = {}
            for key, value in self.items():
                code, dash, suffix = key.partition("-")
                if dash:
                    values.setdefault(code, {}).setdefault(suffix, value)
            self._values = values
        return self._values

    @property
    def data_time(self) -> datetime | None:
        """DataTime as a naive datetime in the device's local time (Asia/Shanghai), or None."""
        text = self.get("DataTime")
        return parse_timestamp(text) if text is not None else None

    def get(self, key: str, default: str | None = None) -> str | None:
        """First value of a flat key (``DataTime``, ``a34004-Rtd``)."""
        return self._flat_items().get(key, default)

    def measurements(self) -> list[Measurement]:
        """The numeric values (Rtd, Avg, Min, Max, Cou and their Zs variants) with their flags: for
        each code the first value of each kind, as ``values`` has them. Read from the text with one
        regular expression, because the gateway does this for every packet it stores."""
        values: dict[str, dict[str, str]] = {}
        for code, suffix, raw in _CODE_ITEM.findall(self.text):
            values.setdefault(code, {}).setdefault(suffix, raw)
        return [
            Measurement(code, kind, _number(raw), suffixes.get("Flag"), raw)
            for code, suffixes in values.items()
            for kind, raw in suffixes.items()
            if kind in NUMERIC_KINDS
        ]

    def without(self, key: str) -> CP:
        """A copy without the items named ``key`` (groups left empty disappear)."""
        groups = (tuple(item for item in group if item[0] != key) for group in self.groups)
        return CP._from_groups(group for group in groups if group)

    # -- value semantics -----------------------------------------------------------------------
    def __getitem__(self, key: str) -> Any:
        value = self.get(key)
        if value is not None:
            return value
        codes = self.values
        if key in codes:
            return codes[key]
        raise KeyError(key)

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and (self.get(key) is not None or key in self.values)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, CP):
            return self.text == other.text
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self.text)

    def __bool__(self) -> bool:
        return bool(self.text)

    def __len__(self) -> int:
        return sum(len(group) for group in self.groups)

    def __str__(self) -> str:
        return self.text

    def __repr__(self) -> str:
        return f"CP({self.text!r})"


def _split_canonical(text: str) -> tuple[Group, ...]:
    """Groups of canonical CP text (no ``=``, ``,`` or ``;`` inside keys or values), split at C
    speed: one flat key/value list, cut into groups by their ``=`` counts."""
    if not text:
        return ()
    flat = text.replace(";", ",").replace("=", ",").split(",")
    pairs = list(zip(flat[::2], flat[1::2], strict=True))
    groups = []
    start = 0
    for group in text.split(";"):
        end = start + group.count("=")
        groups.append(tuple(pairs[start:end]))
        start = end
    return tuple(groups)


# A measurement value: a plain decimal number, optionally with an exponent (not "nan", "1_000",
# " 1"). float() reads exactly these once the text is known to hold nothing but these characters.
_NUMBER_CHARACTERS = "0123456789.+-eE"


def _number(raw: str) -> float | None:
    if not raw or raw.strip(_NUMBER_CHARACTERS):
        return None
    try:
        number = float(raw)
    except ValueError:  # "1.2.3", "--1", "e5" …
        return None
    return number if math.isfinite(number) else None


# -- parsing ---------------------------------------------------------------------------------------
# Everything but the delimiters, '&' and whitespace: deleting it leaves the item structure.
_NOT_STRUCTURE = bytes(b for b in range(256) if b not in b"=;,& \t\r\n")
_EXPECTED_STRUCTURE: dict[int, bytes] = {}


def is_canonical(cp: bytes) -> bool:
    """Whether CP content (between the ``&&``) is ``k=v`` items joined by ``,``/``;`` with no
    empty keys or items, no ``&`` and no whitespace — checked with C-speed bytes methods."""
    if not cp:
        return True
    uniform = cp.replace(b";", b",")
    structure = uniform.translate(None, _NOT_STRUCTURE)
    items = structure.count(b"=")
    expected = _EXPECTED_STRUCTURE.get(items)
    if expected is None:
        if not items:
            return False  # text without a single '='
        expected = _EXPECTED_STRUCTURE[items] = b"=," * (items - 1) + b"="
    return structure == expected and cp[0] != 0x3D and b",=" not in uniform  # 0x3D: "="


def parse_groups(
    text: str,
    *,
    strict: bool,
    notes: list[Deviation] | None = None,
    base: int = 0,
    encoding: str = "utf-8",
) -> tuple[Group, ...]:
    """Parse CP content item by item.

    Strict: the first deviation raises ``HJ212Error`` with its byte position (``base`` is the
    offset of ``text`` in the frame). Lenient: stray whitespace, empty items or groups and ``=``
    or ``&&`` inside values are accepted and appended to ``notes``; an item without ``=`` or
    without a key still raises, because its meaning is not clear.
    """
    if not text:
        return ()

    def position(index: int) -> int:
        return base + len(text[:index].encode(encoding, errors="replace"))

    def deviate(kind: str, message: str, index: int) -> None:
        if strict:
            raise HJ212Error(message, position=position(index), field="CP")
        if notes is not None:
            notes.append(Deviation(kind, message, position(index)))

    groups: list[Group] = []
    index = 0
    for raw_group in text.split(";"):
        items: list[Item] = []
        item_index = index
        for raw_item in raw_group.split(","):
            item = raw_item.strip(_WHITESPACE)
            if not item:
                deviate("cp-empty-item", "empty item or group in CP", item_index)
            else:
                if item != raw_item:
                    deviate("whitespace", f"whitespace around CP item {item!r}", item_index)
                key, equals, value = item.partition("=")
                if not equals:
                    raise HJ212Error(
                        f"CP item {item!r} has no '='", position=position(item_index), field="CP"
                    )
                stripped_key, stripped_value = key.rstrip(_WHITESPACE), value.lstrip(_WHITESPACE)
                if not stripped_key:
                    raise HJ212Error(
                        f"CP item {item!r} has no key", position=position(item_index), field="CP"
                    )
                if (stripped_key, stripped_value) != (key, value):
                    deviate("whitespace", f"whitespace around '=' in CP item {item!r}", item_index)
                if "=" in stripped_value or "&&" in stripped_value:
                    deviate(
                        "cp-delimiter-in-value", f"delimiter inside CP value of {stripped_key}", item_index
                    )
                items.append((stripped_key, stripped_value))
            item_index += len(raw_item) + 1
        if items:
            groups.append(tuple(items))
        index += len(raw_group) + 1
    return tuple(groups)
