"""Coefficients kept as data (specs/ldar.md §4: "keep all coefficients as editable seed data with
source"): the vectorised forms take an installation's table; the guide's table is the default."""

from datetime import datetime

import numpy as np
import pytest

from lantian.ldar import standards as s
from lantian.ldar.standards.emissions import emission_rate_by_index

START, END = datetime(2026, 1, 1), datetime(2026, 2, 1)


def test_the_guides_table_rebuilt_from_its_cells_gives_the_scalar_rates():
    rebuilt = s.Coefficients.from_cells(s.GUIDE_COEFFICIENTS.cells())
    sv = np.array([0.0, 0.5, 1.0, 37.5, 1_000.0, 49_999.9, 50_000.0, 1e6])
    for industry in s.INDUSTRIES:
        for t, code in enumerate(s.TYPE_CODES):
            for m, state in enumerate(s.MATERIAL_STATES):
                scalar = [s.emission_rate(v, code, state, industry) for v in sv]
                assert emission_rate_by_index(sv, t, m, industry, rebuilt).tolist() == scalar
                assert s.average_factor_by_index(t, m, industry, rebuilt) == s.average_emission_factor(
                    code, state, industry
                )


def test_an_edited_cell_changes_that_cell_only():
    cells = s.GUIDE_COEFFICIENTS.cells()
    cells[("refining", "valve", "gas")] = {**cells[("refining", "valve", "gas")], "a": 4.58e-06}
    edited = s.Coefficients.from_cells(cells)
    t, gas, liquid = s.TYPE_CODES.index("valve"), s.MATERIAL_STATES.index("gas"), 1
    sv = np.array([100.0])
    guide = emission_rate_by_index(sv, t, gas, "refining")
    assert emission_rate_by_index(sv, t, gas, "refining", edited)[0] == pytest.approx(2 * guide[0])
    assert emission_rate_by_index(sv, t, liquid, "refining", edited) == emission_rate_by_index(
        sv, t, liquid, "refining"
    )
    # below 1 μmol/mol the cell's own default-zero rate applies, whatever a is
    assert emission_rate_by_index(np.array([0.0]), t, gas, "refining", edited).tolist() == [7.8e-06]


def test_period_emissions_follow_the_table_given():
    cells = s.GUIDE_COEFFICIENTS.cells()
    for key in cells:
        cells[key] = {**cells[key], "a": cells[key]["a"] * 3}
    tripled = s.Coefficients.from_cells(cells)
    times = np.array([datetime(2026, 1, 10), datetime(2026, 1, 20)], dtype="datetime64[us]")
    args = {"component_types": ["flange"], "material_states": ["gas"], "industry": "petrochemical"}
    guide = s.period_emissions_array([0, 0], times, [500.0, 800.0], START, END, **args)
    ours = s.period_emissions_array([0, 0], times, [500.0, 800.0], START, END, coefficients=tripled, **args)
    assert ours[0] == pytest.approx(3 * guide[0])
    scalar = s.period_emissions(
        [(datetime(2026, 1, 10), 500.0), (datetime(2026, 1, 20), 800.0)], START, END,
        component_type="flange", material_state="gas", industry="petrochemical",
    )  # fmt: skip
    assert guide[0] == scalar


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"a": -1.0}, "a of .* must be > 0"),
        ({"pegged": float("nan")}, "pegged of .* must be > 0"),
        ({"average_factor": 0.0}, "average_factor of .* must be > 0"),
    ],
)
def test_a_bad_coefficient_is_refused_with_its_cell(change, message):
    cells = s.GUIDE_COEFFICIENTS.cells()
    key = ("petrochemical", "pump", "light_liquid")
    cells[key] = {**cells[key], **change}
    with pytest.raises(ValueError, match=message):
        s.Coefficients.from_cells(cells)


def test_a_table_missing_a_cell_is_refused():
    cells = s.GUIDE_COEFFICIENTS.cells()
    del cells[("refining", "other", "heavy_liquid")]
    with pytest.raises(ValueError, match=r"no coefficients for .*refining.*other.*heavy_liquid"):
        s.Coefficients.from_cells(cells)
