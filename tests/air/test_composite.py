from datetime import date
from decimal import Decimal

import pytest

from lantian.air.standards import change_rate, composite_index, period_statistics, rank

# specs/air.md worked example (2012 grade II limits, GB 3095-2012 表1):
# 21/35 + 39/70 + 9/60 + 15/40 + 192/160 + 0.7/4 = 3.0571… → 3.06.
EXAMPLE = {"PM2.5": 21, "PM10": 39, "SO2": 9, "NO2": 15, "O3": 192, "CO": 0.7}


def test_worked_example():
    index = composite_index(EXAMPLE, "2012")
    assert index.value == Decimal("3.06")
    assert index.value == 3.06
    assert str(index.value) == "3.06"
    assert index.largest == "O3"  # 192/160 = 1.20
    assert index.terms == {
        "SO2": Decimal("0.15"),
        "NO2": Decimal("0.38"),  # 0.375 → 0.38 (ties to even)
        "PM10": Decimal("0.56"),
        "CO": Decimal("0.18"),  # 0.175 → 0.18
        "O3": Decimal("1.20"),
        "PM2.5": Decimal("0.60"),
    }


def test_rounding_each_term_first_is_a_setting():
    # Some vendors sum the 2-decimal terms: 0.15 + 0.38 + 0.56 + 0.18 + 1.20 + 0.60 = 3.07.
    assert composite_index(EXAMPLE, "2012", round_terms=True).value == Decimal("3.07")


def test_from_period_statistics():
    daily = {"SO2": [9] * 30, "NO2": [15] * 30, "PM10": [39] * 30, "PM2.5": [20, 22] * 15}
    daily |= {"CO": [0.7] * 30, "O3": [192] * 30}
    assert composite_index(period_statistics(daily, "2012"), "2012").value == Decimal("3.06")


def test_statistics_are_rounded_before_dividing():
    # PM2.5 21.4 → 21 and CO 0.74 → 0.7 (integers; CO one decimal): the same index.
    assert composite_index(EXAMPLE | {"PM2.5": 21.4, "CO": 0.74}, "2012").value == Decimal("3.06")
    assert composite_index(EXAMPLE | {"PM2.5": 22.5}, "2012").statistics["PM2.5"] == 22  # ties to even


def test_2026_transition_limits():
    # GB 3095-2026 until 2030-12-31: PM2.5 30, PM10 60:
    # 21/30 + 39/60 + 9/60 + 15/40 + 192/160 + 0.7/4 = 0.7 + 0.65 + 0.15 + 0.375 + 1.2 + 0.175 = 3.25.
    assert composite_index(EXAMPLE, "2026").value == Decimal("3.25")
    assert composite_index(EXAMPLE, "2026", day=date(2030, 12, 31)).value == Decimal("3.25")


def test_2026_final_limits_and_half_even_rounding():
    # From 2031: SO2 20, NO2 30, PM10 50, PM2.5 25:
    # 0.84 + 0.78 + 0.45 + 0.5 + 1.2 + 0.175 = 3.945 exactly → 3.94 (GB/T 8170, ties to even).
    assert composite_index(EXAMPLE, "2026", day=date(2031, 1, 1)).value == Decimal("3.94")


def test_all_six_pollutants_are_needed():
    with pytest.raises(ValueError, match="CO"):
        composite_index({k: v for k, v in EXAMPLE.items() if k != "CO"}, "2012")


def test_ranks_share_ties():
    ranks = rank({"A": 3.06, "B": 2.5, "C": Decimal("3.06"), "D": 4.1, "E": None})
    assert ranks == {"B": 1, "A": 2, "C": 2, "D": 4, "E": None}


def test_ranks_of_a_list():
    assert rank([3.06, 2.5, 3.06]) == [2, 1, 2]


def test_ranks_descending_for_good_day_ratios():
    assert rank({"A": 80.1, "B": 92.4, "C": 80.1}, ascending=False) == {"B": 1, "A": 2, "C": 2}


@pytest.mark.parametrize(
    ("current", "previous", "rate"),
    [
        (2.90, 3.06, Decimal("-5.2")),  # −5.228…%
        (3.06, 3.06, Decimal("0.0")),
        (8.004, 8, Decimal("0.0")),  # exactly 0.05 % → 0.0 (ties to even)
        (8.012, 8, Decimal("0.2")),  # exactly 0.15 % → 0.2
        (3, 0, None),
    ],
)
def test_change_rate_against_last_year(current, previous, rate):
    assert change_rate(current, previous) == rate
