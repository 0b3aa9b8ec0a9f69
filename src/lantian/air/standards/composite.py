"""Composite index (环境空气质量综合指数), rankings and year-on-year change.

Composite index = Σ Ci / Si over the six pollutants (城市环境空气质量排名技术规定, 环办监测〔2018〕19号):
Ci the period statistic rounded like the concentrations (integers; CO one decimal), Si its grade II
limit; the index is reported to 2 decimals per GB/T 8170, summing the unrounded terms.
"""

from __future__ import annotations

import math
from bisect import bisect_left, bisect_right
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction
from numbers import Rational
from typing import Any, TypeVar, overload

from .exact import ExactArray, round_half_even, to_fraction
from .figures import Reported, reported
from .limits import INDEX_DECIMALS, PERCENT_DECIMALS, PERIOD_ITEMS, REPORTING_DECIMALS, grade_ii_limits
from .pollutants import POLLUTANTS, parse_key
from .rules import check_rules
from .statistics import PollutantStatistics

K = TypeVar("K", bound=Hashable)


@dataclass(frozen=True)
class CompositeIndex:
    value: Reported
    terms: dict[str, Reported]  # single indices Ci/Si (单项指数), 2 decimals
    largest: str  # the pollutant with the largest single index
    statistics: dict[str, Fraction]  # the rounded Ci used


def composite_index(
    stats: Mapping[str, Any], rules: str, *, day: date | None = None, round_terms: bool = False
) -> CompositeIndex:
    """The composite index of six period statistics.

    ``stats`` maps each pollutant to its statistic: a number, a 0-d ExactArray, or the
    PollutantStatistics of ``period_statistics`` (SO2, NO2, PM10, PM2.5 period means; CO the P95 of
    daily means; O3 the P90 of MDA8). ``day`` (any day of the period) picks the limit phase of the
    2026 rules. ``round_terms`` rounds each term to 2 decimals before summing, as some vendors do.
    """
    rules = check_rules(rules)
    items = PERIOD_ITEMS[rules]
    limits = grade_ii_limits(rules, day)
    given = {parse_key(key)[0]: value for key, value in stats.items()}
    if missing := [p for p in POLLUTANTS if _statistic(given.get(p)) is None]:
        raise ValueError(f"the composite index needs all six pollutants; missing {missing}")

    statistics = {p: round_half_even(_statistic(given[p]), REPORTING_DECIMALS[p]) for p in POLLUTANTS}
    terms = {p: statistics[p] / limits[items[p].index_limit] for p in POLLUTANTS}
    if round_terms:
        total = sum(round_half_even(term, INDEX_DECIMALS) for term in terms.values())
    else:
        total = sum(terms.values())
    return CompositeIndex(
        value=reported(Fraction(total), INDEX_DECIMALS),
        terms={p: reported(term, INDEX_DECIMALS) for p, term in terms.items()},
        largest=max(POLLUTANTS, key=lambda p: terms[p]),
        statistics=statistics,
    )


@overload
def rank(values: Mapping[K, Any], *, ascending: bool = True) -> dict[K, int | None]: ...
@overload
def rank(values: Sequence[Any], *, ascending: bool = True) -> list[int | None]: ...
def rank(values: Mapping[K, Any] | Sequence[Any], *, ascending: bool = True) -> dict | list:
    """Competition ranks (1, 2, 2, 4 …): equal values share a rank (并列); missing values get None.

    Ascending by default (the composite index and concentrations: smaller is better); pass
    ``ascending=False`` for 优良天数比例. A mapping gives ranks by key, a sequence a list.
    """
    items = values.items() if isinstance(values, Mapping) else enumerate(values)
    exact = {key: _number(value) for key, value in items}
    present = sorted(v for v in exact.values() if v is not None)

    def better(value: Fraction) -> int:  # how many values rank strictly before ``value``
        return bisect_left(present, value) if ascending else len(present) - bisect_right(present, value)

    ranks = {key: None if value is None else 1 + better(value) for key, value in exact.items()}
    return ranks if isinstance(values, Mapping) else list(ranks.values())


def change_rate(current: Any, previous: Any, *, decimals: int = PERCENT_DECIMALS) -> Reported | None:
    """Change against the same period last year, in percent: (current − previous) / previous × 100."""
    now, before = _number(current), _number(previous)
    if now is None or before is None or before == 0:
        return None
    return reported((now - before) / before * 100, decimals)


def _statistic(value: Any) -> Fraction | None:
    if isinstance(value, PollutantStatistics):
        value = value.index_statistic
    if isinstance(value, ExactArray):
        return value.fraction()
    return to_fraction(value)


def _number(value: Any) -> Fraction | None:
    """Any published number exactly (negatives allowed); a float is read as its shortest decimal."""
    if value is None:
        return None
    if isinstance(value, Rational):
        return Fraction(value.numerator, value.denominator)
    if isinstance(value, Decimal | str):
        return Fraction(Decimal(value))
    number = float(value)
    return Fraction(Decimal(repr(number))) if math.isfinite(number) else None
