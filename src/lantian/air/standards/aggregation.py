"""From valid 1-hour values to daily means, moving means, daily maxima and MDA8 (exact, vectorised).

Hourly input is an array (or ExactArray) whose last axis is time, one value per hour with NaN for a
missing or invalid hour; position 0 is the hour ending 1时 of the first day (hour labels end the hour),
so daily functions need a multiple of 24 hours and return one value per day on that axis.
"""

from __future__ import annotations

from datetime import date

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .exact import MICRO, ExactArray, round_units
from .limits import DAILY_LIMIT_PERIOD, REPORTING_DECIMALS, grade_ii_limits
from .rules import check_rules
from .validity import validity

HOURS_PER_DAY = 24
MDA8_WINDOW = 8  # windows ending 8时 … 24时: the 17 complete 8-hour windows of the day


def daily_mean(hourly: ArrayLike | ExactArray, rules: str) -> ExactArray:
    """24-hour means, valid with at least 20 valid hours (GB 3095-2012 表4)."""
    num, count = _day_sums(_hours(hourly))
    return _mean(num, count, count >= validity(rules).day_hours)


def daily_max(hourly: ArrayLike | ExactArray, rules: str) -> ExactArray:
    """Daily maxima of the 1-hour values (O3 日最大1小时), valid with at least 20 valid hours."""
    days = _by_day(_hours(hourly))
    count = days.den.sum(axis=-1)
    peak = np.where(days.valid, days.num, -1).max(axis=-1)
    enough = count >= validity(rules).day_hours
    return ExactArray(np.where(enough, peak, 0), enough.astype(np.int64))


def moving_mean(hourly: ArrayLike | ExactArray, hours: int, rules: str) -> ExactArray:
    """Means of the ``hours`` (8 or 24) hours ending at each hour, same shape as the input.

    Valid with at least 6 of 8 hours (GB 3095-2012 表4) or 20 of 24 hours (the 2012 real-time PM
    moving mean); hours before the start of the series count as missing.
    """
    minimum = validity(rules)
    needed = {8: minimum.eight_hour_hours, 24: minimum.moving_day_hours}.get(hours)
    if needed is None:
        raise ValueError(f"moving means are taken over 8 or 24 hours, not {hours}")
    values = _hours(hourly)
    num = _window_sums(values.num, hours)
    count = _window_sums(values.den, hours)
    return _mean(num, count, count >= needed)


def mda8(hourly: ArrayLike | ExactArray, rules: str) -> ExactArray:
    """Daily maximum 8-hour mean of O3 from the 17 windows ending 8时 … 24时 of each day.

    A window is valid with at least 6 hours; the day is valid with at least 14 valid windows, or with
    fewer if its maximum exceeds the O3 8-hour limit (HJ 663-2013).
    """
    best, windows = mda8_candidates(hourly, rules)
    return mda8_valid(best, windows, rules)


def mda8_candidates(hourly: ArrayLike | ExactArray, rules: str) -> tuple[ExactArray, NDArray[np.int64]]:
    """The largest valid 8-hour mean of each day (whatever the number of valid windows) and the number
    of valid windows among the 17; ``mda8_valid`` applies the day's rule. Stored apart, the two let the
    validity be judged later under either rule set."""
    rules = check_rules(rules)
    minimum = validity(rules)
    days = _by_day(_hours(hourly))
    num = _window_sums(days.num, MDA8_WINDOW)[..., MDA8_WINDOW - 1 :]
    count = _window_sums(days.den, MDA8_WINDOW)[..., MDA8_WINDOW - 1 :]
    usable = count >= minimum.eight_hour_hours

    best_num = np.zeros(num.shape[:-1], dtype=np.int64)
    best_count = np.zeros(num.shape[:-1], dtype=np.int64)
    for w in range(num.shape[-1]):
        # Exact comparison of num/count fractions; count ≤ 8 keeps the products small.
        larger = usable[..., w] & ((best_count == 0) | (num[..., w] * best_count > best_num * count[..., w]))
        best_num = np.where(larger, num[..., w], best_num)
        best_count = np.where(larger, count[..., w], best_count)
    return ExactArray(best_num, best_count), usable.sum(axis=-1)


def mda8_valid(best: ExactArray, windows: ArrayLike, rules: str) -> ExactArray:
    """``best`` where the day has enough valid windows or exceeds the O3 8-hour limit, else missing."""
    rules = check_rules(rules)
    enough = np.asarray(windows) >= validity(rules).mda8_windows
    valid = best.valid & (enough | exceeds_limit(best, "O3", rules))
    return ExactArray(np.where(valid, best.num, 0), np.where(valid, best.den, 0))


def exceeds_limit(
    daily: ExactArray, pollutant: str, rules: str, day: date | None = None
) -> NDArray[np.bool_]:
    """Days above the pollutant's daily grade II limit (24-hour mean; O3 the MDA8).

    Compared the way the rule set reads concentrations for the IAQI: HJ 633-2026 on the value rounded
    per GB/T 8170, HJ 633-2012 on the value as it is; ``day`` picks the limit phase.
    """
    rules = check_rules(rules)
    limit = grade_ii_limits(rules, day)[(pollutant, DAILY_LIMIT_PERIOD[pollutant])]
    num, den = daily.num, np.where(daily.valid, daily.den, 1)
    if rules == "2026":
        num, den = round_units(num, den, REPORTING_DECIMALS[pollutant]), np.ones_like(den)
    return daily.valid & (num > limit * den * MICRO)


def _hours(hourly: ArrayLike | ExactArray) -> ExactArray:
    values = ExactArray.of(hourly)
    if np.any(values.den > 1):
        raise ValueError("hourly input must be single 1-hour values, not means")
    return values


def _by_day(values: ExactArray) -> ExactArray:
    hours = values.shape[-1] if values.shape else 0
    if hours == 0 or hours % HOURS_PER_DAY:
        raise ValueError(f"need whole days of hourly values, got {hours} hours")
    shape = (*values.shape[:-1], hours // HOURS_PER_DAY, HOURS_PER_DAY)
    return ExactArray(values.num.reshape(shape), values.den.reshape(shape))


def _day_sums(values: ExactArray) -> tuple[NDArray, NDArray]:
    days = _by_day(values)
    return days.num.sum(axis=-1), days.den.sum(axis=-1)


def _window_sums(a: NDArray, window: int) -> NDArray:
    """Sums over the ``window`` positions ending at each position of the last axis (zeros before)."""
    total = np.cumsum(a, axis=-1)
    sums = total.copy()
    sums[..., window:] -= total[..., :-window]
    return sums


def _mean(num: NDArray, count: NDArray, valid: NDArray[np.bool_]) -> ExactArray:
    return ExactArray(np.where(valid, num, 0), np.where(valid, count, 0))
