"""Period statistics of daily values: means, percentiles (HJ 663 appendix A), exceedances, 优良天数比例.

All functions reduce the last axis (days) of arrays of any shape, exactly; a single series gives
0-d results, which ``publish`` turns into published figures.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .aggregation import exceeds_limit
from .exact import MICRO, ExactArray, max_abs, to_fraction, widen
from .figures import Reported, reported
from .levels import GOOD_UPPER
from .limits import PERCENT_DECIMALS, PERIOD_ITEMS, REPORTING_DECIMALS, SAND_DUST_EXCLUDED
from .pollutants import parse_key
from .rules import check_rules


def period_mean(daily: ArrayLike | ExactArray) -> ExactArray:
    """Exact mean of the valid daily values."""
    x = ExactArray.of(daily)
    valid = x.valid
    common = math.lcm(*np.unique(x.den[valid]).tolist())
    scale = common // np.where(valid, x.den, 1)
    days = valid.sum(axis=-1)
    num, scale = widen(max_abs(x.num) * common * max(x.shape[-1], 1), x.num, scale)
    total = np.where(valid, num * scale, 0).sum(axis=-1)
    (den,) = widen(common * max(x.shape[-1], 1) * MICRO, days)
    return ExactArray(np.where(days > 0, total, 0), den * common)


def period_percentile(daily: ArrayLike | ExactArray, p: Any) -> ExactArray:
    """The p-th percentile of the valid daily values per HJ 663-2013 附录A.

    Sorted ascending X(1) ≤ … ≤ X(n): k = 1 + (n − 1)·p%, s = the integer part of k,
    P = X(s) + (X(s+1) − X(s))·(k − s).
    """
    share = Fraction(str(p))
    if not 0 <= share <= 100:
        raise ValueError(f"percentile must be within 0–100, got {p}")
    num, den, days = _sorted(ExactArray.of(daily))
    scale = 100 * share.denominator
    position = np.maximum(days - 1, 0) * share.numerator
    s, part = np.divmod(position, scale)  # 0-based index of X(s), and (k − s)·scale
    s_next = np.minimum(s + 1, np.maximum(days - 1, 0))
    a, b = _take(num, s), _take(den, s)
    c, d = _take(num, s_next), _take(den, s_next)
    b, d = np.maximum(b, 1), np.maximum(d, 1)
    a, b, c, d, part = widen(
        max(max_abs(a), max_abs(c)) * max(max_abs(b), max_abs(d)) * scale * 2, a, b, c, d, part
    )
    value = a * d * scale + (c * b - a * d) * part
    has = days > 0
    return ExactArray(np.where(has, value, 0), np.where(has, b * d * scale, 0))


def percentile(values: ArrayLike, p: Any) -> Reported | None:
    """The p-th percentile (HJ 663-2013 附录A) of a series, exactly; None if it has no valid value."""
    fractions = [to_fraction(v) for v in np.ravel(np.asarray(values, dtype=object))]
    exact = ExactArray(
        np.array([int(f * MICRO) if f is not None else 0 for f in fractions], dtype=np.int64),
        np.array([f is not None for f in fractions], dtype=np.int64),
    )
    return _exact_decimal(period_percentile(exact, p).fraction())


def valid_days(daily: ArrayLike | ExactArray) -> NDArray[np.int64]:
    return ExactArray.of(daily).valid.sum(axis=-1)


def exceedance_days(
    daily: ArrayLike | ExactArray, pollutant: str, rules: str, day: date | None = None
) -> NDArray[np.int64]:
    """Days above the daily grade II limit (pass the MDA8 for O3); ``day`` picks the limit phase."""
    (pollutant, _) = parse_key(pollutant)
    return exceeds_limit(ExactArray.of(daily), pollutant, rules, day).sum(axis=-1)


def good_days_ratio(daily_aqi: ArrayLike) -> Reported | NDArray[np.float64] | None:
    """优良天数比例 in percent: days with AQI ≤ 100 over days with an AQI (NaN or None: no AQI).

    Sand-dust days stay in (specs/air.md, Rules).
    """
    values = np.asarray(daily_aqi, dtype=np.float64)
    has = ~np.isnan(values)
    good = (has & (values <= GOOD_UPPER)).sum(axis=-1)
    ratio = ExactArray(good * 100 * MICRO, has.sum(axis=-1))
    return publish(ratio, PERCENT_DECIMALS)


@dataclass(frozen=True)
class PollutantStatistics:
    """A pollutant's statistics over a period, exact; the ``reported_*`` properties are as published."""

    pollutant: str
    days: NDArray[np.int64]
    mean: ExactArray | None  # None for CO and O3, which have no period mean
    percentile: ExactArray
    p: int
    index_statistic: ExactArray  # Ci of the composite index (the mean, or the percentile)

    @property
    def reported_mean(self) -> Reported | NDArray[np.float64] | None:
        return None if self.mean is None else publish(self.mean, REPORTING_DECIMALS[self.pollutant])

    @property
    def reported_percentile(self) -> Reported | NDArray[np.float64] | None:
        return publish(self.percentile, REPORTING_DECIMALS[self.pollutant])


def period_statistics(
    daily: Mapping[str, ArrayLike | ExactArray], rules: str, *, sand_dust: ArrayLike | None = None
) -> dict[str, PollutantStatistics]:
    """Evaluation statistics of each pollutant in ``daily`` (24-hour means; for O3 the MDA8).

    SO2, NO2: mean and P98; PM10, PM2.5: mean and P95; CO: P95; O3: P90 (HJ 663-2013). Days flagged
    in ``sand_dust`` are dropped for PM10 and PM2.5.
    """
    items = PERIOD_ITEMS[check_rules(rules)]
    result = {}
    for key, values in daily.items():
        pollutant, _ = parse_key(key)
        x = ExactArray.of(values)
        if sand_dust is not None and pollutant in SAND_DUST_EXCLUDED:
            keep = ~np.asarray(sand_dust, dtype=bool)
            x = ExactArray(np.where(keep, x.num, 0), np.where(keep, x.den, 0))
        item = items[pollutant]
        mean = period_mean(x) if item.has_mean else None
        pctl = period_percentile(x, item.percentile)
        result[pollutant] = PollutantStatistics(
            pollutant=pollutant,
            days=valid_days(x),
            mean=mean,
            percentile=pctl,
            p=item.percentile,
            index_statistic=mean if item.index_statistic == "mean" and mean is not None else pctl,
        )
    return result


def publish(values: ExactArray, decimals: int) -> Reported | NDArray[np.float64] | None:
    """Values rounded per GB/T 8170: a Reported figure (or None) for 0-d input, else a float array."""
    if values.shape == ():
        value = values.fraction()
        return None if value is None else reported(value, decimals)
    return np.asarray(values.rounded(decimals))


def _sorted(x: ExactArray) -> tuple[NDArray, NDArray, NDArray]:
    """Valid values first, ascending and exact, with their count along the last axis."""
    valid = x.valid
    order = np.argsort(np.where(valid, np.asarray(x), np.inf), axis=-1, kind="stable")
    num = np.take_along_axis(x.num, order, axis=-1)
    den = np.take_along_axis(x.den, order, axis=-1)
    days = valid.sum(axis=-1)
    # Floats can only tie (or, beyond 2**53, swap) distinct fractions: re-sort such rows exactly.
    both = (den[..., :-1] > 0) & (den[..., 1:] > 0)
    n, d = widen(max_abs(num) * max(max_abs(den), 1), num, den)
    swapped = both & (n[..., :-1] * d[..., 1:] > n[..., 1:] * d[..., :-1])
    for row in map(tuple, np.argwhere(np.any(swapped, axis=-1))):
        pairs = sorted(
            (Fraction(int(a), int(b)), int(a), int(b))
            for a, b in zip(num[row], den[row], strict=True)
            if b > 0
        )
        num[row][: len(pairs)] = [a for _, a, _ in pairs]
        den[row][: len(pairs)] = [b for _, _, b in pairs]
    return num, den, days


def _take(a: NDArray, index: NDArray) -> NDArray:
    return np.take_along_axis(a, np.asarray(index)[..., None], axis=-1)[..., 0]


def _exact_decimal(value: Fraction | None) -> Reported | None:
    """A terminating fraction as a Reported decimal with no superfluous digits."""
    if value is None:
        return None
    decimals = 0
    while (value * 10**decimals).denominator != 1:
        decimals += 1
        if decimals > 30:
            raise ValueError(f"{value} has no finite decimal expansion")
    return reported(value, decimals)
