import pytest

from lantian.air.standards import aqi

from .hj633_tables import LEVELS

# A clean day, 2012 IAQIs (HJ 633-2012 表1): SO2 8 → 8, NO2 30 → 38, PM10 40 → 40, CO 0.6 → 15,
# O3 MDA8 90 → 45, PM2.5 20 → 29 (28.6 carried up).
CLEAN_DAY = {"SO2": 8, "NO2": 30, "PM10": 40, "CO": 0.6, "O3": 90, "PM2.5": 20}
# A clean hour, 2012 real-time IAQIs: SO2 1h 20 → 7, NO2 1h 60 → 30, CO 1h 0.8 → 8, O3 1h 120 → 38,
# PM10 (24-hour moving mean) 60 → 55, PM2.5 (24-hour moving mean) 30 → 43.
CLEAN_HOUR = {"SO2": 20, "NO2": 60, "CO": 0.8, "O3": 120, "PM10": 60, "PM2.5": 30}


def test_clean_day():
    result = aqi(CLEAN_DAY, "24h", "2012")
    assert (result.aqi, result.level, result.category, result.color) == (45, 1, "优", (0, 228, 0))
    assert result.primary == []  # no primary pollutant at AQI ≤ 50 (HJ 633-2012 4.3)
    assert result.iaqi == {"SO2": 8, "NO2": 38, "PM10": 40, "CO": 15, "O3": 45, "PM2.5": 29}


@pytest.mark.parametrize(
    ("pm10", "expected"),
    [
        (50, 50),
        (51, 51),  # 50.5 carried up
        (150, 100),
        (151, 101),
        (250, 150),
        (251, 151),
        (350, 200),
        (350.7, 201),  # 200 + 100·0.7/70
        (420, 300),
        (420.8, 301),  # 300 + 100·0.8/80
        (600, 500),
    ],
)
def test_levels_categories_and_colours_at_their_boundaries(pm10, expected):
    result = aqi(CLEAN_DAY | {"PM10": pm10}, "24h", "2012")
    _, level, category, color = next(row for row in LEVELS if expected <= row[0])
    assert (result.aqi, result.level, result.category, result.color) == (expected, level, category, color)
    assert result.primary == ([] if expected <= 50 else ["PM10"])


@pytest.mark.parametrize(
    ("changes", "primary"),
    [
        ({"PM10": 150, "PM2.5": 75}, ["PM10", "PM2.5"]),  # both IAQI 100: ties all listed
        ({"O3": 160, "PM2.5": 75}, ["O3", "PM2.5"]),
        ({"O3": 160, "O3_1h": 200}, ["O3"]),  # MDA8 and 1-hour maximum both 100: one pollutant
    ],
)
def test_primary_pollutants_with_ties(changes, primary):
    result = aqi(CLEAN_DAY | changes, "24h", "2012")
    assert (result.aqi, result.primary) == (100, primary)


class TestAbove800:
    def test_2012_o3_mda8_above_800_reports_the_1h_iaqi(self):
        # HJ 633-2012 表1 注(3): O3 1h 1100 → 400 + 100·100/200 = 450.
        result = aqi(CLEAN_DAY | {"O3": 850, "O3_1h": 1100}, "24h", "2012")
        assert (result.aqi, result.iaqi["O3"], result.primary) == (450, 450, ["O3"])

    def test_2012_o3_mda8_above_800_without_a_1h_value_has_no_o3_iaqi(self):
        result = aqi(CLEAN_DAY | {"O3": 850}, "24h", "2012")
        assert (result.aqi, result.iaqi["O3"]) == (40, None)

    def test_2026_o3_mda8_above_800_is_300(self):
        result = aqi(CLEAN_DAY | {"O3": 850}, "24h", "2026")
        assert (result.aqi, result.category, result.primary) == (300, "重度污染", ["O3"])

    def test_2012_so2_1h_above_800_reports_the_24h_iaqi(self):
        # HJ 633-2012 表1 注(2): SO2 24h 300 → 100 + 50·150/325 = 123.1 → 124.
        result = aqi(CLEAN_HOUR | {"SO2": 900, "SO2_24h": 300}, "1h", "2012")
        assert (result.aqi, result.primary, result.category) == (124, ["SO2"], "轻度污染")

    def test_2012_so2_1h_above_800_without_a_24h_value_has_no_so2_iaqi(self):
        result = aqi(CLEAN_HOUR | {"SO2": 900}, "1h", "2012")
        assert (result.aqi, result.iaqi["SO2"], result.primary) == (55, None, ["PM10"])

    def test_2026_so2_1h_above_800_is_200(self):
        result = aqi(CLEAN_HOUR | {"SO2": 900, "SO2_24h": 300}, "1h", "2026")
        assert (result.aqi, result.primary, result.category) == (200, ["SO2"], "中度污染")


class TestRealTimePM:
    def test_2012_reads_pm_from_the_24h_moving_mean(self):
        # An explicit PM2.5_24h (the moving mean) wins over the plain 1-hour value: 40 → 56.25 → 57.
        result = aqi(CLEAN_HOUR | {"PM2.5": 300, "PM2.5_24h": 40}, "1h", "2012")
        assert result.iaqi["PM2.5"] == 57

    def test_2026_reads_pm_from_the_1h_value_on_the_daily_breakpoints(self):
        # PM2.5 300 → 300 + 100·50/100 = 350 (HJ 633-2026 表1 24-hour breakpoints).
        result = aqi(CLEAN_HOUR | {"PM2.5": 300, "PM2.5_24h": 40}, "1h", "2026")
        assert (result.aqi, result.primary) == (350, ["PM2.5"])


class TestMissingData:
    def test_2026_one_missing_and_the_rest_at_most_100_is_na(self):
        result = aqi({k: v for k, v in CLEAN_DAY.items() if k != "PM2.5"}, "24h", "2026")
        assert (result.aqi, result.level, result.category, result.color) == (None, None, None, None)
        assert (result.primary, result.published, str(result)) == ([], False, "NA")

    def test_2026_one_missing_and_the_rest_above_100_is_published(self):
        # PM10 200 under 2026: 100 + 50·80/130 = 130.8 → 131.
        values = {k: v for k, v in CLEAN_DAY.items() if k != "PM2.5"} | {"PM10": 200}
        result = aqi(values, "24h", "2026")
        assert (result.aqi, result.primary, result.iaqi["PM2.5"]) == (131, ["PM10"], None)

    @pytest.mark.parametrize(("pm10", "expected"), [(120, None), (121, 101)])
    def test_2026_one_missing_publishes_only_above_100(self, pm10, expected):
        # PM10 120 is IAQI 100 under HJ 633-2026: not above 100, so NA; 121 → 100 + 50/130 → 101.
        values = {k: v for k, v in CLEAN_DAY.items() if k != "PM2.5"} | {"PM10": pm10}
        assert aqi(values, "24h", "2026").aqi == expected

    def test_2026_two_missing_is_na_even_above_100(self):
        values = {k: v for k, v in CLEAN_DAY.items() if k not in ("PM2.5", "CO")} | {"PM10": 200}
        assert aqi(values, "24h", "2026").aqi is None

    def test_2026_a_missing_value_inside_the_mapping_counts_as_missing(self):
        assert aqi(CLEAN_DAY | {"PM2.5": None}, "24h", "2026").aqi is None

    def test_2012_reports_the_aqi_of_what_was_measured(self):
        # PM10 200 under 2012: 100 + 50·50/100 = 125.
        values = {k: v for k, v in CLEAN_DAY.items() if k not in ("PM2.5", "CO")} | {"PM10": 200}
        assert aqi(values, "24h", "2012").aqi == 125
        assert aqi({k: v for k, v in CLEAN_DAY.items() if k != "PM2.5"}, "24h", "2012").aqi == 45

    @pytest.mark.parametrize("rules", ["2012", "2026"])
    def test_nothing_measured(self, rules):
        result = aqi({"PM2.5": None}, "24h", rules)
        assert (result.aqi, result.primary) == (None, [])


def test_no_aqi_report_over_8_hours():
    with pytest.raises(ValueError, match="reported"):
        aqi(CLEAN_DAY, "8h", "2012")
