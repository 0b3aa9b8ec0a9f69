from datetime import date, datetime

import pytest

from lantian.air.standards import aqi, iaqi, rules_for


@pytest.mark.parametrize(
    ("day", "rules"),
    [
        (date(2013, 1, 1), "2012"),
        (date(2026, 2, 28), "2012"),  # last day of GB 3095-2012 / HJ 633-2012 / HJ 663-2013
        (date(2026, 3, 1), "2026"),  # GB 3095-2026 / HJ 633-2026 / HJ 663-2026 in force
        (date(2031, 1, 1), "2026"),
    ],
)
def test_rules_switch_on_2026_03_01(day, rules):
    assert rules_for(day) == rules


@pytest.mark.parametrize(
    ("stamp", "rules"),
    [
        (datetime(2026, 2, 28, 23, 0), "2012"),
        (datetime(2026, 3, 1, 0, 0), "2012"),  # labels the hour 23:00–24:00 of 2026-02-28
        (datetime(2026, 3, 1, 1, 0), "2026"),  # the first hour of 2026-03-01
    ],
)
def test_timestamps_label_the_end_of_their_hour(stamp, rules):
    assert rules_for(stamp) == rules


def test_a_day_on_each_side_of_the_switch_is_evaluated_by_its_own_rules():
    # PM2.5 24h 70: under HJ 633-2012 IAQI 50 + 50·35/40 = 93.75 → 94 (良); under HJ 633-2026 the
    # 100 breakpoint is 60, so 100 + 50·10/55 = 109.1 → 110 (轻度污染).
    day = {"SO2": 8, "NO2": 30, "PM10": 60, "CO": 0.6, "O3": 90, "PM2.5": 70}
    before = aqi(day, "24h", rules_for(date(2026, 2, 28)))
    after = aqi(day, "24h", rules_for(date(2026, 3, 1)))
    assert (before.aqi, before.category) == (94, "良")
    assert (after.aqi, after.category) == (110, "轻度污染")


def test_unknown_rule_set_is_an_error():
    with pytest.raises(ValueError, match="rule set"):
        iaqi("PM2.5", 10, "24h", "2018")
