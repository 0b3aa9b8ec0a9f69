import math
from decimal import Decimal
from fractions import Fraction

import pytest

from lantian.air.standards import iaqi

from .hj633_tables import IAQI, TABLES

BOTH = ("2012", "2026")
CASES = [(rules, indicator, bps) for rules, tables in TABLES.items() for indicator, bps in tables.items()]


def reference(bps: tuple[int, ...], c: Fraction) -> int:
    """HJ 633-2012 4.2 formula (1) carried up to an integer, from the test's own table; above the
    last breakpoint, that breakpoint's IAQI."""
    if c > bps[-1]:
        return IAQI[len(bps) - 1]
    j = next(j for j in range(len(bps) - 1) if c <= bps[j + 1])
    return IAQI[j] + math.ceil(Fraction(IAQI[j + 1] - IAQI[j], bps[j + 1] - bps[j]) * (c - bps[j]))


def reporting_grid(pollutant: str, top: int) -> list[Fraction]:
    """Every concentration a 2026 IAQI sees (integers; CO tenths) up to a little past the top."""
    step = Fraction(1, 10) if pollutant == "CO" else Fraction(1)
    return [k * step for k in range(int((top + 2) / step))]


@pytest.mark.parametrize(("rules", "indicator", "bps"), CASES)
def test_every_breakpoint_gives_its_iaqi(rules, indicator, bps):
    # HJ 633-2012 / HJ 633-2026 表1: each concentration limit maps to the IAQI of its column.
    pollutant, period = indicator
    assert [iaqi(pollutant, c, period, rules) for c in bps] == list(IAQI[: len(bps)])


@pytest.mark.parametrize(("rules", "indicator", "bps"), CASES)
def test_every_value_on_the_reporting_grid(rules, indicator, bps):
    pollutant, period = indicator
    substituted = rules == "2012" and indicator in {("SO2", "1h"), ("O3", "8h")}  # None above 800
    for c in reporting_grid(pollutant, bps[-1]):
        expected = None if substituted and c > bps[-1] else reference(bps, c)
        assert iaqi(pollutant, Decimal(c.numerator) / c.denominator, period, rules) == expected, c


@pytest.mark.parametrize(("indicator", "bps"), TABLES["2012"].items())
def test_just_above_each_whole_iaqi(indicator, bps):
    # Where formula (1) gives exactly k, 0.001 more gives k + 1: HJ 633-2012 keeps all decimals.
    pollutant, period = indicator
    for j in range(len(bps) - 1):
        width, rise = bps[j + 1] - bps[j], IAQI[j + 1] - IAQI[j]
        for k in range(rise):
            c = bps[j] + Fraction(width * k, rise)
            assert iaqi(pollutant, c, period, "2012") == IAQI[j] + k
            assert iaqi(pollutant, c + Fraction(1, 1000), period, "2012") == IAQI[j] + k + 1


@pytest.mark.parametrize(
    ("pollutant", "value", "period", "expected"),
    [
        # Carried up, never rounded half-up or half-even (HJ 633-2012 4.2):
        ("PM2.5", 36, "24h", 52),  # 50 + 50·1/40 = 51.25
        ("SO2", 51, "24h", 51),  # 50 + 50·1/100 = 50.5 (half-even would give 50)
        ("NO2", 101, "1h", 51),  # 50 + 50·1/100 = 50.5
        ("O3", 161, "1h", 52),  # 50 + 50·1/40 = 51.25
        # Exact decimals where float arithmetic lands just above an integer and ceil() adds one:
        ("SO2", 2120.8, "24h", 404),  # 400 + 100·20.8/520 = 404 exactly
        ("PM10", 352.1, "24h", 203),  # 200 + 100·2.1/70 = 203 exactly
        ("CO", 0.28, "24h", 7),  # 50·0.28/2 = 7 exactly
        ("PM2.5", 4.9, "24h", 7),  # 50·4.9/35 = 7 exactly
        ("O3", 102.4, "8h", 52),  # 50 + 50·2.4/60 = 52 exactly
        # CO is not truncated to whole mg/m³:
        ("CO", 2.5, "24h", 63),  # 50 + 50·0.5/2 = 62.5
        ("CO", 5.9, "1h", 59),  # 50 + 50·0.9/5 = 59
        ("CO", 0.3, "1h", 3),  # 50·0.3/5 = 3
    ],
)
def test_known_values_under_2012(pollutant, value, period, expected):
    assert iaqi(pollutant, value, period, "2012") == expected


@pytest.mark.parametrize(
    ("pollutant", "value", "period", "expected_2012", "expected_2026"),
    [
        # HJ 633-2026 rounds per GB/T 8170 first (integers; CO one decimal; ties to even):
        ("PM2.5", 60.5, "24h", 82, 100),  # 2026: 60.5 → 60, the 100 breakpoint
        ("PM2.5", 61.5, "24h", 84, 102),  # 2026: 61.5 → 62, 100 + 50·2/55 = 101.8
        ("PM2.5", 59.5, "24h", 81, 100),  # 2026: 59.5 → 60
        ("PM10", 120.4, "24h", 86, 100),  # 2026: 120; 2012: 50 + 50·70.4/100 = 85.2
        ("CO", 0.25, "24h", 7, 5),  # 2026: 0.25 → 0.2, 50·0.2/2 = 5; 2012: 6.25
        ("CO", 0.35, "24h", 9, 10),  # 2026: 0.35 → 0.4
        ("CO", 4.05, "24h", 101, 100),  # 2026: 4.05 → 4.0; 2012: 100 + 50·0.05/10 = 100.25
        ("CO", 2.46, "24h", 62, 63),  # 2026: 2.5 (one decimal, not truncated), 62.5
        ("O3", 172.25, "8h", 112, 111),  # 2026: 172; 100 + 50·12/55 = 110.9
    ],
)
def test_2026_rounds_concentrations_first(pollutant, value, period, expected_2012, expected_2026):
    assert iaqi(pollutant, value, period, "2012") == expected_2012
    assert iaqi(pollutant, value, period, "2026") == expected_2026


@pytest.mark.parametrize(
    ("pollutant", "value", "period", "expected_2012", "expected_2026"),
    [
        ("SO2", 800, "1h", 200, 200),
        ("SO2", 800.1, "1h", None, 200),  # 2012: report the 24h IAQI instead (see test_aqi)
        ("SO2", 1500, "1h", None, 200),  # 2026: SO2 1h > 800 → IAQI 200
        ("O3", 800, "8h", 300, 300),
        ("O3", 801, "8h", None, 300),  # 2012: report the 1h IAQI; 2026: O3 8h > 800 → 300
        ("PM2.5", 500, "24h", 500, 500),
        ("PM2.5", 501, "24h", 500, 500),  # the top of the scale
        ("PM10", 2600, "24h", 500, 500),  # a sand-dust storm
        ("CO", 200, "1h", 500, 500),
    ],
)
def test_above_the_last_breakpoint(pollutant, value, period, expected_2012, expected_2026):
    assert iaqi(pollutant, value, period, "2012") == expected_2012
    assert iaqi(pollutant, value, period, "2026") == expected_2026


@pytest.mark.parametrize("value", [None, float("nan"), -1, -0.1, float("inf")])
@pytest.mark.parametrize("rules", BOTH)
def test_missing_or_invalid_values_have_no_iaqi(value, rules):
    assert iaqi("PM2.5", value, "24h", rules) is None


@pytest.mark.parametrize("value", [36, 36.0, Decimal("36"), Decimal("36.000"), Fraction(36), "36"])
def test_any_exact_number_type(value):
    assert iaqi("PM2.5", value, "24h", "2012") == 52


def test_pollutant_spellings():
    assert iaqi("pm25", 36, "24h", "2012") == iaqi("PM2_5", 36, "24H", "2012") == 52


@pytest.mark.parametrize("rules", BOTH)
def test_pm_has_no_1h_table_and_uses_the_24h_breakpoints(rules):
    # 2012 feeds them the 24-hour moving mean, 2026 the 1-hour value (specs/air.md, Rules).
    assert iaqi("PM2.5", 80, "1h", rules) == iaqi("PM2.5", 80, "24h", rules)


@pytest.mark.parametrize(("pollutant", "period"), [("PM2.5", "8h"), ("O3", "24h"), ("CO", "8h")])
def test_indicators_without_a_table_are_errors(pollutant, period):
    with pytest.raises(ValueError, match="no IAQI"):
        iaqi(pollutant, 10, period, "2012")
