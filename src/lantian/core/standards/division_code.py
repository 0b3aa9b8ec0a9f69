"""GB/T 2260 administrative-division codes (中华人民共和国行政区划代码).

Code structure, GB/T 2260-2007 §4: six digits in three pairs.

- digits 1-2: the province-level unit (省、自治区、直辖市、特别行政区);
- digits 3-4: the prefecture-level unit (市、地区、自治州、盟), or the summary code of a
  municipality's districts (e.g. 1101 北京市市辖区); ``90`` is the summary code of the county-level
  units a province administers directly (省直辖县级行政区划, e.g. 419001 济源市);
- digits 5-6: the county-level unit (市辖区、县、县级市、自治县、旗…).

A pair of ``00`` means "this level and below as a whole", so ``610000`` is a province, ``610300`` a
prefecture and ``610305`` a county. Pure functions, no I/O.
"""

from typing import Literal

Level = Literal["province", "city", "county"]

# Province-level codes of GB/T 2260 (31 provinces, autonomous regions and municipalities of the
# mainland, then 71 台湾省, 81 香港, 82 澳门). Unchanged since 50 重庆市 was added in 1997.
PROVINCE_CODES = frozenset(
    {
        "11", "12", "13", "14", "15",
        "21", "22", "23",
        "31", "32", "33", "34", "35", "36", "37",
        "41", "42", "43", "44", "45", "46",
        "50", "51", "52", "53", "54",
        "61", "62", "63", "64", "65",
        "71", "81", "82",
    }
)  # fmt: skip

# Digits 3-4 of units a province administers directly (GB/T 2260-2007 §4).
PROVINCE_ADMINISTERED = "90"


class DivisionCodeError(ValueError):
    """A string that is not a well-formed GB/T 2260 code; the message says why."""


def validate_division_code(code: str) -> None:
    """Raise :class:`DivisionCodeError` unless ``code`` is a well-formed six-digit code.

    This checks the structure (six ASCII digits, a known province, no county part under an empty
    prefecture part), not whether the division exists today: codes of abolished divisions stay
    well-formed and are still found in old records.
    """
    if not isinstance(code, str):
        raise DivisionCodeError(f"a division code must be a string, not {type(code).__name__}")
    if len(code) != 6:
        raise DivisionCodeError(f"a division code has 6 digits, got {len(code)} characters")
    for position, char in enumerate(code, start=1):
        if char not in "0123456789":
            raise DivisionCodeError(
                f"illegal character {char!r} at position {position}: only digits are allowed"
            )
    if code[:2] not in PROVINCE_CODES:
        raise DivisionCodeError(f"unknown province code {code[:2]!r}")
    if code[2:4] == "00" and code[4:] != "00":
        raise DivisionCodeError(
            "a county part needs a prefecture part: digits 3-4 are 00 but digits 5-6 are not"
        )


def division_level(code: str) -> Level:
    """``"province"``, ``"city"`` (prefecture level) or ``"county"`` for a valid code."""
    validate_division_code(code)
    if code[2:] == "0000":
        return "province"
    if code[4:] == "00":
        return "city"
    return "county"


def parent_code(code: str) -> str | None:
    """The code of the unit directly above ``code``, or ``None`` for a province.

    A county-level unit administered directly by its province (digits 3-4 ``90``, e.g. 419001 济源市,
    429004 仙桃市) hangs under the province, since the ``xx9000`` summary code is not a division.
    """
    level = division_level(code)
    if level == "province":
        return None
    if level == "city" or code[2:4] == PROVINCE_ADMINISTERED:
        return code[:2] + "0000"
    return code[:4] + "00"
