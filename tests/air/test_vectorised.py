"""The vectorised kernel gives exactly the scalar results, element by element."""

import math
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lantian.air.standards import aqi, aqi_array, daily_mean, iaqi, iaqi_array

from .hj633_tables import TABLES

NAN = float("nan")
CASES = [(rules, indicator) for rules, tables in TABLES.items() for indicator in tables]
TOPS = {"SO2": 2620, "NO2": 3840, "PM10": 600, "CO": 150, "O3": 1200, "PM2.5": 500}  # the top breakpoints


def concentrations(top: int) -> st.SearchStrategy:
    """Instrument-like decimals, values at and around every breakpoint and rounding tie, floats with
    many digits, and missing or invalid values."""
    breakpoints = sorted({b for table in TABLES.values() for b in sum(table.values(), ())} | {top})
    near = st.sampled_from(breakpoints).flatmap(
        lambda b: st.sampled_from([b, b + 0.1, b - 0.1, b + 0.5, b - 0.5, b + 0.05, b + 0.25, b + 0.001])
    )
    return st.one_of(
        st.decimals(min_value=0, max_value=top * 1.2, places=1).map(float),
        st.decimals(min_value=0, max_value=top * 1.2, places=3).map(float),
        near.filter(lambda v: 0 <= v <= top * 1.3),
        st.floats(min_value=0, max_value=top * 1.2),
        st.sampled_from([NAN, None, -1.0]),
    )


def same(array_value: float, scalar_value: int | None) -> bool:
    return scalar_value is None if math.isnan(array_value) else array_value == scalar_value


@pytest.mark.parametrize(("rules", "indicator"), CASES)
@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_iaqi_array_is_the_scalar_iaqi(rules, indicator, data):
    pollutant, period = indicator
    values = data.draw(st.lists(concentrations(TOPS[pollutant]), min_size=1, max_size=30))
    array = iaqi_array(pollutant, np.array(values, dtype=float), period, rules)
    assert all(same(a, iaqi(pollutant, v, period, rules)) for a, v in zip(array, values, strict=True))


def readings(period: str) -> st.SearchStrategy:
    keys = ["SO2", "NO2", "PM10", "CO", "O3", "PM2.5"]
    extra = ["SO2_24h", "PM10_24h", "PM2.5_24h", "O3_8h"] if period == "1h" else ["O3_1h"]

    def series(key: str, n: int) -> st.SearchStrategy:
        return st.lists(concentrations(TOPS[key.split("_")[0]]), min_size=n, max_size=n)

    return st.integers(1, 6).flatmap(
        lambda n: st.fixed_dictionaries(
            {k: series(k, n) for k in keys}, optional={k: series(k, n) for k in extra}
        )
    )


@pytest.mark.parametrize("rules", ["2012", "2026"])
@pytest.mark.parametrize("period", ["1h", "24h"])
@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_aqi_array_is_the_scalar_aqi(rules, period, data):
    values = data.draw(readings(period))
    arrays = aqi_array({k: np.array(v, dtype=float) for k, v in values.items()}, period, rules)
    for i in range(len(values["SO2"])):
        assert arrays.at(i) == aqi({k: v[i] for k, v in values.items()}, period, rules)


@pytest.mark.parametrize("rules", ["2012", "2026"])
@settings(max_examples=60, deadline=None)
@given(hours=st.lists(concentrations(600), min_size=24, max_size=24))
def test_daily_mean_iaqi_is_the_iaqi_of_the_exact_mean(rules, hours):
    # A float is read as round(value * 10**6) micro-units: its decimal value up to six decimals.
    valid = [Fraction(round(h * 10**6), 10**6) for h in hours if h is not None and h >= 0]
    mean = daily_mean(np.array(hours, dtype=float), rules)
    if len(valid) < 20:
        assert not mean.valid
        return
    exact = sum(valid) / len(valid)
    assert mean.fraction() == exact
    assert iaqi("PM2.5", mean, "24h", rules) == iaqi("PM2.5", exact, "24h", rules)
    assert iaqi("PM10", mean, "24h", rules) == iaqi("PM10", exact, "24h", rules)
