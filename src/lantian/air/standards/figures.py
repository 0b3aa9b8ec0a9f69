"""Published figures: exact decimals rounded per GB/T 8170."""

from __future__ import annotations

import math
from decimal import Decimal
from fractions import Fraction

from .exact import round_half_even


class Reported(Decimal):
    """An exact decimal as published, e.g. a composite index of 3.06.

    It compares equal to the float written the same way (``Reported("3.06") == 3.06``), consistent with
    the kernel reading every float as its shortest decimal; arithmetic gives plain Decimals.
    """

    def __eq__(self, other: object) -> bool:
        if isinstance(other, float):
            return math.isfinite(other) and Decimal.__eq__(self, Decimal(repr(other)))
        return Decimal.__eq__(self, other)

    def __ne__(self, other: object) -> bool:
        return not self == other

    __hash__ = Decimal.__hash__


def reported(value: Fraction, decimals: int) -> Reported:
    """``value`` rounded per GB/T 8170 to ``decimals`` and written with exactly that many decimals."""
    rounded = round_half_even(value, decimals)
    text = f"{Decimal(rounded.numerator) / Decimal(rounded.denominator):.{decimals}f}"
    return Reported(text)
