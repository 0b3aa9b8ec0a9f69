"""Evaluation of a period from plain arrays: daily values, period statistics, composite index, AQI
level days, 优良天数比例, exceedance and primary-pollutant days, and rankings.

Everything the pages, exports and reports show comes from these functions; the database layer only
fills the arrays (``lantian.air.evaluation``). Arrays are numpy-like; NaN (or None) is a missing or
invalid value. Hourly arrays have 24 values a day, position 0 the hour ending 1时 of the first day.

Daily keys: "SO2", "NO2", "PM10", "CO", "PM2.5" (24-hour means), "O3_8h" (MDA8), "O3_1h" (daily
maximum 1-hour value). Leading axes are allowed (e.g. stations × days) in ``evaluate_daily_many``.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, TypeVar

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .aggregation import daily_max, daily_mean, mda8
from .aqi import aqi_array
from .composite import CompositeIndex, composite_index, rank
from .exact import ExactArray
from .figures import Reported
from .levels import GOOD_UPPER, LEVELS
from .limits import REPORTING_DECIMALS, SAND_DUST_EXCLUDED
from .pollutants import POLLUTANTS
from .rules import check_rules
from .statistics import PollutantStatistics, exceedance_days, good_days_ratio, period_statistics

K = TypeVar("K", bound=Hashable)

DAILY_KEYS: tuple[str, ...] = ("SO2", "NO2", "PM10", "CO", "O3_8h", "PM2.5", "O3_1h")
# The daily report's indicator of each daily key (HJ 633 日报: 24-hour means, O3 MDA8 and 1-hour max).
_AQI_KEYS = {
    "SO2": "SO2_24h",
    "NO2": "NO2_24h",
    "PM10": "PM10_24h",
    "CO": "CO_24h",
    "PM2.5": "PM2.5_24h",
    "O3_8h": "O3_8h",
    "O3_1h": "O3_1h",
}
# The daily series each pollutant's period statistic is taken from (O3: the MDA8).
_STATISTIC_KEYS = {"SO2": "SO2", "NO2": "NO2", "PM10": "PM10", "CO": "CO", "O3": "O3_8h", "PM2.5": "PM2.5"}


@dataclass(frozen=True)
class PeriodEvaluation:
    """The figures of one station or group over one period, under one rule set."""

    rules: str
    days: int  # days in the period
    aqi_days: int  # days with a daily AQI (the denominator of 优良天数比例)
    daily_aqi: NDArray[np.float64]  # per day, NaN where none is published
    statistics: dict[str, PollutantStatistics]
    concentrations: dict[str, Reported | None]  # SO2, NO2, PM10, PM2.5 means; CO P95; O3 MDA8 P90
    composite: CompositeIndex | None  # None unless all six statistics exist
    level_days: dict[int, int]  # AQI level 1–6 → days
    good_days: int
    good_ratio: Reported | None  # percent, one decimal
    exceedance_days: dict[str, int]  # days above the daily grade II limit (O3: MDA8 above 160)
    primary_days: dict[str, int]  # days each pollutant was (one of) the primary pollutant(s)
    sand_dust_days: int

    @property
    def composite_value(self) -> Reported | None:
        return None if self.composite is None else self.composite.value


def daily_values(hourly: Mapping[str, ArrayLike | ExactArray], rules: str) -> dict[str, ExactArray]:
    """Daily values of hourly series keyed by pollutant ("SO2" … "PM2.5"): the 24-hour means (≥ 20
    valid hours), the O3 MDA8 ("O3_8h", HJ 663 windows and validity) and the O3 daily maximum
    1-hour value ("O3_1h"), exactly, under ``rules``. Missing pollutants are left out."""
    rules = check_rules(rules)
    out: dict[str, ExactArray] = {}
    for pollutant, values in hourly.items():
        if pollutant == "O3":
            out["O3_8h"] = mda8(values, rules)
            out["O3_1h"] = daily_max(values, rules)
        else:
            out[pollutant] = daily_mean(values, rules)
    return out


def mask_hours(values: ArrayLike, invalid: ArrayLike | None) -> NDArray[np.float64]:
    """Hourly values with the hours marked invalid (audit) set to NaN."""
    x = np.array(values, dtype=np.float64)
    if invalid is not None:
        x[np.asarray(invalid, dtype=bool)] = np.nan
    return x


def evaluate_hourly(
    hourly: Mapping[str, ArrayLike],
    rules: str,
    *,
    invalid: Mapping[str, ArrayLike] | None = None,
    sand_dust: ArrayLike | None = None,
    day: date | None = None,
    round_terms: bool = False,
) -> PeriodEvaluation:
    """One station's period from its hourly values.

    ``hourly``: pollutant → 24·days values (NaN missing); ``invalid``: pollutant → bool per hour,
    the hours an audit marked invalid; ``sand_dust``: bool per day (sand-dust days: PM dropped from the
    statistics, the index and the exceedance counts, kept in 优良天数比例); ``day``: a day of the
    period, which picks the 2026 limit phase; ``round_terms``: sum index terms rounded to 2 decimals.
    """
    invalid = invalid or {}
    masked = {p: mask_hours(v, invalid.get(p)) for p, v in hourly.items()}
    return evaluate_daily(
        daily_values(masked, rules), rules, sand_dust=sand_dust, day=day, round_terms=round_terms
    )


def evaluate_daily(
    daily: Mapping[str, ArrayLike | ExactArray],
    rules: str,
    *,
    sand_dust: ArrayLike | None = None,
    day: date | None = None,
    round_terms: bool = False,
) -> PeriodEvaluation:
    """One series of daily values (keys of ``DAILY_KEYS``, one value per day) evaluated."""
    batch = {key: _leading(ExactArray.of(values)) for key, values in daily.items()}
    dust = None if sand_dust is None else np.asarray(sand_dust, dtype=bool)[None, :]
    return evaluate_daily_many(batch, rules, sand_dust=dust, day=day, round_terms=round_terms)[0]


def evaluate_daily_many(
    daily: Mapping[str, ArrayLike | ExactArray],
    rules: str,
    *,
    sand_dust: ArrayLike | None = None,
    day: date | None = None,
    round_terms: bool = False,
) -> list[PeriodEvaluation]:
    """Many series at once: every array is (series, days); returns one evaluation per series."""
    rules = check_rules(rules)
    values = {key: ExactArray.of(v) for key, v in daily.items() if key in _AQI_KEYS}
    if not values:
        raise ValueError(f"no daily values; expected keys among {DAILY_KEYS}")
    shape = next(iter(values.values())).shape
    if len(shape) != 2 or any(v.shape != shape for v in values.values()):
        raise ValueError(f"every daily array must be (series, days) of one shape; got {shape}")
    n, days = shape
    dust = (
        np.zeros(shape, dtype=bool)
        if sand_dust is None
        else np.broadcast_to(np.asarray(sand_dust, bool), shape)
    )

    reports = aqi_array({_AQI_KEYS[k]: v for k, v in values.items()}, "24h", rules)
    daily_aqi = reports.aqi
    levels = reports.level
    primary = reports.primary

    kept = {}
    for pollutant, key in _STATISTIC_KEYS.items():
        if key in values:
            x = values[key]
            if pollutant in SAND_DUST_EXCLUDED:
                x = ExactArray(np.where(dust, 0, x.num), np.where(dust, 0, x.den))
            kept[pollutant] = x
    statistics = period_statistics(kept, rules)
    exceed = {p: exceedance_days(x, p, rules, day) for p, x in kept.items()}
    has_aqi = ~np.isnan(daily_aqi)
    good = (has_aqi & (daily_aqi <= GOOD_UPPER)).sum(axis=-1)

    published = {
        p: _published_many(s.percentile if s.mean is None else s.mean, REPORTING_DECIMALS[p])
        for p, s in statistics.items()
    }
    results = []
    for i in range(n):
        stats_i = {p: _slice_statistics(s, i) for p, s in statistics.items()}
        concentrations = {p: published[p][i] for p in stats_i}
        composite = None
        if all(p in stats_i and stats_i[p].index_statistic.valid for p in POLLUTANTS):
            composite = composite_index(stats_i, rules, day=day, round_terms=round_terms)
        ratio = good_days_ratio(daily_aqi[i])
        results.append(
            PeriodEvaluation(
                rules=rules,
                days=days,
                aqi_days=int(has_aqi[i].sum()),
                daily_aqi=daily_aqi[i],
                statistics=stats_i,
                concentrations=concentrations,
                composite=composite,
                level_days={lv.number: int((levels[i] == lv.number).sum()) for lv in LEVELS},
                good_days=int(good[i]),
                good_ratio=ratio,
                exceedance_days={p: int(e[i]) for p, e in exceed.items()},
                primary_days={p: int(primary[p][i].sum()) for p in POLLUTANTS},
                sand_dust_days=int(dust[i].sum()),
            )
        )
    return results


def group_daily(members: Sequence[Mapping[str, ArrayLike | ExactArray]]) -> dict[str, ExactArray]:
    """A group's (township, station kind, county) daily values: for each key and day the mean of its
    members' valid daily values (HJ 663: the area's value is the arithmetic mean of its stations').
    Each member's value enters on the kernel's grid of 10⁻⁶ μg/m³ (rounded half up), so the group
    mean stays an exact fraction with the member count as denominator."""
    keys = sorted({key for member in members for key in member}, key=DAILY_KEYS.index)
    out = {}
    for key in keys:
        series = [ExactArray.of(m[key]) for m in members if key in m]
        num = np.stack([np.asarray(s.num, dtype=np.int64) for s in series])
        den = np.stack([np.asarray(s.den, dtype=np.int64) for s in series])
        valid = den > 0
        safe = np.where(valid, den, 1)
        micro = (2 * num + safe) // (2 * safe)  # each member's value in micro-units, half up
        out[key] = ExactArray(np.where(valid, micro, 0).sum(axis=0), valid.sum(axis=0))
    return out


def rankings(evaluations: Mapping[K, PeriodEvaluation]) -> dict[K, dict[str, int | None]]:
    """Competition ranks (ties share a rank) by composite index and PM2.5 (ascending) and by
    优良天数比例 (descending); a series without the figure has no rank."""
    by_index = rank({k: e.composite_value for k, e in evaluations.items()})
    by_pm25 = rank({k: e.concentrations.get("PM2.5") for k, e in evaluations.items()})
    by_good = rank({k: e.good_ratio for k, e in evaluations.items()}, ascending=False)
    return {k: {"composite": by_index[k], "pm25": by_pm25[k], "good_ratio": by_good[k]} for k in evaluations}


def published(value: Any, pollutant: str) -> Reported | None:
    """A concentration statistic as published (GB/T 8170: integers, CO one decimal)."""
    from .statistics import publish

    exact = value if isinstance(value, ExactArray) else ExactArray.of(value)
    return publish(exact, REPORTING_DECIMALS[pollutant])


def _published_many(x: ExactArray, decimals: int) -> list[Reported | None]:
    """``publish`` for each element of a 1-d ExactArray (GB/T 8170), in one vectorised rounding."""
    rounded = x.rounded(decimals)
    step = 10 ** (6 - decimals)
    return [
        Reported(Decimal(int(num) // step).scaleb(-decimals)) if den else None
        for num, den in zip(rounded.num.tolist(), rounded.den.tolist(), strict=True)
    ]


def _leading(x: ExactArray) -> ExactArray:
    return ExactArray(x.num[None, ...], x.den[None, ...])


def _slice_statistics(s: PollutantStatistics, i: int) -> PollutantStatistics:
    return PollutantStatistics(
        pollutant=s.pollutant,
        days=s.days[i],
        mean=None if s.mean is None else _at(s.mean, i),
        percentile=_at(s.percentile, i),
        p=s.p,
        index_statistic=_at(s.index_statistic, i),
    )


def _at(x: ExactArray, i: int) -> ExactArray:
    """Element ``i`` as a 0-d ExactArray (object arrays of wide integers give Python ints)."""
    return ExactArray(np.asarray(x.num[i]), np.asarray(x.den[i]))
