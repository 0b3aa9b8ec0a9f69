"""Emission rate of a seal point from its net screening value (kg/h), and which method produced it.

The approach and its coefficients are in ``factors`` (2015 petrochemical LDAR guide, EPA-453/R-95-017).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from .codes import code_index
from .components import COMPONENT_TYPES, check_component_type
from .factors import AVERAGE_FACTORS, CORRELATIONS, INDUSTRIES, AverageFactor, Correlation
from .rulesets import MATERIAL_STATES, check_material_state

DEFAULT_ZERO_BELOW = 1.0  # SV < 1 μmol/mol: default-zero rate
PEGGED_FROM = 50_000.0  # SV ≥ 50,000 μmol/mol: pegged rate

# What produced a figure, so that a reviewer can audit it (specs/ldar.md §4).
DEFAULT_ZERO = "default_zero"
CORRELATION = "correlation"
PEGGED = "pegged"
AVERAGE_FACTOR = "average_factor"
METHODS: tuple[str, ...] = (DEFAULT_ZERO, CORRELATION, PEGGED, AVERAGE_FACTOR)

TYPE_CODES: tuple[str, ...] = tuple(component.code for component in COMPONENT_TYPES)


def check_industry(industry: str) -> str:
    if not isinstance(industry, str) or industry not in INDUSTRIES:
        raise ValueError(f"unknown industry {industry!r}; expected one of {INDUSTRIES}")
    return industry


def _cells(rows) -> dict[tuple[str, str, str], int]:
    """(industry, type, state) -> the index of the one row that covers it."""
    cells: dict[tuple[str, str, str], int] = {}
    for index, row in enumerate(rows):
        for component_type in row.component_types:
            for state in row.material_states:
                key = (row.industry, component_type, state)
                if key in cells:
                    raise ValueError(f"two rows cover {key}")
                cells[key] = index
    expected = {(i, t, s) for i in INDUSTRIES for t in TYPE_CODES for s in MATERIAL_STATES}
    if set(cells) != expected:
        raise ValueError(f"rows missing for {sorted(expected - set(cells))}")
    return cells


_CORRELATION_CELLS = _cells(CORRELATIONS)
_AVERAGE_CELLS = _cells(AVERAGE_FACTORS)

Cell = tuple[str, str, str]  # (industry, component type, material state)
COEFFICIENT_NAMES = ("a", "b", "default_zero", "pegged", "average_factor")


@dataclass(frozen=True)
class Coefficients:
    """Every coefficient by cell, as arrays indexed [industry, type, state] (``INDUSTRIES``,
    ``TYPE_CODES``, ``MATERIAL_STATES``), for the vectorised forms. ``GUIDE_COEFFICIENTS`` holds the
    guide's values; an installation that keeps edited values as data builds its own with ``from_cells``."""

    a: np.ndarray
    b: np.ndarray
    default_zero: np.ndarray
    pegged: np.ndarray
    average_factor: np.ndarray

    @classmethod
    def from_cells(cls, cells: Mapping[Cell, Mapping[str, float]]) -> Coefficients:
        """From ``{(industry, type, state): {"a": …, "b": …, "default_zero": …, "pegged": …,
        "average_factor": …}}``, which must cover every cell with finite numbers ≥ 0 (rates > 0)."""
        shape = (len(INDUSTRIES), len(TYPE_CODES), len(MATERIAL_STATES))
        grids = {name: np.full(shape, np.nan) for name in COEFFICIENT_NAMES}
        for (industry, component_type, state), values in cells.items():
            at = (
                INDUSTRIES.index(check_industry(industry)),
                TYPE_CODES.index(check_component_type(component_type)),
                MATERIAL_STATES.index(check_material_state(state)),
            )
            for name in COEFFICIENT_NAMES:
                value = float(values[name])
                if not math.isfinite(value) or value < 0 or (value == 0 and name != "b"):
                    raise ValueError(
                        f"{name} of {(industry, component_type, state)} must be > 0, not {value!r}"
                    )
                grids[name][at] = value
        missing = np.argwhere(np.isnan(grids["a"]))
        if missing.size:
            i, t, m = missing[0]
            raise ValueError(f"no coefficients for {(INDUSTRIES[i], TYPE_CODES[t], MATERIAL_STATES[m])}")
        return cls(**grids)

    def cells(self) -> dict[Cell, dict[str, float]]:
        return {
            (industry, component_type, state): {
                name: float(getattr(self, name)[i, t, m]) for name in COEFFICIENT_NAMES
            }
            for i, industry in enumerate(INDUSTRIES)
            for t, component_type in enumerate(TYPE_CODES)
            for m, state in enumerate(MATERIAL_STATES)
        }


def _guide_cells() -> dict[Cell, dict[str, float]]:
    cells = {}
    for key, row in _CORRELATION_CELLS.items():
        correlation_row = CORRELATIONS[row]
        cells[key] = {
            "a": correlation_row.a,
            "b": correlation_row.b,
            "default_zero": correlation_row.default_zero,
            "pegged": correlation_row.pegged,
            "average_factor": AVERAGE_FACTORS[_AVERAGE_CELLS[key]].factor,
        }
    return cells


GUIDE_COEFFICIENTS = Coefficients.from_cells(_guide_cells())


def correlation(component_type: str, material_state: str, industry: str) -> Correlation:
    """The coefficient row that applies to a seal point."""
    key = (
        check_industry(industry),
        check_component_type(component_type),
        check_material_state(material_state),
    )
    return CORRELATIONS[_CORRELATION_CELLS[key]]


def average_factor(component_type: str, material_state: str, industry: str) -> AverageFactor:
    """The average emission factor row that applies to a seal point (inaccessible, or not detected)."""
    key = (
        check_industry(industry),
        check_component_type(component_type),
        check_material_state(material_state),
    )
    return AVERAGE_FACTORS[_AVERAGE_CELLS[key]]


def average_emission_factor(component_type: str, material_state: str, industry: str) -> float:
    """The average emission factor in kg/h (EPA-453/R-95-017 Table 2-1 or 2-2)."""
    return average_factor(component_type, material_state, industry).factor


def emission_method(sv: float) -> str:
    """Which method gives the rate of a detected point: default-zero, correlation or pegged."""
    value = check_screening_value(sv)
    if value < DEFAULT_ZERO_BELOW:
        return DEFAULT_ZERO
    if value >= PEGGED_FROM:
        return PEGGED
    return CORRELATION


def emission_rate(sv: float, component_type: str, material_state: str, industry: str) -> float:
    """The emission rate in kg/h of a seal point whose net screening value is ``sv`` μmol/mol."""
    row = correlation(component_type, material_state, industry)
    method = emission_method(sv)
    if method == DEFAULT_ZERO:
        return row.default_zero
    if method == PEGGED:
        return row.pegged
    return row.a * _power(float(sv), row.b)


def emission_method_array(sv) -> np.ndarray:
    """``emission_method`` element-wise: an array of method names."""
    values = check_screening_values(sv)
    names = np.array((DEFAULT_ZERO, CORRELATION, PEGGED))
    return names[(values >= DEFAULT_ZERO_BELOW).astype(np.intp) + (values >= PEGGED_FROM)]


def emission_rate_array(sv, component_types, material_states, industry: str) -> np.ndarray:
    """``emission_rate`` element-wise; ``component_types`` and ``material_states`` are one code or an
    array of codes, broadcast against ``sv``. Agrees exactly with the scalar function."""
    return emission_rate_by_index(
        check_screening_values(sv),
        code_index(component_types, TYPE_CODES, check_component_type),
        code_index(material_states, MATERIAL_STATES, check_material_state),
        industry,
    )


def emission_rate_by_index(
    values: np.ndarray,
    types: np.ndarray,
    states: np.ndarray,
    industry: str,
    coefficients: Coefficients | None = None,
) -> np.ndarray:
    """``emission_rate_array`` of checked screening values, with types and states given as positions
    in ``TYPE_CODES`` and ``MATERIAL_STATES``; the guide's coefficients unless others are given."""
    table = coefficients or GUIDE_COEFFICIENTS
    values, types, states = np.broadcast_arrays(values, types, states)
    industry_at = INDUSTRIES.index(check_industry(industry))
    a, b = table.a[industry_at][types, states], table.b[industry_at][types, states]
    correlated = a * np.power(np.ascontiguousarray(values), np.ascontiguousarray(b))
    return np.where(
        values < DEFAULT_ZERO_BELOW,
        table.default_zero[industry_at][types, states],
        np.where(values >= PEGGED_FROM, table.pegged[industry_at][types, states], correlated),
    )


def average_factor_by_index(
    types: np.ndarray, states: np.ndarray, industry: str, coefficients: Coefficients | None = None
) -> np.ndarray:
    """The average emission factor (kg/h) of points given by type and state positions."""
    table = coefficients or GUIDE_COEFFICIENTS
    return table.average_factor[INDUSTRIES.index(check_industry(industry))][types, states]


def _power(value: float, exponent: float) -> float:
    # numpy's power (SIMD, e.g. SVML) and libm's pow may differ in the last bit; the scalar form uses
    # numpy's on arrays like the vectorised form so that both agree exactly.
    return float(np.power(np.array([value]), np.array([exponent]))[0])


def check_screening_value(sv) -> float:
    if sv is None or isinstance(sv, bool):
        raise ValueError(f"screening value is missing or not a number: {sv!r}")
    try:
        value = float(sv)
    except (TypeError, ValueError):
        raise ValueError(f"screening value is not a number: {sv!r}") from None
    if not math.isfinite(value) or value < 0:
        raise ValueError(f"screening value must be a finite number ≥ 0, not {sv!r}")
    return value


def check_screening_values(sv) -> np.ndarray:
    try:
        values = np.asarray(sv, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError("screening values must be numbers") from None
    bad = ~np.isfinite(values) | (values < 0)
    if bad.any():
        at = tuple(np.argwhere(bad)[0].tolist())
        raise ValueError(f"screening value at index {at} must be a finite number ≥ 0, not {values[at]!r}")
    return values
