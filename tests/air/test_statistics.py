from datetime import date
from decimal import Decimal

import numpy as np
import pytest

from lantian.air.standards import exceedance_days, good_days_ratio, percentile, period_statistics

NAN = float("nan")


class TestPercentile:
    # HJ 663-2013 附录A: k = 1 + (n − 1)·p%, P = X(s) + (X(s+1) − X(s))·(k − s).
    def test_ten_values(self):
        assert percentile(range(1, 11), 90) == Decimal("9.1")  # k = 9.1

    def test_median_of_four(self):
        assert percentile([4, 1, 3, 2], 50) == Decimal("2.5")  # sorted first; k = 2.5

    def test_p98_of_a_year(self):
        assert percentile(range(1, 366), 98) == Decimal("357.72")  # k = 1 + 364·0.98 = 357.72

    def test_interpolates_exactly_between_decimals(self):
        # k = 1 + 5·0.98 = 5.9: 1.9 + 0.9·(2.6 − 1.9) = 2.53 (floats give 2.5300000000000002).
        assert percentile([0.5, 1.4, 1.6, 1.9, 1.9, 2.6], 98) == Decimal("2.53")

    def test_missing_values_are_left_out(self):
        assert percentile([1, None, NAN, 2, 3, 4], 50) == Decimal("2.5")

    def test_one_value_and_none(self):
        assert percentile([7.5], 95) == Decimal("7.5")
        assert percentile([None, NAN], 95) is None

    def test_the_result_compares_with_floats_as_written(self):
        assert percentile(range(1, 11), 90) == 9.1 == pytest.approx(percentile(range(1, 11), 90))


class TestPeriodStatistics:
    def test_items_per_pollutant(self):
        # HJ 663-2013: SO2/NO2 mean and P98, PM mean and P95, CO P95, O3 (MDA8) P90.
        stats = period_statistics(
            {p: [10, 20, 30] for p in ("SO2", "NO2", "PM10", "CO", "O3_8h", "PM2.5")}, "2012"
        )
        assert {p: s.p for p, s in stats.items()} == {
            "SO2": 98,
            "NO2": 98,
            "PM10": 95,
            "CO": 95,
            "O3": 90,
            "PM2.5": 95,
        }
        assert stats["CO"].mean is None and stats["O3"].mean is None
        assert stats["SO2"].reported_mean == 20
        assert stats["SO2"].reported_percentile == 30  # k = 2.96: 20 + 0.96·10 = 29.6 → 30
        assert stats["O3"].reported_percentile == 28  # k = 2.8: 28

    @pytest.mark.parametrize(("days", "mean"), [([34, 35], 34), ([35, 36], 36), ([34, 35.01], 35)])
    def test_means_are_rounded_half_to_even(self, days, mean):
        # GB/T 8170: 34.5 → 34, 35.5 → 36, 34.505 → 35.
        assert period_statistics({"PM2.5": days}, "2012")["PM2.5"].reported_mean == mean

    def test_co_is_reported_to_one_decimal(self):
        # n = 21, P95: k = 1 + 20·0.95 = 20, the 20th value 1.25 → 1.2 (ties to even).
        days = [0.5] * 19 + [1.25, 3.0]
        assert period_statistics({"CO": days}, "2012")["CO"].reported_percentile == Decimal("1.2")

    def test_sand_dust_days_leave_pm_only(self):
        dust = [False, True, False]
        stats = period_statistics({"PM10": [100, 500, 120], "SO2": [10, 40, 10]}, "2012", sand_dust=dust)
        assert (stats["PM10"].reported_mean, int(stats["PM10"].days)) == (110, 2)
        assert (stats["SO2"].reported_mean, int(stats["SO2"].days)) == (20, 3)

    def test_stations_at_once(self):
        stats = period_statistics({"PM2.5": np.array([[34.0, 35.0, NAN], [50.0, 51.0, 52.0]])}, "2026")
        assert list(stats["PM2.5"].reported_mean) == [34.0, 51.0]
        assert list(stats["PM2.5"].days) == [2, 3]


class TestExceedanceDays:
    PM25 = [70, 75, 75.4, 76, 60.4, 60.6]

    def test_2012_compares_the_value_as_it_is(self):
        assert exceedance_days(self.PM25, "PM2.5", "2012") == 2  # > 75: 75.4 and 76

    def test_2026_compares_the_rounded_value(self):
        # > 60 after rounding: 70, 75, 75 (75.4), 76, 61 (60.6); 60.4 → 60 is not above.
        assert exceedance_days(self.PM25, "PM2.5", "2026") == 5

    def test_2026_limits_tighten_in_2031(self):
        assert exceedance_days(self.PM25, "PM2.5", "2026", date(2031, 6, 1)) == 6  # > 50

    def test_o3_by_its_mda8(self):
        assert exceedance_days([160, 160.4, 161], "O3", "2012") == 2
        assert exceedance_days([160, 160.4, 161], "O3_8h", "2026") == 1


class TestGoodDaysRatio:
    def test_percent_of_days_with_an_aqi(self):
        assert good_days_ratio([50, 100, 101, NAN, None]) == Decimal("66.7")  # 2 of 3

    def test_none_good_and_no_days(self):
        assert good_days_ratio([101, 300]) == 0
        assert good_days_ratio([NAN]) is None

    def test_stations_at_once(self):
        assert list(good_days_ratio([[50, 150], [20, 30]])) == [50.0, 100.0]
