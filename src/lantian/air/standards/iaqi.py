"""Individual air-quality index (IAQI, 空气质量分指数), scalar and vectorised.

IAQI = IAQI_lo + (IAQI_hi - IAQI_lo) / (BP_hi - BP_lo) * (C - BP_lo), rounded *up* to an integer
(HJ 633-2012 4.2, formula (1)), computed exactly. Under HJ 633-2026 the concentration is first rounded
per GB/T 8170 (integers; CO one decimal).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from functools import cache
from typing import Any, overload

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .breakpoints import ABOVE_RANGE, BREAKPOINTS, CONCENTRATION_DECIMALS, IAQI_SCALE, TABLE_OF
from .exact import MICRO, ExactArray, ceil_div, max_abs, round_half_even, round_units, to_fraction, widen
from .pollutants import Indicator, period_name, pollutant_name
from .rules import Rules, check_rules


def table(indicator: Indicator, rules: Rules) -> tuple[int, ...]:
    """The breakpoints that evaluate ``indicator`` under ``rules``."""
    tables = BREAKPOINTS[rules]
    try:
        return tables[TABLE_OF.get(indicator, indicator)]
    except KeyError:
        raise ValueError(f"HJ 633 has no IAQI for {indicator[0]} over {indicator[1]}") from None


def substitute(indicator: Indicator, rules: Rules) -> Indicator | None:
    """The indicator whose IAQI is reported when ``indicator`` is above its last breakpoint, if any."""
    return ABOVE_RANGE[rules].get(indicator)


def concentration_decimals(pollutant: str, rules: Rules) -> int | None:
    decimals = CONCENTRATION_DECIMALS[rules]
    return None if decimals is None else decimals[pollutant]


@overload
def iaqi(pollutant: str, value: ExactArray | NDArray, period: str, rules: str) -> NDArray[np.float64]: ...
@overload
def iaqi(pollutant: str, value: Any, period: str, rules: str) -> int | None: ...
def iaqi(pollutant: str, value: Any, period: str, rules: str) -> int | NDArray[np.float64] | None:
    """The IAQI of one concentration (μg/m³; CO mg/m³) averaged over ``period`` ("1h", "8h", "24h").

    None when the value is missing or invalid, or when it lies above the last breakpoint of a table
    for which HJ 633-2012 reports another indicator instead (SO2 1h > 800, O3 8h > 800; see
    ``aqi``). Arrays (or an ExactArray) are evaluated element-wise by ``iaqi_array``.
    """
    if isinstance(value, ExactArray) or np.ndim(value) > 0:
        return iaqi_array(pollutant, value, period, rules)
    indicator = (pollutant_name(pollutant), period_name(period))
    rules = check_rules(rules)
    concentration = to_fraction(value)
    return None if concentration is None else iaqi_exact(indicator, concentration, rules)


def iaqi_exact(indicator: Indicator, concentration: Fraction, rules: Rules) -> int | None:
    breakpoints = table(indicator, rules)
    decimals = concentration_decimals(indicator[0], rules)
    if decimals is not None:
        concentration = round_half_even(concentration, decimals)
    if concentration > breakpoints[-1]:
        return None if substitute(indicator, rules) else IAQI_SCALE[len(breakpoints) - 1]
    segment = next(i for i in range(len(breakpoints) - 1) if concentration <= breakpoints[i + 1])
    c_lo, c_hi = breakpoints[segment], breakpoints[segment + 1]
    i_lo, i_hi = IAQI_SCALE[segment], IAQI_SCALE[segment + 1]
    return i_lo + math.ceil((i_hi - i_lo) * (concentration - c_lo) / (c_hi - c_lo))


def iaqi_array(
    pollutant: str, values: ArrayLike | ExactArray, period: str, rules: str
) -> NDArray[np.float64]:
    """``iaqi`` element-wise: float64 IAQIs, NaN where the scalar function gives None."""
    indicator = (pollutant_name(pollutant), period_name(period))
    index, valid, _ = iaqi_units(indicator, ExactArray.of(values), check_rules(rules))
    return np.where(valid, index, np.nan)


def iaqi_units(
    indicator: Indicator, values: ExactArray, rules: Rules
) -> tuple[NDArray[np.int16], NDArray[np.bool_], NDArray[np.bool_]]:
    """Integer IAQIs, where they are valid, and where a substitute indicator must be used instead."""
    t = _segments(indicator, rules)
    decimals = concentration_decimals(indicator[0], rules)
    valid = values.valid
    if (index := _lookup(values, t, decimals)) is None:
        index = _interpolate(values, t, decimals)
    if not substitute(indicator, rules):
        return index, valid, np.zeros_like(valid)
    above = valid & (values.num > t.top * values.den * MICRO)
    return index, valid & ~above, above


def _interpolate(values: ExactArray, t: _Segments, decimals: int | None) -> NDArray[np.int16]:
    num, den = values.num, np.where(values.valid, values.den, 1)
    if decimals is not None:
        num, den = round_units(num, den, decimals), np.ones_like(den)
    scale = den * MICRO
    largest = max(max_abs(num), max_abs(scale) * t.top) * t.widest
    if largest < _FLOAT_EXACT:
        index = _interpolate_float(t, num, scale)
    else:
        index = _interpolate_int(t, *widen(largest, num, scale))
    return np.where(num > t.top * scale, t.top_iaqi, index).astype(np.int16)


# Below this bound every integer in the interpolation is far below 2**53: float64 holds them exactly,
# a division is correctly rounded, and the quotient's rounding error (< 500 * 2**-53) is smaller than
# the distance 1/denominator that a non-integer quotient keeps from any integer, so comparisons and
# ceilings taken in float64 are exact.
_FLOAT_EXACT = 2**40

# Values on a grid of at most three decimals (all instrument data), single or summed over at most 24
# hours, take their IAQI from a table computed once by the exact integer formula.
_GRIDS = (MICRO, MICRO // 10, MICRO // 100, MICRO // 1000)  # steps of 1, 0.1, 0.01, 0.001 units
_TABLE_MAX_COUNT = 24
_TABLE_MAX_SIZE = 2_000_000


def _lookup(values: ExactArray, t: _Segments, decimals: int | None) -> NDArray[np.int16] | None:
    num, den = values.num, values.den
    if num.dtype == object or (most := int(np.max(den, initial=1))) > _TABLE_MAX_COUNT:
        return None
    for step in _GRIDS:
        steps = num // step
        if np.array_equal(steps * step, num):
            break
    else:
        return None
    width = t.top * most * (MICRO // step) + 1
    if (most + 1) * width > min(_TABLE_MAX_SIZE, num.size):  # a table larger than the input is no gain
        return None
    table_ = _table(t, decimals, step, most)
    steps = np.minimum(steps, width - 1)  # anything above the top has the top's IAQI
    return np.take(table_[1], steps) if most == 1 else np.take(table_.ravel(), den * width + steps)


@cache
def _table(t: _Segments, decimals: int | None, step: int, most: int) -> NDArray[np.int16]:
    """IAQI of the mean of ``count`` values summing to ``k`` grid steps, by (count, k); row 0 unused."""
    k = np.arange(t.top * most * (MICRO // step) + 1, dtype=np.int64)
    count = np.arange(most + 1, dtype=np.int64)[:, None]
    num, den = np.broadcast_arrays(k * step, np.maximum(count, 1))
    return _interpolate(ExactArray(num, den), t, decimals)


def _interpolate_float(t: _Segments, num: NDArray, scale: NDArray | int) -> NDArray:
    segment = _segment(t, num / scale)
    rise = np.take(t.i_rise, segment) * (num - np.take(t.c_lo, segment) * scale)
    return np.take(t.i_lo, segment) + np.ceil(rise / (np.take(t.c_rise, segment) * scale))


def _interpolate_int(t: _Segments, num: NDArray, scale: NDArray | int) -> NDArray:
    segment = _segment(t, num, scale)
    rise = np.take(t.i_rise, segment) * (num - np.take(t.c_lo, segment) * scale)
    return np.take(t.i_lo, segment) + ceil_div(rise, np.take(t.c_rise, segment) * scale)


def _segment(t: _Segments, num: NDArray, scale: NDArray | int = 1) -> NDArray[np.intp]:
    """The segment of each value: how many inner breakpoints lie strictly below it."""
    segment = np.zeros(np.broadcast_shapes(np.shape(num), np.shape(scale)), dtype=np.intp)
    for upper in t.inner.tolist():
        segment += num > upper * scale
    return segment


@dataclass(frozen=True, eq=False)
class _Segments:
    """A breakpoint table as arrays indexed by segment."""

    inner: NDArray[np.int64]  # breakpoints between segments
    c_lo: NDArray[np.int64]
    c_rise: NDArray[np.int64]
    i_lo: NDArray[np.int64]
    i_rise: NDArray[np.int64]
    top: int  # the last breakpoint
    top_iaqi: int
    widest: int  # the largest factor in the interpolation products


@cache
def _segments(indicator: Indicator, rules: Rules) -> _Segments:
    c = np.array(table(indicator, rules), dtype=np.int64)
    i = np.array(IAQI_SCALE[: len(c)], dtype=np.int64)
    return _Segments(
        inner=c[1:-1],
        c_lo=c[:-1],
        c_rise=np.diff(c),
        i_lo=i[:-1],
        i_rise=np.diff(i),
        top=int(c[-1]),
        top_iaqi=int(i[-1]),
        widest=int(max(np.diff(c).max(), i[-1])),
    )
