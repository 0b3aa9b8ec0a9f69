"""The LDAR kernel's rules: leak thresholds, net value and leak decision, repair and detection deadlines."""

from datetime import date, datetime

import pytest

from lantian.ldar.standards import (
    COMPONENT_TYPES,
    RULE_SETS,
    is_leak,
    leak_threshold,
    net_value,
    next_detection_due,
    repair_due,
)

# specs/ldar.md §3: (gas/vapour and volatile organic liquid, other liquid) in μmol/mol; gas and light
# liquid take the first, heavy liquid the second.
THRESHOLDS = {
    "GB37822": (5000, 2000),  # GB 37822-2019 §8.2, general areas
    "GB37822_KEY": (2000, 500),  # GB 37822-2019 §8.2, key areas (重点地区)
    "GB31571": (2000, 500),  # GB 31571-2015
    "DB44_2367": (500, 100),  # DB44/2367-2022
}


@pytest.mark.parametrize("rule_set", THRESHOLDS)
def test_leak_threshold_of_every_rule_set_and_material_state(rule_set):
    volatile, other = THRESHOLDS[rule_set]
    assert leak_threshold(rule_set, "gas") == volatile
    assert leak_threshold(rule_set, "light_liquid") == volatile
    assert leak_threshold(rule_set, "heavy_liquid") == other
    assert type(leak_threshold(rule_set, "gas")) is int


def test_the_seed_rule_sets_are_the_four_of_the_spec_with_their_sources():
    assert {rule.code for rule in RULE_SETS} == set(THRESHOLDS)
    assert all(rule.threshold_source and rule.frequency_source for rule in RULE_SETS)


@pytest.mark.parametrize(
    ("arguments", "named"),
    [
        (("GB37822-2019", "gas"), "'GB37822-2019'"),
        (("gb37822", "gas"), "'gb37822'"),
        (("GB37822", "liquid"), "'liquid'"),
        (("GB37822", None), "None"),
    ],
)
def test_an_unknown_rule_set_or_state_is_refused_by_name(arguments, named):
    with pytest.raises(ValueError, match=named):
        leak_threshold(*arguments)


def test_net_value_is_the_reading_minus_the_background_floored_at_zero():
    assert net_value(5020, 20) == 5000.0
    assert net_value(12.5, 2.5) == 10.0
    assert net_value(10, 20) == 0.0
    assert net_value(0, 0) == 0.0
    with pytest.raises(ValueError, match="background"):
        net_value(10, None)
    with pytest.raises(ValueError, match="reading"):
        net_value(float("nan"), 1)


def test_a_leak_is_a_net_value_at_or_above_the_threshold():
    threshold = leak_threshold("GB37822", "gas")
    assert is_leak(net_value(5020, 20), threshold)  # exactly 5000: a leak (≥)
    assert not is_leak(net_value(5019.9, 20), threshold)
    assert is_leak(100, leak_threshold("DB44_2367", "heavy_liquid"))
    assert not is_leak(99.99, leak_threshold("DB44_2367", "heavy_liquid"))


@pytest.mark.parametrize(
    ("detected", "first_attempt", "complete"),
    [
        (date(2024, 6, 3), date(2024, 6, 8), date(2024, 6, 18)),
        (date(2024, 1, 31), date(2024, 2, 5), date(2024, 2, 15)),  # across a month end
        (date(2024, 12, 27), date(2025, 1, 1), date(2025, 1, 11)),  # across a year end
        (date(2024, 2, 25), date(2024, 3, 1), date(2024, 3, 11)),  # leap year: 29 Feb counts
        (date(2023, 2, 25), date(2023, 3, 2), date(2023, 3, 12)),
    ],
)
def test_repair_is_due_5_and_15_calendar_days_after_detection(detected, first_attempt, complete):
    # GB 37822-2019 §8.4: first attempt within 5 d, repair complete within 15 d of finding the leak.
    assert repair_due(detected) == (first_attempt, complete)


def test_repair_due_needs_a_date():
    with pytest.raises(TypeError, match="detected_on"):
        repair_due("2024-06-03")


# GB 37822-2019 §8.3.1: class a) every 6 months, class b) (flanges, other connectors, other sealing
# devices) every 12; GB 31571-2015 halves both. GB37822_KEY and DB44_2367 follow GB 37822.
MONTHS = {"GB37822": (6, 12), "GB37822_KEY": (6, 12), "GB31571": (3, 6), "DB44_2367": (6, 12)}
CONNECTOR_CLASS = {"flange", "connector", "other"}


@pytest.mark.parametrize("rule_set", MONTHS)
@pytest.mark.parametrize("component_type", [component.code for component in COMPONENT_TYPES])
def test_detection_interval_of_every_type_under_every_rule_set(component_type, rule_set):
    listed, connectors = MONTHS[rule_set]
    months = connectors if component_type in CONNECTOR_CLASS else listed
    expected = {3: date(2024, 4, 15), 6: date(2024, 7, 15), 12: date(2025, 1, 15)}[months]
    assert next_detection_due(component_type, date(2024, 1, 15), rule_set) == expected


@pytest.mark.parametrize(
    ("component_type", "last", "rule_set", "due"),
    [
        ("valve", date(2023, 8, 31), "GB37822", date(2024, 2, 29)),  # clipped, leap year
        ("valve", date(2022, 8, 31), "GB37822", date(2023, 2, 28)),  # clipped
        ("pump", date(2024, 10, 15), "GB37822", date(2025, 4, 15)),  # across a year end
        ("valve", date(2023, 3, 31), "GB31571", date(2023, 6, 30)),  # 31 Mar + 3 = 30 Jun
        ("flange", date(2024, 8, 31), "GB31571", date(2025, 2, 28)),
        ("flange", date(2024, 2, 29), "GB37822", date(2025, 2, 28)),  # 29 Feb + 12
        ("sampling", date(2024, 12, 31), "GB31571", date(2025, 3, 31)),
        ("agitator", date(2025, 5, 31), "GB37822_KEY", date(2025, 11, 30)),
    ],
)
def test_next_detection_is_the_same_day_months_later_clipped_to_the_month_end(
    component_type, last, rule_set, due
):
    assert next_detection_due(component_type, last, rule_set) == due


def test_next_detection_keeps_a_datetime_a_datetime():
    assert next_detection_due("valve", datetime(2023, 8, 31, 9, 30), "GB37822") == datetime(
        2024, 2, 29, 9, 30
    )


def test_next_detection_refuses_unknown_inputs_by_name():
    with pytest.raises(ValueError, match="'gasket'"):
        next_detection_due("gasket", date(2024, 1, 1), "GB37822")
    with pytest.raises(ValueError, match="'EPA21'"):
        next_detection_due("valve", date(2024, 1, 1), "EPA21")
    with pytest.raises(TypeError, match="last_detected_on"):
        next_detection_due("valve", None, "GB37822")
