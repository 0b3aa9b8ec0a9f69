"""Emission coefficients of seal points, as data: correlation equations and average factors (kg/h).

Method of 《石化行业VOCs污染源排查工作指南》 (2015, "the 2015 petrochemical LDAR guide"), which takes
the correlation approach of EPA-453/R-95-017 "Protocol for Equipment Leak Emission Estimates" (1995):
for a net screening value SV (μmol/mol) of a detected point,

    SV < 1               default-zero rate
    1 ≤ SV < 50,000      correlation equation  rate = a · SV^b
    SV ≥ 50,000          pegged rate (the rate EPA pegs at 100,000)

with one coefficient set for petroleum refining (石油炼制) and one for petrochemicals (石油化工).
Inaccessible points and points not detected in the period take the average emission factor of their
type and material state: EPA-453/R-95-017 Table 2-1 (SOCMI) for petrochemicals, Table 2-2
(refineries) for refining.

Every seal-point type of ``components`` and every material state has exactly one row per industry.
Where the tables do not name a type or state, the row's ``note`` says which row it takes and why.
Seed data: rows to be copied into an editable table; the kernel reads these defaults.
"""

from __future__ import annotations

from dataclasses import dataclass

from .rulesets import GAS, HEAVY_LIQUID, LIGHT_LIQUID, MATERIAL_STATES

REFINING = "refining"
PETROCHEMICAL = "petrochemical"
INDUSTRIES: tuple[str, ...] = (REFINING, PETROCHEMICAL)

ALL_STATES = MATERIAL_STATES
GUIDE = "石化行业VOCs污染源排查工作指南 (2015), EPA-453/R-95-017 correlation approach"


@dataclass(frozen=True)
class Correlation:
    industry: str
    name: str
    component_types: tuple[str, ...]
    material_states: tuple[str, ...]
    a: float  # rate = a · SV^b, kg/h
    b: float
    default_zero: float  # kg/h for SV < 1
    pegged: float  # kg/h for SV ≥ 50,000
    source: str
    note: str = ""


@dataclass(frozen=True)
class AverageFactor:
    industry: str
    name: str
    component_types: tuple[str, ...]
    material_states: tuple[str, ...]
    factor: float  # kg/h per source
    source: str
    note: str = ""


_REFINING_SOURCE = f"{GUIDE}, 石油炼制 (refinery)"
_PETROCHEMICAL_SOURCE = f"{GUIDE}, 石油化工 (SOCMI)"
_OTHERS_NOTE = "every type the other rows do not name, including sampling connections"
_LIQUID_VALVE_NOTE = "heavy-liquid valves take it too: the guide has no heavy-liquid valve equation"
_LIQUIDS = (LIGHT_LIQUID, HEAVY_LIQUID)


def _correlations(industry: str, source: str, rows: tuple) -> tuple[Correlation, ...]:
    return tuple(Correlation(industry, *row[:7], source, *row[7:]) for row in rows)


# (name, component types, material states, a, b, default-zero, pegged[, note]); kg/h, SV in μmol/mol.
CORRELATIONS: tuple[Correlation, ...] = _correlations(
    REFINING,
    _REFINING_SOURCE,
    (
        ("valves", ("valve",), ALL_STATES, 2.29e-06, 0.746, 7.8e-06, 0.14),
        ("pump seals", ("pump",), ALL_STATES, 5.03e-05, 0.610, 2.4e-05, 0.16),
        (
            "compressors, agitators, relief valves, others",
            ("compressor", "agitator", "relief", "sampling", "other"),
            ALL_STATES,
            1.36e-05,
            0.589,
            4.0e-06,
            0.11,
            _OTHERS_NOTE,
        ),
        ("threaded connectors", ("connector",), ALL_STATES, 1.53e-06, 0.735, 7.5e-06, 0.030),
        ("flanges", ("flange",), ALL_STATES, 4.61e-06, 0.703, 3.1e-07, 0.084),
        ("open-ended lines", ("open_ended",), ALL_STATES, 2.20e-06, 0.704, 2.0e-06, 0.079),
    ),
) + _correlations(
    PETROCHEMICAL,
    _PETROCHEMICAL_SOURCE,
    (
        ("gas valves", ("valve",), (GAS,), 1.87e-06, 0.873, 6.6e-07, 0.11),
        ("light-liquid valves", ("valve",), _LIQUIDS, 6.41e-06, 0.797, 4.9e-07, 0.15, _LIQUID_VALVE_NOTE),
        (
            "pumps, compressors, agitators, relief valves",
            ("pump", "compressor", "agitator", "relief"),
            ALL_STATES,
            1.90e-05,
            0.824,
            7.5e-06,
            0.62,
        ),
        ("flanges and connectors", ("flange", "connector"), ALL_STATES, 3.05e-06, 0.885, 6.1e-07, 0.22),
        ("open-ended lines", ("open_ended",), ALL_STATES, 2.20e-06, 0.704, 2.0e-06, 0.079),
        ("others", ("sampling", "other"), ALL_STATES, 1.36e-05, 0.589, 4.0e-06, 0.11, _OTHERS_NOTE),
    ),
)

_SOCMI = "EPA-453/R-95-017 Table 2-1 (SOCMI average emission factors)"
_REFINERY = "EPA-453/R-95-017 Table 2-2 (refinery average emission factors)"
_VOLATILE = (GAS, LIGHT_LIQUID)
_PUMP_NOTE = (
    "agitator seals take the pump-seal factor (Table 2-1 footnote); a pump or agitator in gas service "
    "takes the light-liquid factor (gas and volatile liquid are one class, GB 37822-2019 §8.2)"
)
_ANY_STATE_NOTE = "the table lists gas service only; the factor applies whatever the recorded state"
_FLANGE_NOTE = "flanges are connectors in this table"
_OTHER_NOTE = (
    "other sealing devices have no row; they take the relief-valve factor, the type they share an "
    "equation with in the correlation approach"
)


def _average_factors(industry: str, source: str, factors: tuple[float, ...]) -> tuple[AverageFactor, ...]:
    gas_valve, ll_valve, hl_valve, ll_pump, hl_pump, compressor, relief, connector, open_ended, sampling = (
        factors
    )
    rows = (
        ("valves, gas", ("valve",), (GAS,), gas_valve, ""),
        ("valves, light liquid", ("valve",), (LIGHT_LIQUID,), ll_valve, ""),
        ("valves, heavy liquid", ("valve",), (HEAVY_LIQUID,), hl_valve, ""),
        ("pump seals, light liquid", ("pump", "agitator"), _VOLATILE, ll_pump, _PUMP_NOTE),
        ("pump seals, heavy liquid", ("pump", "agitator"), (HEAVY_LIQUID,), hl_pump, _PUMP_NOTE),
        ("compressor seals, gas", ("compressor",), ALL_STATES, compressor, _ANY_STATE_NOTE),
        ("pressure relief valves, gas", ("relief",), ALL_STATES, relief, _ANY_STATE_NOTE),
        ("pressure relief valves, gas", ("other",), ALL_STATES, relief, _OTHER_NOTE),
        ("connectors", ("connector", "flange"), ALL_STATES, connector, _FLANGE_NOTE),
        ("open-ended lines", ("open_ended",), ALL_STATES, open_ended, ""),
        ("sampling connections", ("sampling",), ALL_STATES, sampling, ""),
    )
    return tuple(
        AverageFactor(industry, name, types, states, value, source, note)
        for name, types, states, value, note in rows
    )


AVERAGE_FACTORS: tuple[AverageFactor, ...] = _average_factors(
    PETROCHEMICAL, _SOCMI, (0.00597, 0.00403, 0.00023, 0.0199, 0.00862, 0.228, 0.104, 0.00183, 0.0017, 0.0150)
) + _average_factors(
    REFINING, _REFINERY, (0.0268, 0.0109, 0.00023, 0.114, 0.021, 0.636, 0.16, 0.00025, 0.0023, 0.0150)
)
