"""Exact decimal arithmetic for concentrations, shared by the scalar and the vectorised code.

A concentration is held as a whole number of micro-units (10⁻⁶ μg/m³, or 10⁻⁶ mg/m³ for CO). A float
is read as ``round(value * 10**6)``, which is its exact decimal value whenever it has at most six
decimals (any real instrument value); Decimal, Fraction, int and str inputs are quantised to the same
grid with round-half-even. Means stay exact as ``num / (den * 10**6)`` with ``num`` a sum of
micro-units and ``den`` a count. The scalar code does the same arithmetic with ``Fraction``, so both
paths give identical results, with no float rounding anywhere in a rule.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from numbers import Integral, Rational, Real
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

MICRO = 1_000_000
# Larger values are rejected as invalid: beyond any instrument, and they keep int64 sums safe.
MAX_CONCENTRATION = 10**9
_SAFE = 2**62  # bound for int64 intermediates; larger ones are computed with Python integers


def to_fraction(value: Any) -> Fraction | None:
    """The exact value of one concentration on the micro-unit grid; None if missing or invalid."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, Integral):
        exact = Fraction(int(value))
    elif isinstance(value, Rational):
        exact = Fraction(value.numerator, value.denominator)
    elif isinstance(value, Decimal | str):
        try:
            decimal = Decimal(value)
        except ArithmeticError:
            raise ValueError(f"not a number: {value!r}") from None
        if not decimal.is_finite():
            return None
        exact = Fraction(decimal)
    elif isinstance(value, Real):
        number = float(value)
        if not math.isfinite(number) or not 0 <= number < MAX_CONCENTRATION:
            return None
        # The same IEEE product and round-half-even as np.rint(x * MICRO) in ExactArray.
        return Fraction(round(number * MICRO), MICRO)
    else:
        raise TypeError(f"not a concentration: {value!r}")
    if not 0 <= exact < MAX_CONCENTRATION:
        return None
    return Fraction(round(exact * MICRO), MICRO)


def round_half_even(value: Fraction, decimals: int) -> Fraction:
    """GB/T 8170 rounding of an exact value (ties to even)."""
    return Fraction(round(value, decimals))


def ceil_div(a: NDArray, b: NDArray) -> NDArray:
    """Exact ceiling of a / b for integer arrays with b > 0."""
    return -((-a) // b)


def round_units(num: NDArray, den: NDArray, decimals: int) -> NDArray:
    """GB/T 8170 rounding of ``num / (den * MICRO)`` to ``decimals``, returned in micro-units."""
    step = MICRO // 10**decimals
    largest = int(np.max(den, initial=1))
    # One denominator for all (hourly values): a scalar divisor is much faster.
    divisor = largest * step if np.all(den <= 1) else np.maximum(den, 1) * step
    quotient = num // divisor
    twice = 2 * (num - quotient * divisor)
    quotient = quotient + ((twice > divisor) | ((twice == divisor) & (quotient % 2 == 1)))
    return quotient * step


def widen(bound: int, *arrays: NDArray) -> tuple[NDArray, ...]:
    """The arrays as Python-integer object arrays when products up to ``bound`` could overflow int64."""
    if bound < _SAFE:
        return arrays
    return tuple(np.asarray(a).astype(object) for a in arrays)


def max_abs(a: NDArray) -> int:
    return int(np.max(np.abs(a), initial=0))


@dataclass(frozen=True)
class ExactArray:
    """An array of exact concentrations: ``num / (den * MICRO)``; ``den == 0`` marks a missing value.

    ``np.asarray(exact)`` gives float64 values (the nearest double, NaN where missing).
    """

    num: NDArray
    den: NDArray

    @classmethod
    def of(cls, values: ArrayLike | ExactArray) -> ExactArray:
        """Read concentrations (NaN or None for missing; negatives are invalid, hence missing)."""
        if isinstance(values, ExactArray):
            return values
        x = np.asarray(values, dtype=np.float64)
        valid = (x >= 0) & (x < MAX_CONCENTRATION)  # False for NaN
        num = np.rint(np.where(valid, x, 0.0) * MICRO).astype(np.int64)
        return cls(num, valid.astype(np.int64))

    @property
    def shape(self) -> tuple[int, ...]:
        return np.shape(self.num)

    @property
    def valid(self) -> NDArray[np.bool_]:
        return np.asarray(self.den > 0, dtype=bool)

    def __getitem__(self, index: Any) -> ExactArray:
        return ExactArray(self.num[index], self.den[index])

    def __array__(self, dtype: Any = None, copy: Any = None) -> NDArray:
        valid = self.valid
        den = np.where(valid, self.den, 1)
        values = np.asarray(np.where(valid, self.num / (den * MICRO), np.nan), dtype=np.float64)
        return values if dtype is None else values.astype(dtype)

    def __float__(self) -> float:
        return float(np.asarray(self).item())

    def fraction(self, index: Any = None) -> Fraction | None:
        """One element as an exact Fraction (None if missing); no index for a one-element array."""
        num, den = (self.num.item(), self.den.item()) if index is None else (self.num[index], self.den[index])
        return Fraction(int(num), int(den) * MICRO) if den else None

    def rounded(self, decimals: int) -> ExactArray:
        """GB/T 8170 rounding to ``decimals`` (exact; den becomes 1)."""
        valid = self.valid
        num = np.where(valid, round_units(self.num, self.den, decimals), 0)
        return ExactArray(num, valid.astype(np.int64))
