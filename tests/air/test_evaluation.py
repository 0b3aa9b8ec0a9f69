"""The period evaluation (lantian.air.standards.evaluation) against a plain, independent calculation."""

from datetime import date
from decimal import ROUND_HALF_EVEN, Decimal

import numpy as np
import pytest

from lantian.air.standards import evaluation as ev

DAYS = 40


def _year(seed=1, days=DAYS):
    rng = np.random.default_rng(seed)
    hours = days * 24
    base = {"SO2": 12, "NO2": 35, "PM10": 80, "CO": 0.9, "O3": 90, "PM2.5": 45}
    hourly = {}
    for p, level in base.items():
        x = np.round(
            level * (1 + 0.5 * np.sin(np.arange(hours) / 24 * 2 * np.pi)) + rng.gamma(2, level / 4, hours),
            1 if p == "CO" else 0,
        )
        x[rng.random(hours) < 0.05] = np.nan  # gaps
        hourly[p] = x
    hourly["PM2.5"][24 * 3 : 24 * 3 + 10] = np.nan  # day 3: 14 hours left, invalid day
    return hourly


def naive_daily_mean(x):
    out = []
    for d in range(len(x) // 24):
        day = [v for v in x[d * 24 : d * 24 + 24] if not np.isnan(v)]
        out.append(sum(Decimal(repr(float(v))) for v in day) / len(day) if len(day) >= 20 else None)
    return out


def naive_mda8(x, limit=160):
    out = []
    for d in range(len(x) // 24):
        day = x[d * 24 : d * 24 + 24]
        windows = []
        for end in range(8, 25):
            w = [v for v in day[end - 8 : end] if not np.isnan(v)]
            if len(w) >= 6:
                windows.append(sum(Decimal(repr(float(v))) for v in w) / len(w))
        best = max(windows) if windows else None
        out.append(best if best is not None and (len(windows) >= 14 or best > limit) else None)
    return out


def naive_percentile(values, p):
    xs = sorted(v for v in values if v is not None)
    k = 1 + (len(xs) - 1) * Decimal(p) / 100
    s = int(k)
    if s >= len(xs):
        return xs[-1]
    return xs[s - 1] + (xs[s] - xs[s - 1]) * (k - s)


def test_daily_values_match_a_plain_calculation():
    hourly = _year()
    daily = ev.daily_values(hourly, "2012")
    for p in ("SO2", "NO2", "PM10", "CO", "PM2.5"):
        got = [daily[p].fraction(i) for i in range(DAYS)]
        want = naive_daily_mean(hourly[p])
        assert [None if g is None else Decimal(g.numerator) / Decimal(g.denominator) for g in got] == [
            None if w is None else w for w in want
        ] or all(
            (g is None) == (w is None) and (g is None or abs(float(g) - float(w)) < 1e-9)
            for g, w in zip(got, want, strict=True)
        )
    assert daily["PM2.5"].fraction(3) is None
    mda8 = naive_mda8(hourly["O3"])
    got = [daily["O3_8h"].fraction(i) for i in range(DAYS)]
    assert all(
        (g is None) == (w is None) and (g is None or abs(float(g) - float(w)) < 1e-9)
        for g, w in zip(got, mda8, strict=True)
    )


def test_annual_statistics_and_composite_index_match_a_plain_calculation():
    hourly = _year(2)
    result = ev.evaluate_hourly(hourly, "2012")
    means = {p: naive_daily_mean(hourly[p]) for p in ("SO2", "NO2", "PM10", "CO", "PM2.5")}
    o3 = naive_mda8(hourly["O3"])

    def q(value, places):
        return Decimal(value).quantize(Decimal(1).scaleb(-places), ROUND_HALF_EVEN)

    def mean(values):
        xs = [v for v in values if v is not None]
        return sum(xs) / len(xs)

    stats = {p: mean(means[p]) for p in ("SO2", "NO2", "PM10", "PM2.5")}
    stats["CO"] = naive_percentile(means["CO"], 95)
    stats["O3"] = naive_percentile(o3, 90)
    for p, value in stats.items():
        assert result.concentrations[p] == q(value, 1 if p == "CO" else 0), p
    rounded = {p: q(v, 1 if p == "CO" else 0) for p, v in stats.items()}
    index = (
        rounded["SO2"] / 60
        + rounded["NO2"] / 40
        + rounded["PM10"] / 70
        + rounded["PM2.5"] / 35
        + rounded["CO"] / 4
        + rounded["O3"] / 160
    )
    assert result.composite.value == q(index, 2)
    assert result.days == DAYS
    assert sum(result.level_days.values()) == result.aqi_days
    assert result.good_days == result.level_days[1] + result.level_days[2]


def test_the_worked_example_of_the_spec():
    # 21/35 + 39/70 + 9/60 + 15/40 + 192/160 + 0.7/4 = 3.06 (as published); 3.07 with rounded terms
    daily = {
        "PM2.5": [21],
        "PM10": [39],
        "SO2": [9],
        "NO2": [15],
        "O3_8h": [192],
        "CO": [0.7],
        "O3_1h": [200],
    }
    assert ev.evaluate_daily(daily, "2012").composite.value == Decimal("3.06")
    assert ev.evaluate_daily(daily, "2012", round_terms=True).composite.value == Decimal("3.07")


def test_sand_dust_days_leave_pm_out_but_stay_in_the_good_day_ratio():
    daily = {
        "SO2": [10, 10],
        "NO2": [20, 20],
        "PM10": [60, 600],
        "CO": [0.5, 0.5],
        "O3_8h": [80, 80],
        "PM2.5": [30, 200],
        "O3_1h": [90, 90],
    }
    plain = ev.evaluate_daily(daily, "2012")
    dusty = ev.evaluate_daily(daily, "2012", sand_dust=[False, True])
    assert plain.concentrations["PM10"] == 330 and dusty.concentrations["PM10"] == 60
    assert dusty.good_ratio == plain.good_ratio == Decimal("50.0")
    assert dusty.exceedance_days["PM10"] == 0 and plain.exceedance_days["PM10"] == 1
    assert dusty.sand_dust_days == 1


def test_both_rule_sets_differ_where_the_standard_changed():
    daily = {"SO2": [5], "NO2": [20], "PM10": [70], "CO": [0.5], "O3_8h": [60], "PM2.5": [70], "O3_1h": [80]}
    old, new = ev.evaluate_daily(daily, "2012"), ev.evaluate_daily(daily, "2026")
    assert old.level_days[2] == 1 and new.level_days[3] == 1  # PM2.5 70: 良 in 2012, 轻度 in 2026
    assert old.exceedance_days["PM2.5"] == 0 and new.exceedance_days["PM2.5"] == 1
    assert new.composite.value > old.composite.value  # PM limits 30/60 instead of 35/70


def test_groups_average_their_members_and_rankings_share_ties():
    a = {"PM2.5": [10, np.nan], "SO2": [4, 6]}
    b = {"PM2.5": [20, 30], "SO2": [8, 8]}
    group = ev.group_daily([a, b])
    assert [group["PM2.5"].fraction(i) for i in range(2)] == [15, 30]
    assert [group["SO2"].fraction(i) for i in range(2)] == [6, 7]
    daily = {"SO2": [5], "NO2": [20], "PM10": [50], "CO": [0.5], "O3_8h": [60], "PM2.5": [30], "O3_1h": [80]}
    worse = dict(daily, **{"PM2.5": [40]})
    results = {
        "a": ev.evaluate_daily(daily, "2012"),
        "b": ev.evaluate_daily(daily, "2012"),
        "c": ev.evaluate_daily(worse, "2012"),
    }
    ranks = ev.rankings(results)
    assert [ranks[k]["composite"] for k in "abc"] == [1, 1, 3]
    assert [ranks[k]["pm25"] for k in "abc"] == [1, 1, 3]


def test_many_series_equal_one_at_a_time():
    hourly = [_year(s) for s in (3, 4, 5)]
    dailies = [ev.daily_values(h, "2026") for h in hourly]
    batch = {k: np.stack([np.asarray(d[k]) for d in dailies]) for k in dailies[0]}
    many = ev.evaluate_daily_many(batch, "2026", day=date(2026, 6, 1))
    for one, d in zip(many, dailies, strict=True):
        single = ev.evaluate_daily(d, "2026", day=date(2026, 6, 1))
        assert single.composite.value == one.composite.value
        assert single.concentrations == one.concentrations
        assert single.good_ratio == one.good_ratio


def test_bad_input_is_refused():
    with pytest.raises(ValueError, match="no daily values"):
        ev.evaluate_daily({"XYZ": [1]}, "2012")
    with pytest.raises(ValueError):
        ev.daily_values({"PM2.5": [1.0] * 23}, "2012")
