from fractions import Fraction

import numpy as np
import pytest

from lantian.air.standards import (
    ExactArray,
    daily_aqi,
    daily_max,
    daily_mean,
    hour_is_valid,
    iaqi,
    mda8,
    month_is_valid,
    moving_mean,
    year_is_valid,
)

NAN = float("nan")

# A summer day of O3, hours labelled 1时 … 24时 (each label ends its hour). The 8-hour sums of the 17
# windows ending 8时 … 24时 are 257, 287, 347, 437, 559, 709, 875, 1043, 1193, 1303, 1368, 1378, 1328,
# 1233, 1108, 965, 818: the largest ends at 19时 (hours 12–19), so MDA8 = 1378 / 8 = 172.25.
O3_DAY = [
    40,
    35,
    30,
    28,
    25,
    24,
    30,
    45,
    70,
    95,
    120,
    150,
    175,
    190,
    198,
    195,
    180,
    160,
    130,
    100,
    80,
    65,
    55,
    48,
]

# 24 one-decimal PM2.5 values whose exact mean is 75: sum(values) / 24 in floats is 75.00000000000001,
# which a naive ceiling turns into IAQI 101 instead of 100.
PM25_MEAN_75 = [
    64.0,
    85.4,
    82.9,
    67.7,
    74.9,
    73.5,
    79.5,
    83.7,
    62.8,
    60.9,
    85.1,
    73.0,
    82.9,
    60.1,
    73.4,
    81.6,
    66.9,
    88.4,
    87.0,
    60.9,
    60.8,
    76.2,
    88.2,
    80.2,
]


def missing(values, labels):
    """The day with the hours of these labels (1–24) missing."""
    return [NAN if i + 1 in labels else v for i, v in enumerate(values)]


class TestDailyMean:
    def test_is_exact(self):
        mean = daily_mean(PM25_MEAN_75, "2012")
        assert sum(PM25_MEAN_75) / 24 != 75  # the float trap this guards against
        assert mean.fraction() == 75
        assert iaqi("PM2.5", mean, "24h", "2012") == iaqi("PM2.5", 75, "24h", "2012") == 100

    @pytest.mark.parametrize(("hours", "valid"), [(24, True), (20, True), (19, False)])
    def test_needs_20_hours(self, hours, valid):
        # GB 3095-2012 表4: a 24-hour mean needs at least 20 hourly values.
        day = [50.0] * hours + [NAN] * (24 - hours)
        assert daily_mean(day, "2012").valid == valid
        assert daily_max(day, "2012").valid == valid

    def test_days_along_the_last_axis(self):
        hours = np.array([[1.0] * 24 + [3.0] * 24, [NAN] * 24 + [2.0] * 24])
        assert np.array_equal(np.asarray(daily_mean(hours, "2026")), [[1, 3], [NAN, 2]], equal_nan=True)

    def test_needs_whole_days(self):
        with pytest.raises(ValueError, match="whole days"):
            daily_mean([1.0] * 25, "2012")


class TestMovingMean:
    def test_8_hours_need_6_values_and_the_series_start_counts_as_missing(self):
        means = np.asarray(moving_mean([10.0, 20.0, 30.0, 40.0, 50.0, 60.0, 70.0, 80.0, 90.0], 8, "2012"))
        # GB 3095-2012 表4: at least 6 of the 8 hours. Positions 0–4 have 1–5 hours.
        assert np.isnan(means[:5]).all()
        assert list(means[5:]) == [35.0, 40.0, 45.0, 55.0]  # (10+…+60)/6, …, (20+…+90)/8

    def test_8_hours_with_gaps(self):
        hours = [10.0] * 8 + [NAN, NAN, 30.0, 30.0, 30.0, 30.0, 30.0, NAN]
        means = moving_mean(hours, 8, "2012")
        assert means.fraction(13) == Fraction(10 * 2 + 30 * 4, 6)  # hours 6–13: 6 valid
        assert not means.valid[15]  # hours 8–15: 5 valid

    def test_24_hours_need_20_values(self):
        means = moving_mean([10.0] * 30, 24, "2012")
        assert not means.valid[18] and means.valid[19]

    def test_other_windows_are_errors(self):
        with pytest.raises(ValueError):
            moving_mean([1.0] * 24, 12, "2012")


class TestMDA8:
    def test_hand_checked_day(self):
        assert mda8(O3_DAY, "2012").fraction() == Fraction(1378, 8)
        # IAQI: 2012 100 + 50·12.25/55 = 111.1 → 112; 2026 rounds 172.25 to 172 first → 111.
        assert iaqi("O3", mda8(O3_DAY, "2012"), "8h", "2012") == 112
        assert iaqi("O3", mda8(O3_DAY, "2026"), "8h", "2026") == 111

    def test_the_first_window_ends_at_8(self):
        # High early hours: windows ending before 8时 would be shorter and larger (300); the first
        # window of the day covers hours 1–8: (6·300 + 2·10) / 8 = 227.5.
        assert mda8([300.0] * 6 + [10.0] * 18, "2012").fraction() == Fraction(1820, 8)

    def test_only_windows_of_the_day_count(self):
        # Late hours of the day before would make a window ending 3时 of this day (263.1) larger;
        # only the 17 windows ending 8时 … 24时 of the day count.
        before = [10.0] * 19 + [400.0] * 5
        result = mda8(before + O3_DAY, "2012")
        assert result.fraction(0) == Fraction(3 * 10 + 5 * 400, 8)  # ends 24时: hours 17–24
        assert result.fraction(1) == Fraction(1378, 8)

    def test_14_valid_windows_make_a_valid_day(self):
        half = [v / 2 for v in O3_DAY]
        # Hours 1–5 missing: windows ending 8, 9 and 10 have fewer than 6 hours; 14 remain.
        assert mda8(missing(half, range(1, 6)), "2012").fraction() == Fraction(1378, 16)

    def test_13_valid_windows_make_an_invalid_day(self):
        half = [v / 2 for v in O3_DAY]
        # Hours 1–6 missing: windows ending 8 … 11 have fewer than 6 hours; 13 remain.
        assert not mda8(missing(half, range(1, 7)), "2012").valid

    def test_13_valid_windows_still_count_above_the_limit(self):
        # HJ 663-2013: fewer than 14 windows, but the maximum exceeds 160: valid.
        assert mda8(missing(O3_DAY, range(1, 7)), "2012").fraction() == Fraction(1378, 8)

    def test_the_limit_is_judged_by_each_rule_set(self):
        day = missing([160.4] * 24, range(1, 7))
        assert mda8(day, "2012").fraction() == Fraction("160.4")  # 160.4 > 160
        assert not mda8(day, "2026").valid  # rounded to 160: not above the limit

    def test_station_days_at_once(self):
        stations = np.array([O3_DAY * 2, [v / 2 for v in O3_DAY] + missing(O3_DAY, range(1, 7))])
        assert np.array_equal(np.asarray(mda8(stations, "2012")), [[172.25, 172.25], [86.125, 172.25]])


def test_daily_aqi_from_hourly_values():
    hourly = {
        "SO2": [8.0] * 24,
        "NO2": [30.0] * 24,
        "PM10": [40.0] * 24,
        "CO": [0.6] * 24,
        "O3": O3_DAY,
        "PM2.5": PM25_MEAN_75,
    }
    report = daily_aqi(hourly, "2012")
    # O3: MDA8 172.25 → 112; daily maximum 1-hour 198 → 50 + 50·38/40 = 97.5 → 98; the larger counts.
    assert report.values["O3_1h"].fraction() == 198
    assert report.aqi.at(0).iaqi == {"SO2": 8, "NO2": 38, "PM10": 40, "CO": 15, "O3": 112, "PM2.5": 100}
    assert report.aqi.at(0).primary == ["O3"]


def test_hourly_validity():
    # GB 3095-2012 表4: an hourly value needs 45 minutes of sampling.
    assert list(hour_is_valid([44, 45, 60], "2012")) == [False, True, True]


@pytest.mark.parametrize("rules", ["2012", "2026"])
def test_monthly_and_annual_validity(rules):
    # GB 3095-2012 表4: 27 daily values a month (February 25), 324 a year.
    assert not month_is_valid(26, 1, rules) and month_is_valid(27, 1, rules)
    assert not month_is_valid(24, 2, rules) and month_is_valid(25, 2, rules)
    assert not year_is_valid(323, rules) and year_is_valid(324, rules)


def test_exact_array_reads_floats_as_their_decimals():
    values = ExactArray.of([0.1, 0.15, NAN, -1.0])
    assert values.fraction(1) == Fraction(15, 100)
    assert list(values.valid) == [True, True, False, False]
