"""The header part of the data segment: ``QN=…;ST=…;CN=…;PW=…;MN=…;Flag=…;PNUM=…;PNO=…;``.

Field layout and meaning: HJ 212-2017 数据段结构组成表; spec hj212.md "Data segment fields" and
"Versions". ``canonical_fields`` serves the decoder's fast path, ``read_header`` and
``header_fields`` the general path that reports every problem with its position.
"""

from __future__ import annotations

from . import codes
from .cp import is_timestamp
from .errors import (
    QN_RTN_CN,
    QN_RTN_FLAG,
    QN_RTN_MN,
    QN_RTN_PW,
    QN_RTN_QN,
    QN_RTN_ST,
    HJ212Error,
    Report,
)
from .packet import FLAG_SPLIT, MAX_FLAG, VERSION_SHIFT, Version

HEADER_ORDER = ("QN", "ST", "CN", "PW", "MN", "Flag", "PNUM", "PNO")
OPTIONAL_HEADER = ("RF",)  # HJ 212-2025 re-sent (补传) marker, when a device puts it in the header
_RANK = {name: rank for rank, name in enumerate(HEADER_ORDER)}
_BY_LOWER = {name.lower(): name for name in HEADER_ORDER + OPTIONAL_HEADER}
_QN_RTN = {"QN": QN_RTN_QN, "ST": QN_RTN_ST, "CN": QN_RTN_CN, "PW": QN_RTN_PW, "MN": QN_RTN_MN}
_VERSIONS = tuple(Version)


def canonical_fields(qn, st, cn, pw, mn, flag_text, pnum, pno) -> dict | None:
    """Typed header fields when the strict checks have nothing to object to, else None."""
    flag = int(flag_text)
    bits = flag >> VERSION_SHIFT
    if flag > MAX_FLAG or bits >= len(_VERSIONS):
        return None
    if (qn is None and bits) or (qn is not None and qn[6:8] > "28" and not is_timestamp(qn)):
        return None
    if st not in codes.keysets["system"] or cn not in codes.keysets["command"]:
        return None
    if flag & FLAG_SPLIT:
        if pnum is None or not 1 <= int(pno) <= int(pnum):
            return None
        pnum, pno = int(pnum), int(pno)
    elif pnum is not None:
        return None
    return {
        "qn": qn,
        "st": st,
        "cn": cn,
        "pw": pw,
        "mn": mn,
        "flag": flag,
        "pnum": pnum,
        "pno": pno,
        "version": _VERSIONS[bits],
    }


def read_header(text: str, base: int, report: Report) -> tuple[dict[str, str], tuple[tuple[str, str], ...]]:
    """``QN=…;ST=…;`` field by field → ({"QN": …}, unknown fields), reporting order, case,
    whitespace, duplicates and unknown fields."""
    fields: dict[str, str] = {}
    extras: list[tuple[str, str]] = []
    last_rank = -1
    index = 0
    parts = text.split(";")
    if parts[-1] == "":
        parts.pop()
    for part in parts:
        position, index = base + byte_offset(text, index), index + len(part) + 1
        if not part.strip():
            report.deviation("header-empty-field", "empty header field", position)
            continue
        key, equals, value = part.partition("=")
        if not equals:
            raise HJ212Error(f"header field {part!r} has no '='", position=position)
        name, stripped = key.strip(), value.strip()
        if (name, stripped) != (key, value):
            report.deviation("whitespace", f"whitespace in header field {part!r}", position)
        canonical = name if name in _RANK or name in OPTIONAL_HEADER else _BY_LOWER.get(name.lower())
        if canonical is None:
            report.deviation("header-unknown-field", f"unknown header field {name!r}", position)
            extras.append((name, stripped))
            continue
        if canonical != name:
            report.deviation(
                "header-case", f"header field {name!r} should be written {canonical!r}", position
            )
        if canonical in fields or any(canonical == extra for extra, _ in extras):
            report.deviation("header-duplicate", f"header field {canonical} repeated", position)
            continue
        if canonical in OPTIONAL_HEADER:
            extras.append((canonical, stripped))
            continue
        rank = _RANK[canonical]
        if rank < last_rank:
            report.deviation("header-order", f"header field {canonical} out of order", position)
        last_rank = max(last_rank, rank)
        fields[canonical] = stripped
    return fields, tuple(extras)


def byte_offset(text: str, index: int) -> int:
    return len(text[:index].encode("utf-8", errors="replace"))


def _field_position(text: str, base: int, name: str) -> int:
    """Byte position of header field ``name`` (or of the end of the header when it is missing)."""
    probe = f"{name}="
    if text.startswith(probe):
        index = 0
    else:
        index = text.find(";" + probe)
        index = len(text) if index < 0 else index + 1
    return base + byte_offset(text, index)


def header_fields(header: dict[str, str], text: str, base: int, report: Report) -> dict:
    """Validate header values; returns typed fields and the version."""

    def problem(name: str, message: str, kind: str = "header-value") -> None:
        report.deviation(
            kind,
            message,
            _field_position(text, base, name),
            field=name,
            qn_rtn=_QN_RTN.get(name, QN_RTN_FLAG),
        )

    def failure(name: str, message: str) -> HJ212Error:
        return HJ212Error(
            message,
            position=_field_position(text, base, name),
            field=name,
            qn_rtn=_QN_RTN.get(name, QN_RTN_FLAG),
        )

    flag: int | None = None
    flag_text = header.get("Flag")
    if flag_text is None:
        problem("Flag", "missing Flag (HJ/T 212-2005 style)", "missing-flag")
        version = Version.HJ212_2005
    else:
        if not (flag_text.isdigit() and flag_text.isascii() and int(flag_text) <= MAX_FLAG):
            raise failure("Flag", f"Flag {flag_text!r} is not a number 0–255")
        flag = int(flag_text)
        bits = flag >> VERSION_SHIFT
        if bits > Version.HJ212_2025:
            problem("Flag", f"unknown protocol version {bits} in Flag {flag}")
            version = Version.HJ212_2025  # read it with the newest grammar
        else:
            version = Version(bits)

    qn = header.get("QN")
    if qn is None:
        if version >= Version.HJ212_2017:
            problem("QN", "missing QN", "missing-qn")
    elif not (len(qn) == 17 and is_timestamp(qn)):
        problem("QN", f"QN {qn!r} is not a YYYYMMDDhhmmsszzz time stamp")
        qn = qn or None

    st = header.get("ST")
    if st is None:
        problem("ST", "missing ST", "missing-st")
    elif st not in codes.keysets["system"]:
        problem("ST", f"unknown ST {st!r}", "unknown-code")

    cn = header.get("CN")
    if not cn:
        raise failure("CN", "missing CN")
    if cn not in codes.keysets["command"]:
        problem("CN", f"unknown CN {cn!r}", "unknown-code")

    pw = header.get("PW")
    if not pw:
        problem("PW", "missing PW" if pw is None else "empty PW", "missing-pw")
    mn = header.get("MN")
    if not mn:
        problem("MN", "missing MN" if mn is None else "empty MN", "missing-mn")

    pnum, pno = header.get("PNUM"), header.get("PNO")
    for name, value in (("PNUM", pnum), ("PNO", pno)):
        if value is not None and not (value.isdigit() and value.isascii() and len(value) <= 4):
            raise failure(name, f"{name} {value!r} is not a number of at most 4 digits")  # 数据段结构组成表
    pnum_value = int(pnum) if pnum is not None else None
    pno_value = int(pno) if pno is not None else None
    if flag is not None:
        split = bool(flag & FLAG_SPLIT)
        if split and (pnum is None or pno is None):
            problem("Flag", "Flag has the D bit but PNUM/PNO are missing")
        elif not split and (pnum is not None or pno is not None):
            problem("Flag", "PNUM/PNO present but Flag lacks the D bit")
    if pnum_value is not None and pno_value is not None and not 1 <= pno_value <= pnum_value:
        raise failure("PNO", f"PNO {pno_value} outside 1..PNUM {pnum_value}")
    return {
        "qn": qn,
        "st": st,
        "cn": cn,
        "pw": pw,
        "mn": mn,
        "flag": flag,
        "pnum": pnum_value,
        "pno": pno_value,
        "version": version,
    }
