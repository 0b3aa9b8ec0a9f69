import numpy as np
import pytest

from lantian.air.standards import aqi, daily_aqi, realtime_aqi

NAN = float("nan")


def quiet_hours(n: int) -> dict[str, list[float]]:
    return {"SO2": [10.0] * n, "NO2": [20.0] * n, "PM10": [30.0] * n, "CO": [0.5] * n, "O3": [40.0] * n}


class TestRealTime:
    def test_2012_pm_from_the_24h_moving_mean(self):
        # Hour 25: (23·30 + 300) / 24 = 41.25 → 50 + 50·6.25/40 = 57.8 → 58 (HJ 633-2012 实时报).
        hours = quiet_hours(48) | {"PM2.5": [30.0] * 24 + [300.0] * 24}
        report = realtime_aqi(hours, "2012")
        assert report.values["PM2.5_24h"].fraction(24) == 41.25
        assert report.aqi.at(24).iaqi["PM2.5"] == 58
        assert not report.values["PM2.5_24h"].valid[18]  # 19 hours so far: fewer than 20

    def test_2026_pm_from_the_1h_value(self):
        hours = quiet_hours(48) | {"PM2.5": [30.0] * 24 + [300.0] * 24}
        assert realtime_aqi(hours, "2026").aqi.at(24).iaqi["PM2.5"] == 350  # 300 + 100·50/100

    def test_so2_above_800(self):
        # 2012: SO2 24h moving mean (23·100 + 900)/24 = 133.3 → 50 + 50·83.3/100 = 91.7 → 92.
        hours = quiet_hours(24) | {"SO2": [100.0] * 23 + [900.0], "PM2.5": [20.0] * 24}
        assert realtime_aqi(hours, "2012").aqi.at(23).iaqi["SO2"] == 92
        assert realtime_aqi(hours, "2026").aqi.at(23).iaqi["SO2"] == 200

    def test_o3_8h_moving_mean_counts(self):
        # O3 1h 170 → 63; O3 8h moving mean 170 → 100 + 50·10/55 = 109.1 → 110.
        hours = quiet_hours(8) | {"O3": [170.0] * 8, "PM2.5": [20.0] * 8}
        result = realtime_aqi(hours, "2012").aqi.at(7)
        assert (result.aqi, result.primary) == (110, ["O3"])


@pytest.mark.parametrize("rules", ["2012", "2026"])
@pytest.mark.parametrize("pipeline", [realtime_aqi, daily_aqi])
def test_pipelines_agree_with_the_scalar_aqi_of_their_values(rules, pipeline):
    rng = np.random.default_rng(2026)
    shape = (3, 72)
    hours = {
        "SO2": rng.gamma(2, 150, shape).round(),
        "NO2": rng.gamma(2, 30, shape).round(),
        "PM10": rng.gamma(2, 60, shape).round(),
        "CO": rng.gamma(2, 0.6, shape).round(3),
        "O3": rng.gamma(3, 50, shape).round(),
        "PM2.5": rng.gamma(2, 40, shape).round(1),
    }
    for series in hours.values():
        series[rng.random(shape) < 0.15] = NAN
    assert np.nanmax(hours["SO2"]) > 800 and np.nanmax(hours["O3"]) > 400  # above-range rules in play
    report = pipeline(hours, rules)
    period = "1h" if pipeline is realtime_aqi else "24h"
    for index in np.ndindex(report.aqi.aqi.shape):
        values = {key: exact.fraction(index) for key, exact in report.values.items()}
        assert report.aqi.at(index) == aqi(values, period, rules)
