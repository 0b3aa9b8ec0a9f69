"""Whole station-series in one call: hourly (实时报) and daily (日报) AQI from 1-hour values.

``hourly`` maps each pollutant to an array whose last axis is time in hours (see ``aggregation``);
one rule set applies to the whole array, so split a series at the switch day (``rules_for``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from numpy.typing import ArrayLike

from .aggregation import daily_max, daily_mean, mda8, moving_mean
from .aqi import AQIArrays, aqi_array
from .breakpoints import REPORT_INDICATORS
from .exact import ExactArray
from .iaqi import substitute
from .pollutants import Indicator, indicator_key, parse_key
from .rules import Rules, check_rules


@dataclass(frozen=True)
class SeriesReport:
    """The indicator values a series was reported on, and the reports."""

    values: dict[str, ExactArray]  # by indicator key, e.g. "PM2.5_24h", "O3_8h"
    aqi: AQIArrays


def realtime_aqi(hourly: Mapping[str, ArrayLike | ExactArray], rules: str) -> SeriesReport:
    """Hourly AQI reports: 1-hour values, 8-hour and (2012 PM, SO2 above 800) 24-hour moving means."""
    rules = check_rules(rules)
    return _report(hourly, "1h", rules, _realtime_value)


def realtime_hours(rules: str) -> dict[str, int]:
    """The hours of each pollutant that one hour's real-time report is made of: its longest moving
    mean, counting the indicator reported above a table's top (HJ 633-2012: SO2 24-hour)."""
    rules = check_rules(rules)
    hours: dict[str, int] = {}
    for pollutant, averaging in _indicators("1h", rules):
        hours[pollutant] = max(hours.get(pollutant, 1), int(averaging[:-1]))
    return hours


def daily_aqi(hourly: Mapping[str, ArrayLike | ExactArray], rules: str) -> SeriesReport:
    """Daily AQI reports: 24-hour means, O3 MDA8 and daily maximum 1-hour value."""
    rules = check_rules(rules)
    return _report(hourly, "24h", rules, _daily_value)


Derive = Callable[[ExactArray, str, Rules], ExactArray]


def _report(
    hourly: Mapping[str, ArrayLike | ExactArray], period: str, rules: Rules, derive: Derive
) -> SeriesReport:
    series = {parse_key(key)[0]: ExactArray.of(values) for key, values in hourly.items()}
    values: dict[str, ExactArray] = {}
    for indicator in _indicators(period, rules):
        if indicator[0] in series:
            values[indicator_key(indicator)] = derive(series[indicator[0]], indicator[1], rules)
    return SeriesReport(values, aqi_array(values, period, rules))


def _indicators(period: str, rules: Rules) -> list[Indicator]:
    """The report's indicators and the substitutes they may need above their tables."""
    listed = [(p, a) for p, periods in REPORT_INDICATORS[rules][period].items() for a in periods]
    extra = [s for i in listed if (s := substitute(i, rules)) is not None and s not in listed]
    return listed + extra


def _realtime_value(hours: ExactArray, averaging: str, rules: Rules) -> ExactArray:
    return hours if averaging == "1h" else moving_mean(hours, int(averaging[:-1]), rules)


def _daily_value(hours: ExactArray, averaging: str, rules: Rules) -> ExactArray:
    return {"24h": daily_mean, "8h": mda8, "1h": daily_max}[averaging](hours, rules)
