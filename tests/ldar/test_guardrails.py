"""The guard rails against falsified detection work (specs/ldar.md §2): each rule stays silent on honest
data and names itself, the records and the numbers when it fires."""

import ast
import math
import sys
from dataclasses import replace
from datetime import date, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest

from lantian.ldar import guardrails
from lantian.ldar.guardrails import (
    RULES,
    GuardRailSettings,
    Reading,
    binomial_tail,
    check_records,
    check_work_order,
    fast_walk,
    heaped_under_threshold,
    impossible_times,
    missing_background,
    missing_calibration,
    regular_dwell,
    repeated_values,
    zero_readings,
)

DAY = date(2026, 5, 12)
MORNING = datetime(2026, 5, 12, 8, 0, 0)
SETTINGS = GuardRailSettings()


def reading(id, start=0.0, dwell=20.0, operator="王工", **fields):
    """A reading starting ``start`` seconds after 08:00, lasting ``dwell`` seconds."""
    started = MORNING + timedelta(seconds=start)
    values = {
        "instrument": "TVA-1",
        "enterprise": "E1",
        "background": 2.0,
        "reading": 30.0,
        "threshold": 500.0,
        "wind": "NE",
    }
    values.update(fields)
    return Reading(
        id=id, operator=operator, started_at=started, ended_at=started + timedelta(seconds=dwell), **values
    )


def walk(count, gap=30.0, dwell=20.0, spacing=10.0, **fields):
    """One operator's walk: readings ``gap`` seconds apart, groups ``spacing`` metres apart."""
    return [
        reading(i, start=i * (dwell + gap), dwell=dwell, x=i * spacing, y=0.0, **fields) for i in range(count)
    ]


def realistic_work_order(n=400, seed=7):
    """An honest work order: lognormal readings far below the threshold, backgrounds and wind as the
    air has them, dwell times as a person's hand has them, two operators walking between groups."""
    rng = np.random.default_rng(seed)
    backgrounds = np.round(rng.uniform(0.5, 3.0, n), 1)
    readings = backgrounds + rng.lognormal(math.log(20), 1.2, n)
    dwell = rng.uniform(8, 60, n)
    gaps = rng.uniform(20, 90, n)
    winds = rng.choice(["N", "NE", "E", "SE", "S", "SW", "W", "NW"], n)
    rows, clock = [], {"王工": 0.0, "李工": 0.0}
    for i in range(n):
        operator = "王工" if i % 2 else "李工"
        start = clock[operator]
        clock[operator] = start + dwell[i] + gaps[i]
        rows.append(
            reading(
                i,
                start=start,
                dwell=float(dwell[i]),
                operator=operator,
                background=float(backgrounds[i]),
                reading=float(readings[i]),
                wind=str(winds[i]),
                x=float(i // 2 * 15),
                y=0.0 if i % 2 else 200.0,
            )
        )
    return rows


def falsified_work_order(n=40):
    """What a form-filling app produces: readings just under the 500 threshold for 12 of 40 points,
    the same background everywhere and a metronomic 15 s per point."""
    rng = np.random.default_rng(3)
    values = np.concatenate([rng.uniform(452, 498, 12), rng.uniform(5, 200, n - 12)])
    return [
        reading(
            i,
            start=i * 45.0,
            dwell=15.0,
            background=2.0,
            reading=float(values[i]) + 2.0,
            wind=["N", "E"][i % 2],
        )
        for i in range(n)
    ]


def codes(flags):
    return sorted(flag.rule for flag in flags)


# --- rule 1: same-day background ---


def test_a_reading_with_its_days_background_passes():
    assert missing_background([reading(1)], [("E1", "TVA-1", DAY)], SETTINGS) == []


@pytest.mark.parametrize(
    "background",
    [("E1", "TVA-1", DAY - timedelta(days=1)), ("E1", "TVA-2", DAY), ("E2", "TVA-1", DAY)],
    ids=["other day", "other instrument", "other enterprise"],
)
def test_a_reading_without_a_same_day_background_is_flagged(background):
    [flag] = missing_background([reading(1)], [background], SETTINGS)
    assert flag.rule == "missing_background"
    assert flag.records == (1,)
    assert flag.text == (
        "No background was measured at this enterprise with instrument TVA-1 on 2026-05-12: the net value "
        "has no basis."
    )


# --- rule 2: calibration ---


def test_a_reading_with_a_passed_calibration_that_day_passes():
    calibrations = [("TVA-1", DAY, False), ("TVA-1", DAY, True)]  # failed, then recalibrated
    assert missing_calibration([reading(1)], calibrations, SETTINGS) == []


def test_a_reading_without_calibration_or_with_a_failed_one_is_flagged():
    readings = [reading(1), reading(2, instrument="TVA-2")]
    calibrations = [("TVA-1", DAY, False), ("TVA-2", DAY - timedelta(days=1), True)]
    flags = missing_calibration(readings, calibrations, SETTINGS)
    assert [(f.rule, f.records, f.text) for f in flags] == [
        ("missing_calibration", (1,), "Instrument TVA-1 failed its calibration on 2026-05-12."),
        ("missing_calibration", (2,), "Instrument TVA-2 has no calibration on 2026-05-12."),
    ]


# --- rule 3: impossible times ---


def test_a_walk_of_proper_readings_passes():
    assert impossible_times(walk(10), SETTINGS) == []


def test_a_reading_of_exactly_the_dwell_time_passes_and_one_second_less_is_flagged():
    assert impossible_times([reading(1, dwell=5.0)], SETTINGS) == []
    [flag] = impossible_times([reading(1, dwell=4.0)], SETTINGS)
    assert flag.records == (1,)
    assert flag.text == "The reading took 4 s, less than the dwell time of 5 s."


def test_a_reading_ending_before_it_starts_is_flagged():
    [flag] = impossible_times([reading(1, dwell=-30.0)], SETTINGS)
    assert (flag.rule, flag.records) == ("impossible_times", (1,))
    assert flag.text == "The reading ends 30 s before it starts."


def test_overlapping_readings_of_one_operator_are_flagged_but_not_of_two():
    readings = [reading(1, start=0, dwell=20), reading(2, start=10, dwell=20)]
    [flag] = impossible_times(readings, SETTINGS)
    assert flag.records == (1, 2)
    assert flag.text == "Operator 王工 started this reading 10 s before the previous one ended."
    two_operators = [reading(1, start=0, dwell=20), reading(2, start=10, dwell=20, operator="李工")]
    assert impossible_times(two_operators, SETTINGS) == []


def test_the_dwell_time_is_the_bureaus_setting():
    assert impossible_times([reading(1, dwell=8.0)], replace(SETTINGS, dwell_seconds=8.0)) == []
    assert len(impossible_times([reading(1, dwell=8.0)], replace(SETTINGS, dwell_seconds=10.0))) == 1


# --- rule 4: walking speed ---


def test_walking_between_groups_at_a_walking_pace_passes():
    assert fast_walk(walk(10, gap=30.0, spacing=50.0), SETTINGS) == []  # 50 m in 30 s: 1.7 m/s


def test_a_walk_faster_than_a_person_is_flagged():
    readings = [reading(1, start=0, x=0.0, y=0.0), reading(2, start=30, x=60.0, y=80.0)]  # 100 m in 10 s
    [flag] = fast_walk(readings, SETTINGS)
    assert (flag.rule, flag.records) == ("fast_walk", (1, 2))
    assert flag.text == (
        "Operator 王工 moved 100 m in 10 s between two groups (10 m/s), faster than a walk of 2 m/s."
    )


def test_walks_with_unknown_positions_or_within_a_group_pass():
    unknown = [reading(1, start=0), reading(2, start=21, x=500.0, y=0.0)]
    same_group = [reading(1, start=0, x=5.0, y=5.0), reading(2, start=20, x=5.0, y=5.0)]
    assert fast_walk(unknown, SETTINGS) == []
    assert fast_walk(same_group, SETTINGS) == []


# --- rule 5: heaped under the threshold ---


def test_readings_spread_far_below_the_threshold_are_not_heaped():
    assert heaped_under_threshold(realistic_work_order(), SETTINGS) == []


def test_readings_heaped_just_under_the_threshold_are_flagged_with_the_test():
    readings = falsified_work_order()
    [flag] = heaped_under_threshold(readings, SETTINGS)
    assert flag.rule == "heaped_under_threshold"
    assert flag.records == tuple(range(40))
    p = sum(math.comb(40, i) * 0.02**i * 0.98 ** (40 - i) for i in range(12, 41))
    assert flag.evidence["p"] == f"{p:.1e}"
    assert flag.text == (
        "12 of 40 readings (30 %) lie within 10 % below the threshold of 500 μmol/mol, against 2 % "
        f"expected (0 lie as close above it); one-sided binomial test p = {p:.1e}."
    )


def test_few_readings_in_the_band_are_not_a_heap():
    readings = [reading(i, start=i * 40.0, reading=30.0 + i) for i in range(36)]
    readings += [reading(36 + i, start=(36 + i) * 40.0, reading=480.0) for i in range(4)]  # 4 of 40: < 5
    assert heaped_under_threshold(readings, SETTINGS) == []


# --- rule 6: repeated values ---


def test_backgrounds_and_wind_as_measured_pass():
    assert repeated_values(realistic_work_order(), SETTINGS) == []


def test_one_background_everywhere_is_flagged():
    readings = [
        reading(i, start=i * 40.0, background=2.0 if i < 30 else 1.0 + i / 10, wind="NSEW"[i % 4])
        for i in range(40)
    ]
    [flag] = repeated_values(readings, SETTINGS)
    assert flag.rule == "repeated_values"
    assert (
        flag.text
        == "30 of 40 readings (75 %) have the same background 2 μmol/mol, more than the 50 % allowed."
    )


def test_one_wind_direction_everywhere_is_flagged_blanks_aside():
    readings = [reading(i, start=i * 40.0, background=1.0 + i / 10, wind="NE") for i in range(30)]
    readings += [reading(30 + i, start=(30 + i) * 40.0, background=9.0 + i / 10, wind="") for i in range(10)]
    [flag] = repeated_values(readings, SETTINGS)
    assert (
        flag.text == "30 of 30 readings (100 %) have the same wind direction NE, more than the 95 % allowed."
    )


# --- rule 7: regular dwell times ---


def test_a_persons_dwell_times_pass():
    assert regular_dwell(realistic_work_order(), SETTINGS) == []


def test_metronomic_dwell_times_are_flagged():
    readings = [reading(i, start=i * 40.0, dwell=15.0 + (i % 2) * 0.2) for i in range(40)]
    [flag] = regular_dwell(readings, SETTINGS)
    assert flag.rule == "regular_dwell"
    assert flag.text == (
        "The dwell times of 40 readings vary by 0.7 % (mean 15.1 s, standard deviation 0.1 s), less than "
        "the 5 % a person's readings vary."
    )


def test_too_few_readings_say_nothing_of_regularity():
    assert regular_dwell([reading(i, start=i * 40.0, dwell=15.0) for i in range(19)], SETTINGS) == []


# --- rule 8: zero readings ---


def test_zeros_as_often_as_in_the_history_pass():
    readings = [reading(i, start=i * 40.0, reading=0.0 if i < 10 else 30.0) for i in range(100)]
    assert zero_readings(readings, SETTINGS, history_share=0.08) == []


def test_zeros_far_above_the_history_are_flagged():
    readings = [reading(i, start=i * 40.0, reading=0.0 if i < 10 else 30.0) for i in range(100)]
    [flag] = zero_readings(readings, SETTINGS, history_share=0.01)
    assert flag.rule == "zero_readings"
    p = sum(math.comb(100, i) * 0.02**i * 0.98 ** (100 - i) for i in range(10, 101))
    assert flag.text == (
        f"10 of 100 readings (10 %) are zero, against 2 % in the enterprise's history; one-sided binomial "
        f"test p = {p:.1e}."
    )


def test_a_history_share_outside_zero_to_one_is_refused():
    with pytest.raises(ValueError, match="between 0 and 1"):
        zero_readings(walk(30), SETTINGS, history_share=5)


# --- whole work orders ---


def test_a_realistic_work_order_raises_nothing():
    readings = realistic_work_order()
    backgrounds = [("E1", "TVA-1", DAY)]
    calibrations = [("TVA-1", DAY, True)]
    assert check_records(readings, backgrounds, calibrations) == []
    assert check_work_order(readings, zero_history_share=0.0) == []


def test_the_planted_falsified_work_order_is_caught_by_rules_5_to_7():
    flags = check_work_order(falsified_work_order())
    assert codes(flags) == ["heaped_under_threshold", "regular_dwell", "repeated_values"]
    [repeated] = [f for f in flags if f.rule == "repeated_values"]
    assert repeated.evidence["kind"] == "background"


def test_empty_input_and_a_single_reading_raise_nothing_statistical():
    assert check_records([]) == []
    assert check_work_order([]) == []
    assert check_work_order([reading(1, dwell=15.0, reading=499.0)]) == []
    assert check_records([reading(1)], [("E1", "TVA-1", DAY)], [("TVA-1", DAY, True)]) == []


def test_aware_times_work_as_well_as_naive_ones():
    from datetime import UTC

    readings = [
        replace(r, started_at=r.started_at.replace(tzinfo=UTC), ended_at=r.ended_at.replace(tzinfo=UTC))
        for r in walk(3)
    ]
    readings.append(replace(readings[-1], id=99))  # a duplicate overlaps the reading it copies
    assert [f.records for f in impossible_times(readings, SETTINGS)] == [(2, 99)]


def test_a_reading_that_is_not_a_number_is_refused_by_name():
    with pytest.raises(ValueError, match=r"reading 7: background is not a number"):
        check_work_order([reading(7, background=float("nan"))])


@pytest.mark.parametrize(
    ("name", "value", "error"),
    [
        ("walking_speed", 0, "must be positive"),
        ("heap_band", 1.5, "must be below 1"),
        ("heap_min_readings", 2.5, "whole number"),
        ("significance", "0.01", "not a number"),
    ],
)
def test_settings_out_of_range_are_refused(name, value, error):
    with pytest.raises(ValueError, match=error):
        GuardRailSettings(**{name: value})


def test_every_rule_is_named_and_its_parameters_are_settings():
    names = {spec for spec in GuardRailSettings.__dataclass_fields__}
    assert len({rule.code for rule in RULES}) == len(RULES) == 8
    for rule in RULES:
        assert set(rule.parameters) <= names, rule.code
        assert rule.check.__doc__, rule.code


def test_the_binomial_tail_is_exact():
    for k, n, p in [(0, 10, 0.3), (3, 10, 0.3), (10, 10, 0.3), (11, 10, 0.3), (12, 40, 0.02)]:
        expected = sum(math.comb(n, i) * p**i * (1 - p) ** (n - i) for i in range(k, n + 1))
        assert binomial_tail(k, n, p) == pytest.approx(expected, rel=1e-9, abs=1e-300)


def test_the_guard_rails_import_only_numpy_and_the_standard_library():
    imported = set()
    for node in ast.walk(ast.parse(Path(guardrails.__file__).read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            imported |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            imported.add(node.module.split(".")[0])
    assert imported
    assert imported <= set(sys.stdlib_module_names) | {"numpy"}, imported
