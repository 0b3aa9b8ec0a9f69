"""Ambient air-quality standards kernel: pure (numpy and the standard library), exact, both rule sets.

GB 3095-2012 / HJ 633-2012 / HJ 663-2013 until 2026-02-28, GB 3095-2026 / HJ 633-2026 / HJ 663-2026
from 2026-03-01 (``rules_for``); every function takes the rule set explicitly. The numbers of the
standards live in the data modules ``breakpoints``, ``levels``, ``limits`` and ``validity``.
"""

from .aggregation import daily_max, daily_mean, exceeds_limit, mda8, moving_mean
from .aqi import AQIArrays, AQIResult, aqi, aqi_array
from .composite import CompositeIndex, change_rate, composite_index, rank
from .exact import ExactArray
from .figures import Reported
from .iaqi import iaqi, iaqi_array
from .pipelines import SeriesReport, daily_aqi, realtime_aqi, realtime_hours
from .pollutants import POLLUTANTS
from .rules import RULES_2012, RULES_2026, SWITCH_DAY, Rules, rules_for
from .statistics import (
    PollutantStatistics,
    exceedance_days,
    good_days_ratio,
    percentile,
    period_mean,
    period_percentile,
    period_statistics,
    publish,
    valid_days,
)
from .validity import hour_is_valid, month_is_valid, year_is_valid

__all__ = [
    "POLLUTANTS",
    "RULES_2012",
    "RULES_2026",
    "SWITCH_DAY",
    "AQIArrays",
    "AQIResult",
    "CompositeIndex",
    "ExactArray",
    "PollutantStatistics",
    "Reported",
    "Rules",
    "SeriesReport",
    "aqi",
    "aqi_array",
    "change_rate",
    "composite_index",
    "daily_aqi",
    "daily_max",
    "daily_mean",
    "exceedance_days",
    "exceeds_limit",
    "good_days_ratio",
    "hour_is_valid",
    "iaqi",
    "iaqi_array",
    "mda8",
    "month_is_valid",
    "moving_mean",
    "percentile",
    "period_mean",
    "period_percentile",
    "period_statistics",
    "publish",
    "rank",
    "realtime_aqi",
    "realtime_hours",
    "rules_for",
    "valid_days",
    "year_is_valid",
]
