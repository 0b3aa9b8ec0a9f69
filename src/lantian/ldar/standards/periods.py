"""Emissions of seal points over a period (kg), by the mid-point method, minus shutdown hours.

specs/ldar.md §4 after the 2015 petrochemical LDAR guide: between two readings of a point, each
reading's rate applies for half the interval (the boundary is the calendar mid-point of the two
readings); before the first and after the last reading in the period, that reading's rate. Only the
unit's operating hours count: the hours of recorded shutdowns (装置开停工, possibly overlapping each
other or reaching outside the period) are taken out of each reading's share.

Conventions (stated here because the guide is silent):
- readings are (time, net value) pairs in any order; only those with start ≤ time ≤ end count;
- two readings of a point at the same instant: the higher net value counts;
- a point without a reading in the period gives 0.0 here: the caller charges it the average
  emission factor × ``operating_hours`` (``emissions.average_emission_factor``), and reports the
  method as ``average_factor``;
- a plain date means its midnight (00:00); time is counted in whole microseconds, so the scalar and the
  vectorised forms agree exactly.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta

import numpy as np

from .codes import code_index
from .components import check_component_type
from .emissions import (
    TYPE_CODES,
    Coefficients,
    check_industry,
    check_screening_value,
    check_screening_values,
    correlation,
    emission_rate,
    emission_rate_by_index,
)
from .rulesets import MATERIAL_STATES, check_material_state

US_PER_HOUR = 3_600_000_000
_MICROSECOND = timedelta(microseconds=1)


def operating_hours(start, end, shutdowns: Iterable = ()) -> float:
    """Hours from ``start`` to ``end`` outside the shutdowns."""
    start, span = _period(start, end)
    down = _shutdown_spans(shutdowns, start, span)
    return (span - _down_until(span, down)) / US_PER_HOUR


def period_emissions(
    readings: Iterable,
    start,
    end,
    *,
    component_type: str,
    material_state: str,
    industry: str,
    shutdowns: Iterable = (),
) -> float:
    """kg emitted by one seal point from ``start`` to ``end``, from its ``(datetime, net value)``
    readings (see the module's conventions)."""
    correlation(component_type, material_state, industry)  # unknown codes fail even without readings
    start, span = _period(start, end)
    down = _shutdown_spans(shutdowns, start, span)
    highest: dict[int, float] = {}
    for number, reading in enumerate(readings, start=1):
        when, net = _pair(reading, f"reading {number}")
        at = _offset(when, start, f"reading {number} time")
        try:
            value = check_screening_value(net)
        except ValueError as error:
            raise ValueError(f"reading {number}: {error}") from None
        if 0 <= at <= span and value > highest.get(at, -1.0):
            highest[at] = value
    times = sorted(highest)
    total = 0.0
    for position, at in enumerate(times):
        low = 0 if position == 0 else _midpoint(times[position - 1], at)
        high = span if position == len(times) - 1 else _midpoint(at, times[position + 1])
        counted = (high - low) - (_down_until(high, down) - _down_until(low, down))
        total += emission_rate(highest[at], component_type, material_state, industry) * (
            counted / US_PER_HOUR
        )
    return total


def period_emissions_array(
    points,
    times,
    values,
    start,
    end,
    *,
    component_types,
    material_states,
    industry: str,
    shutdowns: Iterable = (),
    coefficients: Coefficients | None = None,
) -> np.ndarray:
    """``period_emissions`` of many points at once: kg per point, equal to the scalar results.

    ``component_types`` and ``material_states`` hold one code per point (or one code for every
    point); reading ``i`` is ``values[i]`` (net, μmol/mol) at ``times[i]`` of point ``points[i]``, an
    index into them. ``times`` is a datetime64 array (UTC if ``start`` and ``end`` are aware) or a
    sequence of datetimes. The shutdowns are common to all the points: call once per unit.
    ``coefficients`` replaces the guide's (an installation's edited values, ``Coefficients``).
    """
    check_industry(industry)
    start, span = _period(start, end)
    down = _shutdown_spans(shutdowns, start, span)
    types = code_index(component_types, TYPE_CODES, check_component_type)
    states = code_index(material_states, MATERIAL_STATES, check_material_state)
    points = np.asarray(points, dtype=np.int64).ravel()
    if types.ndim == states.ndim == 0:  # one code each for every point
        count = int(points.max(initial=-1)) + 1
    else:
        (count,) = np.broadcast_shapes(np.shape(types), np.shape(states), (1,))
    types, states = np.broadcast_to(types, (count,)), np.broadcast_to(states, (count,))
    values = check_screening_values(values).ravel()
    at = _offsets(times, start)
    if not (points.size == values.size == at.size):
        raise ValueError(
            f"points, times and values differ in length: {points.size}, {at.size}, {values.size}"
        )
    if points.size and (points.min() < 0 or points.max() >= count):
        raise ValueError(f"point indexes must lie in 0..{count - 1}")

    inside = (at >= 0) & (at <= span)
    points, at, values = points[inside], at[inside], values[inside]
    if not points.size:
        return np.zeros(count)
    order = np.argsort(at, kind="stable")  # two stable sorts: by point, then time (faster than lexsort)
    order = order[np.argsort(points[order], kind="stable")]
    points, at, values = points[order], at[order], values[order]
    # Of readings of a point at the same instant the highest counts.
    instants = np.flatnonzero(np.r_[True, (points[1:] != points[:-1]) | (at[1:] != at[:-1])])
    points, at, values = points[instants], at[instants], np.maximum.reduceat(values, instants)

    first = np.ones(points.size, dtype=bool)
    first[1:] = points[1:] != points[:-1]
    last = np.ones(points.size, dtype=bool)
    last[:-1] = first[1:]
    middle = at[:-1] + (at[1:] - at[:-1]) // 2
    low = np.zeros(points.size, dtype=np.int64)
    low[1:] = np.where(first[1:], 0, middle)
    high = np.full(points.size, span, dtype=np.int64)
    high[:-1] = np.where(last[:-1], span, middle)
    counted = (high - low) - (_down_until_array(high, down) - _down_until_array(low, down))
    rates = emission_rate_by_index(values, types[points], states[points], industry, coefficients)
    shares = rates * (counted / US_PER_HOUR)

    # bincount adds the weights one by one in array order, i.e. each point's shares in time order
    # from 0.0, as the scalar form does: the totals agree exactly (the property tests check it).
    return np.bincount(points, weights=shares, minlength=count)


def _midpoint(earlier: int, later: int) -> int:
    return earlier + (later - earlier) // 2


def _down_until(moment: int, down: list[tuple[int, int]]) -> int:
    """Microseconds of shutdown between the period start and ``moment``."""
    return sum(min(moment, high) - low for low, high in down if low < moment)


def _down_until_array(moments: np.ndarray, down: list[tuple[int, int]]) -> np.ndarray:
    if not down:
        return np.zeros(moments.shape, dtype=np.int64)
    lows = np.array([low for low, _ in down], dtype=np.int64)
    highs = np.array([high for _, high in down], dtype=np.int64)
    before = np.concatenate(([0], np.cumsum(highs - lows)))  # shutdown time before each span
    span = np.searchsorted(lows, moments, side="left") - 1  # the last span starting before the moment
    clipped = np.maximum(span, 0)
    inside = np.minimum(moments, highs[clipped]) - lows[clipped]
    return np.where(span < 0, 0, before[clipped] + inside)


def _shutdown_spans(shutdowns: Iterable, start: datetime, span: int) -> list[tuple[int, int]]:
    """The shutdowns as disjoint, sorted (low, high) microsecond offsets clipped to [0, span]."""
    spans = []
    for number, shutdown in enumerate(shutdowns, start=1):
        begin, finish = _pair(shutdown, f"shutdown {number}")
        low = _offset(begin, start, f"shutdown {number} start")
        high = _offset(finish, start, f"shutdown {number} end")
        if high < low:
            raise ValueError(f"shutdown {number} ends before it starts: {begin!r} – {finish!r}")
        low, high = max(low, 0), min(high, span)
        if low < high:
            spans.append((low, high))
    merged: list[tuple[int, int]] = []
    for low, high in sorted(spans):
        if merged and low <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], high))
        else:
            merged.append((low, high))
    return merged


def _period(start, end) -> tuple[datetime, int]:
    start = _instant(start, "start")
    span = _offset(end, start, "end")
    if span < 0:
        raise ValueError(f"the period ends before it starts: {start!r} – {end!r}")
    return start, span


def _pair(value, name: str) -> tuple:
    try:
        first, second = value
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a pair, not {value!r}") from None
    return first, second


def _instant(value, name: str) -> datetime:
    if isinstance(value, np.datetime64):
        value = value.astype("datetime64[us]").item()
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return datetime.combine(value, time())
    raise TypeError(f"{name} must be a datetime or a date, not {value!r}")


def _offset(value, start: datetime, name: str) -> int:
    """Whole microseconds from ``start`` to ``value``."""
    moment = _instant(value, name)
    try:
        return (moment - start) // _MICROSECOND
    except TypeError:
        raise TypeError(
            f"{name} {moment!r} and the period start {start!r} must both be aware or both naive"
        ) from None


def _offsets(times, start: datetime) -> np.ndarray:
    """Microseconds from ``start`` of each time (datetime64 in UTC when ``start`` is aware)."""
    array = np.asarray(times)
    if array.dtype.kind != "M":
        array = np.array(
            [_naive_utc(_instant(t, f"time {i}")) for i, t in enumerate(array.ravel())],
            dtype="datetime64[us]",
        )
    origin = np.datetime64(_naive_utc(start), "us")
    return (array.astype("datetime64[us]").ravel() - origin).astype(np.int64)


def _naive_utc(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        return moment
    return moment.astimezone(UTC).replace(tzinfo=None)
