"""Air quality index (AQI), level, category, colour and primary pollutants.

AQI = the largest IAQI of the report's indicators (HJ 633-2012 4.3, formula (2)); the primary
pollutants are those whose IAQI equals the AQI when it is above 50, ties all listed. One
implementation serves both entry points: ``aqi`` on single values and ``aqi_array`` on arrays.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .breakpoints import MISSING_DATA, REPORT_INDICATORS
from .exact import MICRO, ExactArray, to_fraction
from .iaqi import iaqi_units, substitute
from .levels import LEVELS, PRIMARY_ABOVE, level_of
from .pollutants import POLLUTANTS, Indicator, parse_key
from .rules import Rules, check_rules

REPORT_PERIODS = ("1h", "24h")  # 实时报 and 日报


@dataclass(frozen=True)
class AQIResult:
    """One AQI report. ``aqi`` is None when nothing may be published ("NA")."""

    aqi: int | None
    level: int | None
    category: str | None
    color: tuple[int, int, int] | None
    primary: list[str]
    iaqi: dict[str, int | None]

    @property
    def published(self) -> bool:
        return self.aqi is not None

    def __str__(self) -> str:
        return "NA" if self.aqi is None else str(self.aqi)


@dataclass(frozen=True)
class AQIArrays:
    """AQI reports for arrays of values: float64 with NaN where ``aqi`` would give None."""

    aqi: NDArray[np.float64]
    iaqi: dict[str, NDArray[np.float64]]

    @property
    def level(self) -> NDArray[np.int8]:
        """Levels 1–6; 0 where nothing is published."""
        uppers = np.array([level.upper for level in LEVELS[:-1]])
        levels = np.searchsorted(uppers, np.nan_to_num(self.aqi), side="left") + 1
        return np.where(np.isnan(self.aqi), 0, levels).astype(np.int8)

    @property
    def primary(self) -> dict[str, NDArray[np.bool_]]:
        named = self.aqi > PRIMARY_ABOVE
        return {p: named & (self.iaqi[p] == self.aqi) for p in POLLUTANTS}

    def at(self, index: Any) -> AQIResult:
        """The report at ``index`` as an AQIResult."""
        value = self.aqi[index]
        iaqis = {p: None if np.isnan(v := self.iaqi[p][index]) else int(v) for p in POLLUTANTS}
        return _result(None if np.isnan(value) else int(value), iaqis)


def aqi(values: Mapping[str, Any], period: str, rules: str) -> AQIResult | AQIArrays:
    """The AQI report of ``values`` for a report ``period``: "24h" (日报) or "1h" (实时报).

    Keys are pollutants ("PM2.5") or indicators ("O3_8h", "SO2_24h"); a plain key stands for the
    report's main indicator of that pollutant: in "24h" the 24-hour mean and, for O3, the maximum
    8-hour mean (give the maximum 1-hour mean as "O3_1h"); in "1h" the 1-hour value, except PM under
    the 2012 rules, which is the 24-hour moving mean. Under 2012 an SO2 1h value above 800 reports
    the IAQI of "SO2_24h" and an O3 8h value above 800 that of "O3_1h" (missing if not given).
    Arrays are evaluated element-wise by ``aqi_array``.
    """
    if any(isinstance(v, ExactArray) or np.ndim(v) > 0 for v in values.values()):
        return aqi_array(values, period, rules)
    exact = {key: _exact_scalar(to_fraction(value)) for key, value in values.items()}
    return aqi_array(exact, period, rules).at(())


def aqi_array(values: Mapping[str, ArrayLike | ExactArray], period: str, rules: str) -> AQIArrays:
    """``aqi`` element-wise over arrays of equal shape."""
    rules = check_rules(rules)
    readings = _readings(values, period, rules)
    shape = np.broadcast_shapes(*(x.shape for x in readings.values()))
    iaqis: dict[str, NDArray[np.int16]] = {}
    for pollutant, periods in REPORT_INDICATORS[rules][period].items():
        best = np.full(shape, -1, dtype=np.int16)
        for indicator in ((pollutant, p) for p in periods):
            if indicator in readings:
                index, valid = _indicator_iaqi(indicator, readings, rules)
                best = np.where(valid & (index > best), index, best)
        iaqis[pollutant] = best
    stacked = np.stack([iaqis[p] for p in POLLUTANTS])
    value = stacked.max(axis=0)
    missing = (stacked < 0).sum(axis=0)
    published = (value >= 0) & _publishable(value, missing, rules)
    return AQIArrays(
        aqi=_float(value, published),
        iaqi={p: _float(iaqis[p], iaqis[p] >= 0) for p in POLLUTANTS},
    )


def _indicator_iaqi(
    indicator: Indicator, readings: Mapping[Indicator, ExactArray], rules: Rules
) -> tuple[NDArray[np.int16], NDArray[np.bool_]]:
    index, valid, needs_substitute = iaqi_units(indicator, readings[indicator], rules)
    other = substitute(indicator, rules)
    if other in readings and np.any(needs_substitute):
        other_index, other_valid, _ = iaqi_units(other, readings[other], rules)
        index = np.where(needs_substitute, other_index, index)
        valid = valid | (needs_substitute & other_valid)
    return index, valid


def _publishable(value: NDArray, missing: NDArray, rules: Rules) -> NDArray[np.bool_]:
    rule = MISSING_DATA[rules]
    if rule is None:
        return np.ones(np.shape(value), dtype=bool)
    allowed, above = rule
    return (missing == 0) | ((missing <= allowed) & (value > above))


def _readings(
    values: Mapping[str, ArrayLike | ExactArray], period: str, rules: Rules
) -> dict[Indicator, ExactArray]:
    """Values by indicator; an explicit indicator key wins over a plain key for the same indicator."""
    if period not in REPORT_PERIODS:
        raise ValueError(f"AQI is reported for {REPORT_PERIODS}, not {period!r}")
    report = REPORT_INDICATORS[rules][period]
    readings: dict[Indicator, ExactArray] = {}
    for key, value in sorted(values.items(), key=lambda item: parse_key(item[0])[1] is not None):
        pollutant, averaging = parse_key(key)
        readings[(pollutant, averaging or report[pollutant][0])] = ExactArray.of(value)
    return readings


def _exact_scalar(value: Fraction | None) -> ExactArray:
    if value is None:
        return ExactArray(np.zeros((), np.int64), np.zeros((), np.int64))
    return ExactArray(np.array(int(value * MICRO), dtype=np.int64), np.ones((), np.int64))


def _float(values: NDArray[np.int16], keep: NDArray[np.bool_]) -> NDArray[np.float64]:
    result = np.array(values, dtype=np.float64)
    result[~np.asarray(keep)] = np.nan
    return result


def _result(value: int | None, iaqis: dict[str, int | None]) -> AQIResult:
    if value is None:
        return AQIResult(None, None, None, None, [], iaqis)
    level = level_of(value)
    primary = [p for p in POLLUTANTS if value > PRIMARY_ABOVE and iaqis[p] == value]
    return AQIResult(value, level.number, level.category, level.color, primary, iaqis)
