"""The rule kernel (lantian.power.rules) on hand-built minute series, and against a plain
minute-by-minute reference implementation of the documented rules on generated series."""

import datetime
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lantian.power.rules import Episode, Rule, RuleKind, evaluate_pairs, evaluate_series

K = RuleKind
ON, OFF = 100.0, 0.0  # production power; thresholds below are 10 kW


def series(*parts):
    """``series((ON, 30), (OFF, 10))``: constant stretches of minutes."""
    return np.concatenate([np.full(length, value, dtype=float) for value, length in parts])


def episodes(rule, production, treatment, rated=None, first=0):
    found = evaluate_pairs(rule, production[None, :], treatment[None, :], 10.0, 10.0, rated, first)
    return [(e.kind, e.start, e.end) for e in found]


def test_treatment_stopped_is_one_episode_however_long():
    production = series((ON, 300))
    treatment = series((ON, 20), (OFF, 200), (ON, 80))
    assert episodes(Rule(K.TREATMENT_STOPPED, minutes=30), production, treatment) == [
        (K.TREATMENT_STOPPED, 20, 220)
    ]


def test_treatment_stopped_shorter_than_the_minimum_raises_nothing():
    production = series((ON, 100))
    treatment = series((ON, 10), (OFF, 29), (ON, 61))
    assert episodes(Rule(K.TREATMENT_STOPPED, minutes=30), production, treatment) == []
    assert episodes(Rule(K.TREATMENT_STOPPED, minutes=29), production, treatment) == [
        (K.TREATMENT_STOPPED, 10, 39)
    ]


def test_a_missing_minute_ends_a_condition():
    production = series((ON, 100))
    treatment = series((OFF, 40), (math.nan, 1), (OFF, 59))
    assert episodes(Rule(K.TREATMENT_STOPPED, minutes=30), production, treatment) == [
        (K.TREATMENT_STOPPED, 0, 40),
        (K.TREATMENT_STOPPED, 41, 100),
    ]


def test_production_stopped_raises_nothing():
    production = series((OFF, 100))
    treatment = series((OFF, 100))
    for kind in K:
        assert episodes(Rule(kind, minutes=1), production, treatment) == []


def test_late_start():
    production = series((OFF, 10), (ON, 100))
    treatment = series((OFF, 25), (ON, 85))
    assert episodes(Rule(K.LATE_START, minutes=10), production, treatment) == [(K.LATE_START, 10, 25)]
    assert episodes(Rule(K.LATE_START, minutes=16), production, treatment) == []


def test_late_start_needs_treatment_to_start_while_production_runs():
    production = series((OFF, 10), (ON, 30), (OFF, 70))
    treatment = series((OFF, 110))
    assert episodes(Rule(K.LATE_START, minutes=5), production, treatment) == []
    assert episodes(Rule(K.TREATMENT_STOPPED, minutes=5), production, treatment) == [
        (K.TREATMENT_STOPPED, 10, 40)
    ]


def test_late_start_needs_the_start_of_production_in_the_series():
    production = series((ON, 60))
    treatment = series((OFF, 20), (ON, 40))
    assert episodes(Rule(K.LATE_START, minutes=5), production, treatment) == []


def test_early_stop():
    production = series((ON, 60), (OFF, 40))
    treatment = series((ON, 45), (OFF, 55))
    assert episodes(Rule(K.EARLY_STOP, minutes=10), production, treatment) == [(K.EARLY_STOP, 45, 60)]
    assert episodes(Rule(K.EARLY_STOP, minutes=16), production, treatment) == []


def test_early_stop_is_not_a_treatment_that_never_ran():
    production = series((OFF, 5), (ON, 60), (OFF, 35))
    treatment = series((OFF, 100))
    assert episodes(Rule(K.EARLY_STOP, minutes=5), production, treatment) == []


def test_idling_below_a_share_of_rated_power():
    production = series((ON, 200))
    treatment = series((50.0, 50), (20.0, 90), (50.0, 60))  # rated 100 kW, share 0.3: 20 kW idles
    rule = Rule(K.IDLING, minutes=60, share=0.3)
    assert episodes(rule, production, treatment, rated=[100.0]) == [(K.IDLING, 50, 140)]
    assert episodes(rule, production, treatment, rated=[math.nan]) == []
    assert episodes(rule, production, treatment, rated=None) == []


def test_idling_does_not_count_a_stopped_treatment():
    production = series((ON, 200))
    treatment = series((5.0, 200))  # below the 10 kW threshold: stopped, not idling
    assert episodes(Rule(K.IDLING, minutes=10, share=0.3), production, treatment, rated=[100.0]) == []


def night_series(day_treatment, night_treatment, night_production=ON):
    """From 06:00 one day to 06:00 the next: day 06:00–22:00, night 22:00–06:00."""
    production = series((ON, 16 * 60), (night_production, 8 * 60))
    treatment = series((day_treatment, 16 * 60), (night_treatment, 8 * 60))
    return production, treatment


def test_night_stop():
    rule = Rule(K.NIGHT_STOP, minutes=120, share=0.3)
    production, treatment = night_series(80.0, 12.0)
    assert episodes(rule, production, treatment, first=6 * 60) == [(K.NIGHT_STOP, 16 * 60, 24 * 60)]
    production, treatment = night_series(80.0, 30.0)  # ratio 0.375: not a stop
    assert episodes(rule, production, treatment, first=6 * 60) == []
    production, treatment = night_series(80.0, 12.0, night_production=OFF)  # production rests too
    assert episodes(rule, production, treatment, first=6 * 60) == []


def test_night_stop_needs_the_whole_day_and_night():
    rule = Rule(K.NIGHT_STOP, minutes=120, share=0.3)
    production, treatment = night_series(80.0, 12.0)
    assert episodes(rule, production[:-1], treatment[:-1], first=6 * 60) == []
    assert episodes(rule, production[1:], treatment[1:], first=6 * 60 + 1) == []


def test_rules_refuse_impossible_parameters():
    with pytest.raises(ValueError):
        Rule(K.TREATMENT_STOPPED, minutes=0)
    with pytest.raises(ValueError):
        Rule(K.IDLING, share=1.5)
    with pytest.raises(ValueError):
        Rule(K.NIGHT_STOP, night_start=6 * 60, night_end=22 * 60)


def test_many_pairs_at_once_equal_one_at_a_time():
    rng = np.random.default_rng(7)
    production = rng.choice([OFF, ON], size=(40, 300), p=[0.2, 0.8])
    production = np.repeat(production[:, ::10], 10, axis=1)  # stretches of ten minutes
    treatment = np.repeat(rng.choice([OFF, ON], size=(40, 30)), 10, axis=1)
    rule = Rule(K.TREATMENT_STOPPED, minutes=20)
    together = evaluate_pairs(rule, production, treatment, 10.0, 10.0)
    alone = [
        Episode(e.kind, pair, e.start, e.end)
        for pair in range(40)
        for e in evaluate_pairs(rule, production[pair], treatment[pair], 10.0, 10.0)
    ]
    assert together == alone


def test_thresholds_may_change_within_the_series():
    production = series((50.0, 100))
    treatment = series((0.0, 100))
    threshold = np.concatenate([np.full(40, 60.0), np.full(60, 40.0)])[None, :]  # production runs from 40
    found = evaluate_pairs(
        Rule(K.TREATMENT_STOPPED, minutes=30), production[None, :], treatment[None, :], threshold, 10.0
    )
    assert [(e.start, e.end) for e in found] == [(40, 100)]


def test_evaluate_series_gives_times():
    start = datetime.datetime(2026, 12, 1, 8, 0)
    production = series((OFF, 10), (ON, 110))
    treatment = series((OFF, 30), (ON, 60), (OFF, 30))
    found = evaluate_series(
        [Rule(K.TREATMENT_STOPPED, minutes=15), Rule(K.LATE_START, minutes=15)],
        start,
        production,
        treatment,
        10,
        10,
    )
    assert [(e.kind, e.start.strftime("%H:%M"), e.end.strftime("%H:%M")) for e in found] == [
        (K.LATE_START, "08:10", "08:30"),
        (K.TREATMENT_STOPPED, "08:10", "08:30"),
        (K.TREATMENT_STOPPED, "09:30", "10:00"),
    ]


# --- an independent reference: the rules' text, minute by minute ---


def reference(rule, production, treatment, rated):
    n = len(production)

    def state(value):
        return None if math.isnan(value) else bool(value >= 10.0)

    p = [state(v) for v in production]
    t = [state(v) for v in treatment]
    if rule.kind == K.IDLING:
        cond = [p[i] is True and t[i] is True and treatment[i] < rule.share * rated for i in range(n)]
    else:
        cond = [p[i] is True and t[i] is False for i in range(n)]
    found, i = [], 0
    while i < n:
        if not cond[i]:
            i += 1
            continue
        j = i
        while j < n and cond[j]:
            j += 1
        if j - i >= rule.minutes:
            keep = True
            if rule.kind == K.LATE_START:
                keep = i > 0 and p[i - 1] is False and j < n and p[j] is True and t[j] is True
            elif rule.kind == K.EARLY_STOP:
                keep = i > 0 and p[i - 1] is True and t[i - 1] is True and j < n and p[j] is False
            if keep:
                found.append((rule.kind, i, j))
        i = j
    return found


stretch = st.tuples(st.sampled_from([0.0, 5.0, 12.0, 50.0, math.nan]), st.integers(1, 40))


@settings(max_examples=150, deadline=None)
@given(
    st.lists(stretch, min_size=1, max_size=12),
    st.lists(stretch, min_size=1, max_size=12),
    st.sampled_from([K.TREATMENT_STOPPED, K.LATE_START, K.EARLY_STOP, K.IDLING]),
    st.integers(1, 30),
)
def test_kernel_equals_the_reference(production_parts, treatment_parts, kind, minutes):
    production, treatment = series(*production_parts), series(*treatment_parts)
    n = min(len(production), len(treatment))
    production, treatment = production[:n], treatment[:n]
    rule = Rule(kind, minutes=minutes, share=0.5)
    assert episodes(rule, production, treatment, rated=[60.0]) == reference(rule, production, treatment, 60.0)
