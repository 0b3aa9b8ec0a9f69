"""The vectorised forms of the LDAR kernel give exactly the scalar results, element by element."""

import random
from datetime import datetime, timedelta

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lantian.ldar.standards import (
    COMPONENT_TYPES,
    INDUSTRIES,
    MATERIAL_STATES,
    RULE_SET_CODES,
    emission_method,
    emission_method_array,
    emission_rate,
    emission_rate_array,
    is_leak,
    is_leak_array,
    leak_threshold,
    leak_threshold_array,
    net_value,
    net_value_array,
    period_emissions,
    period_emissions_array,
)

TYPES = [component.code for component in COMPONENT_TYPES]
START = datetime(2024, 1, 1)
END = datetime(2025, 1, 1)
SECONDS = int((END - START).total_seconds())

# Screening values: instrument decimals, the method boundaries and their neighbours, any float.
screening_values = st.one_of(
    st.decimals(min_value=0, max_value=100_000, places=1).map(float),
    st.sampled_from([0.0, 0.5, 0.999999, 1.0, 1.000001, 9999.9, 49999.99, 50000.0, 50000.01, 1e7]),
    st.floats(min_value=0, max_value=1e6),
)
readings = st.floats(min_value=-100, max_value=1e5, allow_nan=False)


@settings(max_examples=60, deadline=None)
@given(
    values=st.lists(screening_values, min_size=1, max_size=40),
    data=st.data(),
    industry=st.sampled_from(INDUSTRIES),
)
def test_emission_rate_array_is_the_scalar_rate(values, data, industry):
    size = len(values)
    types = data.draw(st.lists(st.sampled_from(TYPES), min_size=size, max_size=size))
    states = data.draw(st.lists(st.sampled_from(MATERIAL_STATES), min_size=size, max_size=size))
    rates = emission_rate_array(np.array(values), np.array(types), np.array(states), industry)
    assert rates.tolist() == [
        emission_rate(v, t, s, industry) for v, t, s in zip(values, types, states, strict=True)
    ]
    assert emission_method_array(values).tolist() == [emission_method(v) for v in values]


def test_emission_rate_array_agrees_on_a_large_random_sample():
    # The SIMD power of numpy and libm's pow differ in the last bit for about 5 % of values: both
    # forms must take the same one.
    rng = np.random.default_rng(13)
    values = rng.uniform(0, 60_000, 20_000)
    for industry in INDUSTRIES:
        for component_type in TYPES:
            rates = emission_rate_array(values, component_type, "light_liquid", industry)
            expected = [emission_rate(v, component_type, "light_liquid", industry) for v in values[:500]]
            assert rates[:500].tolist() == expected
            assert rates[-3:].tolist() == [
                emission_rate(v, component_type, "light_liquid", industry) for v in values[-3:]
            ]


@settings(max_examples=60, deadline=None)
@given(
    pairs=st.lists(st.tuples(readings, readings), min_size=1, max_size=40),
    rule_set=st.sampled_from(RULE_SET_CODES),
    state=st.sampled_from(MATERIAL_STATES),
)
def test_net_values_and_leak_decisions_are_the_scalar_ones(pairs, rule_set, state):
    reading, background = (np.array(column) for column in zip(*pairs, strict=True))
    net = net_value_array(reading, background)
    assert net.tolist() == [net_value(r, b) for r, b in pairs]
    threshold = leak_threshold(rule_set, state)
    assert is_leak_array(net, threshold).tolist() == [is_leak(n, threshold) for n in net.tolist()]
    states = [state, *MATERIAL_STATES]
    assert leak_threshold_array(rule_set, states).tolist() == [leak_threshold(rule_set, s) for s in states]


@st.composite
def plants(draw):
    """A few points of random types with readings at random times (some outside the year, some at the
    same instant, on the bounds), and shutdowns that overlap each other and the period's ends."""
    count = draw(st.integers(min_value=1, max_value=6))
    seconds = st.one_of(
        st.integers(min_value=-86_400 * 40, max_value=SECONDS + 86_400 * 40),
        st.sampled_from([0, SECONDS, 1, SECONDS - 1]),
    )
    rows = draw(
        st.lists(
            st.tuples(st.integers(min_value=0, max_value=count - 1), seconds, screening_values), max_size=30
        )
    )
    shutdowns = draw(
        st.lists(st.tuples(seconds, st.integers(min_value=0, max_value=86_400 * 60)), max_size=4)
    )
    types = draw(st.lists(st.sampled_from(TYPES), min_size=count, max_size=count))
    states = draw(st.lists(st.sampled_from(MATERIAL_STATES), min_size=count, max_size=count))
    return count, rows, [(at, at + length) for at, length in shutdowns], types, states


def moment(seconds: int) -> datetime:
    return START + timedelta(seconds=seconds)


@settings(max_examples=80, deadline=None)
@given(plant=plants(), industry=st.sampled_from(INDUSTRIES), shuffle=st.randoms(use_true_random=False))
def test_period_emissions_array_is_the_scalar_period_emissions(plant, industry, shuffle):
    count, rows, shutdowns, types, states = plant
    shutdowns = [(moment(a), moment(b)) for a, b in shutdowns]
    totals = period_emissions_array(
        [point for point, _, _ in rows],
        np.array([moment(at) for _, at, _ in rows], dtype="datetime64[us]"),
        [value for _, _, value in rows],
        START,
        END,
        component_types=types,
        material_states=states,
        industry=industry,
        shutdowns=shutdowns,
    )
    for point in range(count):
        own = [(moment(at), value) for p, at, value in rows if p == point]
        shuffle.shuffle(own)
        scalar = period_emissions(
            own,
            START,
            END,
            component_type=types[point],
            material_state=states[point],
            industry=industry,
            shutdowns=shutdowns,
        )
        assert totals[point] == scalar


def test_period_emissions_array_with_one_code_for_every_point():
    rng = random.Random(7)
    rows = [(rng.randrange(50), rng.randrange(SECONDS), rng.uniform(0, 20_000)) for _ in range(400)]
    totals = period_emissions_array(
        [p for p, _, _ in rows],
        [moment(at) for _, at, _ in rows],  # datetimes are accepted too
        [v for _, _, v in rows],
        START,
        END,
        component_types="flange",
        material_states="gas",
        industry="petrochemical",
    )
    assert totals.shape == (50,)
    for point in (0, 17, 49):
        own = [(moment(at), v) for p, at, v in rows if p == point]
        assert totals[point] == period_emissions(
            own, START, END, component_type="flange", material_state="gas", industry="petrochemical"
        )


def test_the_vectorised_forms_refuse_bad_input_by_name():
    with pytest.raises(ValueError, match="'gasket'"):
        emission_rate_array([1.0, 2.0], ["valve", "gasket"], "gas", "refining")
    with pytest.raises(ValueError, match=r"index \(1,\)"):
        emission_rate_array([1.0, -2.0], "valve", "gas", "refining")
    with pytest.raises(ValueError, match="'solid'"):
        leak_threshold_array("GB37822", ["gas", "solid"])
    with pytest.raises(ValueError, match="point indexes"):
        period_emissions_array(
            [0, 2],
            [START, START],
            [1, 1],
            START,
            END,
            component_types=["valve", "pump"],
            material_states="gas",
            industry="refining",
        )
