"""CP rules the decoder checks beyond its structure: size limit, DataTime, data flags."""

from __future__ import annotations

import re

from . import codes
from .cp import CP, TIMESTAMP_PATTERN, is_timestamp
from .errors import Report
from .packet import Version

# Limits (spec hj212.md "Limits"; HJ 212-2017 数据段结构组成表).
MAX_CP = 950  # CP field "CP=&&…&&", HJ 212-2017 / 2025
MAX_CP_2005 = 960  # CP field, HJ/T 212-2005
# Commands whose CP must carry DataTime (HJ 212-2017 data commands).
DATA_COMMANDS = frozenset({"2011", "2021", "2031", "2041", "2051", "2061"})

_DATA_FLAG = re.compile(r"-Flag=([^;,]*)")
_NOT_NORMAL_FLAG = re.compile(r"-Flag=(?!N(?:[;,]|$))")
_LEADING_DATA_TIME = re.compile(rf"DataTime={TIMESTAMP_PATTERN}(?:[;,]|$)", re.ASCII)


def check_cp(cp: CP, size: int, fields: dict, base: int, report: Report) -> None:
    """Size limit, DataTime and data flags."""
    limit = MAX_CP_2005 if fields["version"] is Version.HJ212_2005 else MAX_CP
    if size + 7 > limit:  # "CP=&&" + "&&"
        report.deviation(
            "cp-too-long", f"CP field has {size + 7} characters, more than {limit}", base - 5, field="CP"
        )
    _check_data_time(cp.text, fields["cn"], base, report)
    _check_data_flags(cp.text, base, report)


def _check_data_time(text: str, cn: str, base: int, report: Report) -> None:
    if text[15:17] <= "28" and _LEADING_DATA_TIME.match(text) is not None:
        return  # the usual layout: a valid DataTime first (days 29–31 need the calendar below)
    found = find_field(text, "DataTime")
    if found is None:
        if cn in DATA_COMMANDS:
            report.deviation("missing-data-time", f"CN {cn} without DataTime", base, field="CP")
        return
    value, index = found
    if len(value) != 14 or not is_timestamp(value):
        report.deviation("data-time", f"DataTime {value!r} is not YYYYMMDDhhmmss", base + index, field="CP")


def _check_data_flags(text: str, base: int, report: Report) -> None:
    if _NOT_NORMAL_FLAG.search(text) is None:
        return  # the usual packet: every flag is N
    known = codes.keysets["data_flag"]
    for match in _DATA_FLAG.finditer(text):
        if match.group(1) not in known:
            code_start = max(text.rfind(";", 0, match.start()), text.rfind(",", 0, match.start())) + 1
            report.deviation(
                "data-flag",
                f"unknown data flag {match.group(1)!r} for {text[code_start : match.start()]}",
                base + match.start(1),
                field="CP",
            )


def find_field(text: str, key: str) -> tuple[str, int] | None:
    """(value, index of the value) of the first item ``key=…`` in CP text, without parsing it all."""
    probe = f"{key}="
    index = text.find(probe)
    while index >= 0:
        if index == 0 or text[index - 1] in ";,":
            start = index + len(probe)
            end = len(text)
            for delimiter in ";,":
                found = text.find(delimiter, start)
                if 0 <= found < end:
                    end = found
            return text[start:end], start
        index = text.find(probe, index + 1)
    return None


# ================================================================================================
# encode
# ================================================================================================
