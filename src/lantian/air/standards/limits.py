"""Concentration limits and the evaluation items built on them (data)."""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from .rules import Rules

LimitKey = tuple[str, str]  # (pollutant, "year" | "24h" | "8h")

# GB 3095-2012 表1, grade II (二级) limits; μg/m³, CO mg/m³.
_GB_3095_2012: dict[LimitKey, int] = {
    ("SO2", "year"): 60,
    ("SO2", "24h"): 150,
    ("NO2", "year"): 40,
    ("NO2", "24h"): 80,
    ("CO", "24h"): 4,
    ("O3", "8h"): 160,
    ("PM10", "year"): 70,
    ("PM10", "24h"): 150,
    ("PM2.5", "year"): 35,
    ("PM2.5", "24h"): 75,
}

# GB 3095-2026 grade II, transition period to 2030-12-31: only PM changes (specs/air.md, Rules).
_GB_3095_2026_TRANSITION: dict[LimitKey, int] = _GB_3095_2012 | {
    ("PM10", "year"): 60,
    ("PM10", "24h"): 120,
    ("PM2.5", "year"): 30,
    ("PM2.5", "24h"): 60,
}

# GB 3095-2026 grade II from 2031-01-01 (specs/air.md, Rules); CO and O3 unchanged.
_GB_3095_2026_FINAL: dict[LimitKey, int] = _GB_3095_2026_TRANSITION | {
    ("SO2", "year"): 20,
    ("SO2", "24h"): 50,
    ("NO2", "year"): 30,
    ("NO2", "24h"): 50,
    ("PM10", "year"): 50,
    ("PM10", "24h"): 100,
    ("PM2.5", "year"): 25,
    ("PM2.5", "24h"): 50,
}

# Each rule set's limit phases as (first day, limits); a phase lasts until the next one starts.
GRADE_II_LIMITS: Mapping[Rules, tuple[tuple[date, Mapping[LimitKey, int]], ...]] = {
    "2012": ((date.min, _GB_3095_2012),),
    "2026": ((date.min, _GB_3095_2026_TRANSITION), (date(2031, 1, 1), _GB_3095_2026_FINAL)),
}

# The daily limit a pollutant's day is judged against (超标): the 24-hour mean, O3 the MDA8.
DAILY_LIMIT_PERIOD: Mapping[str, str] = {
    "SO2": "24h",
    "NO2": "24h",
    "PM10": "24h",
    "CO": "24h",
    "O3": "8h",
    "PM2.5": "24h",
}


@dataclass(frozen=True)
class PeriodItem:
    """How a pollutant is evaluated over a month, quarter or year (HJ 663-2013 评价项目)."""

    has_mean: bool  # the period mean of the daily values
    percentile: int  # the percentile of the daily values (O3: of the MDA8)
    index_statistic: str  # "mean" or "percentile": Ci of the composite index
    index_limit: LimitKey  # Si of the composite index


# HJ 663-2013 (annual evaluation items) and the composite index of 城市环境空气质量排名技术规定
# (环办监测〔2018〕19号): SO2, NO2, PM10, PM2.5 period means over their annual limits, CO daily P95 over
# its 24-hour limit, O3 MDA8 P90 over its 8-hour limit.
_HJ_663_2013: dict[str, PeriodItem] = {
    "SO2": PeriodItem(True, 98, "mean", ("SO2", "year")),
    "NO2": PeriodItem(True, 98, "mean", ("NO2", "year")),
    "PM10": PeriodItem(True, 95, "mean", ("PM10", "year")),
    "CO": PeriodItem(False, 95, "percentile", ("CO", "24h")),
    "O3": PeriodItem(False, 90, "percentile", ("O3", "8h")),
    "PM2.5": PeriodItem(True, 95, "mean", ("PM2.5", "year")),
}

# HJ 663-2026 keeps the items (specs/air.md, Rules); the limits they divide by come from GB 3095-2026.
PERIOD_ITEMS: Mapping[Rules, Mapping[str, PeriodItem]] = {"2012": _HJ_663_2013, "2026": _HJ_663_2013}

# Statistics are reported rounded per GB/T 8170 like the concentrations: integers, CO one decimal.
REPORTING_DECIMALS: Mapping[str, int] = {"SO2": 0, "NO2": 0, "PM10": 0, "CO": 1, "O3": 0, "PM2.5": 0}
INDEX_DECIMALS = 2  # the composite index and its terms
PERCENT_DECIMALS = 1  # 优良天数比例, change rates

# Pollutants whose days are dropped on sand-dust days (沙尘天气) for statistics and the index.
SAND_DUST_EXCLUDED: tuple[str, ...] = ("PM10", "PM2.5")


def grade_ii_limits(rules: Rules, day: date | None = None) -> Mapping[LimitKey, int]:
    """The grade II limits of ``rules`` in force on ``day`` (default: the first phase)."""
    phases = GRADE_II_LIMITS[rules]
    if day is None:
        return phases[0][1]
    return [limits for start, limits in phases if start <= day][-1]
