"""Emission rates by the correlation approach, average factors, and emissions over a period."""

import itertools
from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from lantian.ldar.standards import (
    AVERAGE_FACTORS,
    CORRELATIONS,
    average_emission_factor,
    correlation,
    emission_method,
    emission_rate,
    operating_hours,
    period_emissions,
)

REL = 1e-12  # hand-computed decimals against float64


@pytest.mark.parametrize(
    ("sv", "component_type", "material_state", "industry", "rate"),
    [
        # refinery valve: 2.29E-06 · 1000^0.746 = 2.29E-06 · 10^2.238 = 2.29E-06 · 172.9816… = 3.96128E-04
        (1000, "valve", "gas", "refining", 3.96127946260258248e-4),
        # refinery pump seal: 5.03E-05 · 10000^0.610 = 5.03E-05 · 10^2.44 = 5.03E-05 · 275.4229 = 0.0138538
        (10000, "pump", "light_liquid", "refining", 0.0138537703777909772),
        # refinery connector: 1.53E-06 · 100^0.735 = 1.53E-06 · 10^1.47 = 1.53E-06 · 29.51 = 4.515E-05
        (100, "connector", "heavy_liquid", "refining", 4.5153501167995701e-5),
        # refinery compressor ("others" row): 1.36E-05 · 1000^0.589 = 1.36E-05 · 10^1.767 = 7.9531E-04
        (1000, "compressor", "gas", "refining", 7.9531451443649379e-4),
        # petrochemical flanges and connectors: 3.05E-06 · 10000^0.885 = 3.05E-06 · 10^3.54 = 0.0105755
        (10000, "flange", "gas", "petrochemical", 0.0105754739388022150),
        # petrochemical light-liquid valve at SV = 1 (the first correlated value): 6.41E-06 · 1 = 6.41E-06
        (1, "valve", "light_liquid", "petrochemical", 6.41e-6),
        # petrochemical pump, just under the peg: 1.90E-05 · 49999^0.824 = 0.141481
        (49999, "pump", "light_liquid", "petrochemical", 0.141480871807581016),
    ],
)
def test_correlation_rates_are_a_times_sv_to_the_b(sv, component_type, material_state, industry, rate):
    assert emission_method(sv) == "correlation"
    assert emission_rate(sv, component_type, material_state, industry) == pytest.approx(rate, rel=REL)


@pytest.mark.parametrize(
    ("component_type", "material_state", "industry", "default_zero", "pegged"),
    [
        ("valve", "gas", "refining", 7.8e-06, 0.14),
        ("pump", "heavy_liquid", "refining", 2.4e-05, 0.16),
        ("agitator", "light_liquid", "refining", 4.0e-06, 0.11),
        ("connector", "gas", "refining", 7.5e-06, 0.030),
        ("flange", "gas", "refining", 3.1e-07, 0.084),
        ("open_ended", "gas", "refining", 2.0e-06, 0.079),
        ("valve", "gas", "petrochemical", 6.6e-07, 0.11),
        ("valve", "light_liquid", "petrochemical", 4.9e-07, 0.15),
        ("relief", "gas", "petrochemical", 7.5e-06, 0.62),
        ("connector", "light_liquid", "petrochemical", 6.1e-07, 0.22),
        ("open_ended", "heavy_liquid", "petrochemical", 2.0e-06, 0.079),
        ("other", "gas", "petrochemical", 4.0e-06, 0.11),
    ],
)
def test_below_1_the_default_zero_rate_from_50000_the_pegged_rate(
    component_type, material_state, industry, default_zero, pegged
):
    for sv, method, rate in [(0, "default_zero", default_zero), (0.99, "default_zero", default_zero)]:
        assert (emission_method(sv), emission_rate(sv, component_type, material_state, industry)) == (
            method,
            rate,
        )
    for sv in (50000, 50000.0, 1e6):
        assert (emission_method(sv), emission_rate(sv, component_type, material_state, industry)) == (
            "pegged",
            pegged,
        )


def test_the_coefficients_are_the_spec_s_with_their_source():
    rows = {(row.industry, row.name): (row.a, row.b, row.default_zero, row.pegged) for row in CORRELATIONS}
    assert rows[("refining", "valves")] == (2.29e-06, 0.746, 7.8e-06, 0.14)
    assert rows[("refining", "pump seals")] == (5.03e-05, 0.610, 2.4e-05, 0.16)
    assert rows[("refining", "compressors, agitators, relief valves, others")] == (
        1.36e-05,
        0.589,
        4.0e-06,
        0.11,
    )
    assert rows[("refining", "threaded connectors")] == (1.53e-06, 0.735, 7.5e-06, 0.030)
    assert rows[("refining", "flanges")] == (4.61e-06, 0.703, 3.1e-07, 0.084)
    assert rows[("refining", "open-ended lines")] == (2.20e-06, 0.704, 2.0e-06, 0.079)
    assert rows[("petrochemical", "gas valves")] == (1.87e-06, 0.873, 6.6e-07, 0.11)
    assert rows[("petrochemical", "light-liquid valves")] == (6.41e-06, 0.797, 4.9e-07, 0.15)
    assert rows[("petrochemical", "pumps, compressors, agitators, relief valves")] == (
        1.90e-05,
        0.824,
        7.5e-06,
        0.62,
    )
    assert rows[("petrochemical", "flanges and connectors")] == (3.05e-06, 0.885, 6.1e-07, 0.22)
    assert rows[("petrochemical", "open-ended lines")] == (2.20e-06, 0.704, 2.0e-06, 0.079)
    assert rows[("petrochemical", "others")] == (1.36e-05, 0.589, 4.0e-06, 0.11)
    assert all(row.source for row in CORRELATIONS + AVERAGE_FACTORS)
    assert correlation("sampling", "gas", "refining").name == "compressors, agitators, relief valves, others"


@pytest.mark.parametrize(
    ("component_type", "material_state", "socmi", "refinery"),
    # EPA-453/R-95-017 Table 2-1 (SOCMI, petrochemical) and Table 2-2 (refinery), kg/h per source.
    [
        ("valve", "gas", 0.00597, 0.0268),
        ("valve", "light_liquid", 0.00403, 0.0109),
        ("valve", "heavy_liquid", 0.00023, 0.00023),
        ("pump", "light_liquid", 0.0199, 0.114),
        ("pump", "heavy_liquid", 0.00862, 0.021),
        ("compressor", "gas", 0.228, 0.636),
        ("relief", "gas", 0.104, 0.16),
        ("connector", "gas", 0.00183, 0.00025),
        ("flange", "heavy_liquid", 0.00183, 0.00025),  # flanges are connectors in both tables
        ("open_ended", "light_liquid", 0.0017, 0.0023),
        ("sampling", "gas", 0.0150, 0.0150),
        ("agitator", "light_liquid", 0.0199, 0.114),  # Table 2-1 footnote: the pump-seal factor
    ],
)
def test_average_emission_factors(component_type, material_state, socmi, refinery):
    assert average_emission_factor(component_type, material_state, "petrochemical") == socmi
    assert average_emission_factor(component_type, material_state, "refining") == refinery


@pytest.mark.parametrize(
    ("arguments", "named"),
    [
        ((1000, "gasket", "gas", "refining"), "'gasket'"),
        ((1000, "valve", "vapour", "refining"), "'vapour'"),
        ((1000, "valve", "gas", "coal_chemical"), "'coal_chemical'"),
        ((-1, "valve", "gas", "refining"), "-1"),
        ((float("nan"), "valve", "gas", "refining"), "nan"),
        ((None, "valve", "gas", "refining"), "None"),
    ],
)
def test_emission_rate_refuses_unknown_inputs_by_name(arguments, named):
    with pytest.raises(ValueError, match=named):
        emission_rate(*arguments)


YEAR = (datetime(2024, 1, 1), datetime(2025, 1, 1))  # 2024 is a leap year: 366 d = 8784 h
VALVE = {"component_type": "valve", "material_state": "gas", "industry": "refining"}
DEFAULT_ZERO = 7.8e-06  # refinery valve, SV < 1
AT_1000 = 3.96127946260258248e-4  # refinery valve, SV = 1000 (above)
# Two overlapping shutdowns: together 1 Mar – 20 Mar, 19 d = 456 h.
SHUTDOWNS = [(datetime(2024, 3, 1), datetime(2024, 3, 11)), (datetime(2024, 3, 5), datetime(2024, 3, 20))]


def test_mid_point_method_over_a_year():
    # Readings on 1 Jan (SV 0) and 1 Jul (SV 1000): 182 days apart, the mid-point is 1 Apr (day 91),
    # so 2184 h at the default-zero rate and 8784 − 2184 = 6600 h at the correlated rate.
    readings = [(datetime(2024, 1, 1), 0.0), (datetime(2024, 7, 1), 1000.0)]
    expected = DEFAULT_ZERO * 2184 + AT_1000 * 6600  # 0.0170352 + 2.6144444 = 2.6314796 kg
    assert period_emissions(readings, *YEAR, **VALVE) == pytest.approx(expected, rel=REL)


def test_shutdown_hours_are_taken_out_of_the_share_they_fall_in():
    # The overlapping shutdowns (456 h) fall before the 1 Apr mid-point: 2184 − 456 = 1728 h at the
    # default-zero rate; one reaching outside the period counts only inside it; one outside not at all.
    readings = [(datetime(2024, 1, 1), 0.0), (datetime(2024, 7, 1), 1000.0)]
    expected = DEFAULT_ZERO * 1728 + AT_1000 * 6600  # 2.6279228 kg
    assert period_emissions(readings, *YEAR, **VALVE, shutdowns=SHUTDOWNS) == pytest.approx(expected, rel=REL)
    reaching_in = [(datetime(2024, 12, 31), datetime(2025, 1, 15))]  # 24 h inside, after the mid-point
    outside = [(datetime(2023, 11, 1), datetime(2023, 12, 1))]
    expected = DEFAULT_ZERO * 2184 + AT_1000 * (6600 - 24)
    assert period_emissions(readings, *YEAR, **VALVE, shutdowns=reaching_in + outside) == pytest.approx(
        expected, rel=REL
    )


def test_readings_count_in_any_order_and_only_within_the_period():
    readings = [
        (datetime(2024, 7, 1), 1000.0),
        (datetime(2023, 12, 31, 23, 59), 99999.0),  # before the period: ignored
        (datetime(2024, 1, 1), 0.0),
        (datetime(2025, 1, 1, 0, 0, 1), 99999.0),  # after the period: ignored
    ]
    results = {
        period_emissions(order, *YEAR, **VALVE, shutdowns=SHUTDOWNS)
        for order in itertools.permutations(readings)
    }
    assert len(results) == 1
    assert results.pop() == pytest.approx(DEFAULT_ZERO * 1728 + AT_1000 * 6600, rel=REL)


def test_a_single_reading_rates_the_whole_period():
    # One reading in mid-May: its rate before and after it, for every operating hour (8784 − 456).
    readings = iter([(datetime(2024, 5, 15, 10), 1000)])
    expected = AT_1000 * 8328
    assert period_emissions(readings, *YEAR, **VALVE, shutdowns=SHUTDOWNS) == pytest.approx(expected, rel=REL)
    assert operating_hours(*YEAR, shutdowns=SHUTDOWNS) == 8328


def test_readings_on_the_period_bounds_count():
    # At the start and at the end: the mid-point is 2 Jul 00:00 (183 d = 4392 h on each side).
    readings = [(datetime(2025, 1, 1), 1000), (datetime(2024, 1, 1), 0)]
    expected = DEFAULT_ZERO * 4392 + AT_1000 * 4392
    assert period_emissions(readings, *YEAR, **VALVE) == pytest.approx(expected, rel=REL)


def test_of_two_readings_at_the_same_instant_the_higher_counts():
    readings = [(datetime(2024, 3, 1), 0.0), (datetime(2024, 3, 1), 1000.0)]
    assert period_emissions(readings, *YEAR, **VALVE) == pytest.approx(AT_1000 * 8784, rel=REL)


def test_no_reading_in_the_period_gives_zero_for_the_average_factor_to_replace():
    assert period_emissions([], *YEAR, **VALVE) == 0.0
    assert period_emissions([(datetime(2023, 6, 1), 5000)], *YEAR, **VALVE) == 0.0


def test_dates_are_their_midnight_and_aware_datetimes_count_real_hours():
    readings = [(datetime(2024, 1, 1), 1000)]
    assert period_emissions(readings, date(2024, 1, 1), date(2025, 1, 1), **VALVE) == period_emissions(
        readings, *YEAR, **VALVE
    )
    beijing = timezone(timedelta(hours=8))
    start = datetime(2024, 1, 1, tzinfo=beijing)
    readings = [(datetime(2023, 12, 31, 16, tzinfo=UTC), 1000)]  # = 2024-01-01 00:00 in Beijing
    assert period_emissions(readings, start, start + timedelta(hours=10), **VALVE) == pytest.approx(
        AT_1000 * 10
    )


@pytest.mark.parametrize(
    ("arguments", "error", "message"),
    [
        (([], YEAR[1], YEAR[0]), ValueError, "ends before it starts"),
        (([(datetime(2024, 2, 1), -5)], *YEAR), ValueError, "reading 1"),
        (([(datetime(2024, 2, 1),)], *YEAR), ValueError, "reading 1 must be a pair"),
        (([("2024-02-01", 5)], *YEAR), TypeError, "reading 1 time"),
        (([(datetime(2024, 2, 1, tzinfo=UTC), 5)], *YEAR), TypeError, "both be aware or both naive"),
    ],
)
def test_period_emissions_refuses_bad_input(arguments, error, message):
    with pytest.raises(error, match=message):
        period_emissions(*arguments, **VALVE)


def test_a_shutdown_ending_before_it_starts_or_an_unknown_type_is_refused():
    with pytest.raises(ValueError, match="shutdown 2 ends before it starts"):
        period_emissions(
            [], *YEAR, **VALVE, shutdowns=[SHUTDOWNS[0], (datetime(2024, 5, 2), datetime(2024, 5, 1))]
        )
    with pytest.raises(ValueError, match="'gasket'"):
        period_emissions([], *YEAR, component_type="gasket", material_state="gas", industry="refining")
