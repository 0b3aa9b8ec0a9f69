"""Identifier checks of the agency filing (pure: no Django import).

- Citizen identity numbers: GB 11643-1999 《公民身份号码》, clause 6.2 (18 characters: a six-digit
  address code, the eight-digit date of birth, a three-digit sequence code, a check character) and
  clause 7 (the check character: ISO 7064 MOD 11-2).
- Inspection-body qualification (CMA) certificate numbers: 《检验检测机构资质认定管理办法》
  (SAMR order No. 39, 2021) and its certificate rules give 12 digits: two of the year of issue, two of
  the issuing authority, two of the field, two of the sector, four of the sequence.
"""

from __future__ import annotations

import datetime
import re

# GB 11643-1999 clause 7.2: weight of position i (1-based from the left, i = 1..17) is 2^(18-i) mod 11.
ID_WEIGHTS = tuple(pow(2, 17 - i, 11) for i in range(17))  # 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2
# Clause 7.2: the check character for the weighted sum mod 11 = 0, 1, 2, …, 10.
ID_CHECK_CHARACTERS = "10X98765432"
ID_PATTERN = re.compile(r"^\d{17}[\dX]$")
CMA_PATTERN = re.compile(r"^\d{12}$")


class IdNumberError(ValueError):
    def __init__(self, reason: str, expected: str = ""):
        super().__init__(reason)
        self.reason = reason  # "format", "birth_date" or "check"
        self.expected = expected


def normalize_id_number(value: str) -> str:
    return value.strip().replace(" ", "").upper()


def id_check_character(first17: str) -> str:
    """The check character (the 18th) of an identity number with these first 17 digits."""
    total = sum(int(digit) * weight for digit, weight in zip(first17, ID_WEIGHTS, strict=True))
    return ID_CHECK_CHARACTERS[total % 11]


def validate_id_number(value: str, today: datetime.date | None = None) -> None:
    """Raise IdNumberError unless ``value`` (normalised) is a well-formed 18-character identity number."""
    if not ID_PATTERN.match(value):
        raise IdNumberError("format")
    try:
        born = datetime.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        raise IdNumberError("birth_date") from None
    if born.year < 1900 or born > (today or datetime.date.today()):
        raise IdNumberError("birth_date")
    expected = id_check_character(value[:17])
    if value[17] != expected:
        raise IdNumberError("check", expected)


def is_cma_number(value: str) -> bool:
    return bool(CMA_PATTERN.match(value))
