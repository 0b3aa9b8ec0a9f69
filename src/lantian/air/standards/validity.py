"""Minimum data for a valid statistic (data), and the checks built on them."""

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .rules import Rules, check_rules


@dataclass(frozen=True)
class Validity:
    hour_minutes: int  # a valid 1-hour value: minutes of sampling
    day_hours: int  # a valid 24-hour mean (and daily maximum): 1-hour values
    eight_hour_hours: int  # a valid 8-hour mean: 1-hour values in the window
    moving_day_hours: int  # a valid 24-hour moving mean (2012 real-time PM): 1-hour values
    mda8_windows: int  # a valid MDA8: valid 8-hour means among the 17 of the day
    month_days: int  # a valid month: daily values
    february_days: int
    year_days: int  # a valid year: daily values


_GB_3095_2012 = Validity(
    hour_minutes=45,  # GB 3095-2012 表4 (1小时平均)
    day_hours=20,  # GB 3095-2012 表4 (24小时平均)
    eight_hour_hours=6,  # GB 3095-2012 表4 (8小时平均)
    moving_day_hours=20,  # not stated for moving means: taken from the 24-hour mean rule
    mda8_windows=14,  # HJ 663-2013 (日最大8小时平均: 8时至24时至少14个有效8小时平均)
    month_days=27,  # GB 3095-2012 表4 (月平均)
    february_days=25,  # GB 3095-2012 表4 (二月)
    year_days=324,  # GB 3095-2012 表4 (年平均)
)

# GB 3095-2026 / HJ 663-2026 keep these minimums (specs/air.md, Rules: one list for both sets).
VALIDITY: Mapping[Rules, Validity] = {"2012": _GB_3095_2012, "2026": _GB_3095_2012}


def validity(rules: str) -> Validity:
    return VALIDITY[check_rules(rules)]


def hour_is_valid(minutes: ArrayLike, rules: str) -> NDArray[np.bool_]:
    """Whether 1-hour values with these minutes of sampling are valid."""
    return np.asarray(minutes) >= validity(rules).hour_minutes


def month_is_valid(valid_days: ArrayLike, month: int, rules: str) -> NDArray[np.bool_]:
    """Whether a month (1–12) with this many valid daily values has a valid monthly statistic."""
    minimum = validity(rules)
    needed = minimum.february_days if month == 2 else minimum.month_days
    return np.asarray(valid_days) >= needed


def year_is_valid(valid_days: ArrayLike, rules: str) -> NDArray[np.bool_]:
    """Whether a year with this many valid daily values has a valid annual statistic."""
    return np.asarray(valid_days) >= validity(rules).year_days
