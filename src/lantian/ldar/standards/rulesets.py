"""The rule sets an enterprise's LDAR programme is judged by: leak thresholds and detection intervals.

Seed data, one row per rule set, meant to be copied into an editable per-enterprise table; the
kernel functions read these defaults.

Material states and the standards' two classes of leak threshold. GB 37822-2019 §8.2 (泄漏认定)
distinguishes "gas/vapour and volatile organic liquid" (气体/蒸气、挥发性有机液体) from "other"
(其他, i.e. the other, heavy liquids); GB 31571-2015 and DB44/2367-2022 use the same two classes.
GB 37822-2019 §3 defines a volatile organic liquid (挥发性有机液体) by a true vapour pressure above
0.3 kPa at 20 °C, which is the definition of a light liquid (轻液体). So:

    gas           -> gas/vapour and volatile organic liquid (the higher threshold)
    light_liquid  -> gas/vapour and volatile organic liquid (the higher threshold)
    heavy_liquid  -> other liquid                           (the lower threshold)
"""

from __future__ import annotations

from dataclasses import dataclass

GAS = "gas"
LIGHT_LIQUID = "light_liquid"
HEAVY_LIQUID = "heavy_liquid"
MATERIAL_STATES: tuple[str, ...] = (GAS, LIGHT_LIQUID, HEAVY_LIQUID)
VOLATILE_STATES = frozenset({GAS, LIGHT_LIQUID})  # "气体/蒸气、挥发性有机液体"


@dataclass(frozen=True)
class RuleSet:
    code: str
    name: str
    standard: str
    # Leak thresholds, μmol/mol of the net value: a leak is net ≥ threshold.
    volatile_threshold: int  # gas/vapour and volatile organic liquid (gas, light liquid)
    other_threshold: int  # other liquid (heavy liquid)
    threshold_source: str
    # Detection intervals in months: GB 37822-2019 §8.3.1 a) pumps, compressors, agitators, valves,
    # open-ended valves or lines, pressure-relief devices, sampling connections; b) flanges, other
    # connectors and other sealing devices.
    listed_months: int  # class a)
    connector_months: int  # class b)
    frequency_source: str


RULE_SETS: tuple[RuleSet, ...] = (
    RuleSet(
        "GB37822",
        "GB 37822-2019 一般地区",
        "GB 37822-2019",
        5000,
        2000,
        "GB 37822-2019 §8.2 泄漏认定浓度 (general areas)",
        6,
        12,
        "GB 37822-2019 §8.3.1",
    ),
    RuleSet(
        "GB37822_KEY",
        "GB 37822-2019 重点地区",
        "GB 37822-2019",
        2000,
        500,
        "GB 37822-2019 §8.2 泄漏认定浓度, 重点地区特别控制要求",
        # The key-area special requirements lower the thresholds only; §8.3.1 sets one frequency.
        6,
        12,
        "GB 37822-2019 §8.3.1",
    ),
    RuleSet(
        "GB31571",
        "GB 31571-2015 石油化学工业",
        "GB 31571-2015",
        2000,
        500,
        "GB 31571-2015 设备与管线组件泄漏认定 (specs/ldar.md §3)",
        # Half of GB 37822's intervals: class a) every 3 months, class b) every 6 months.
        3,
        6,
        "GB 31571-2015 设备与管线组件泄漏检测频次",
    ),
    RuleSet(
        "DB44_2367",
        "DB44/2367-2022 广东省",
        "DB44/2367-2022",
        500,
        100,
        "DB44/2367-2022 设备与管线组件泄漏认定 (specs/ldar.md §3)",
        # specs/ldar.md gives no detection frequency of its own for DB44/2367: GB 37822-2019 §8.3.1
        # applies, as the national standard the provincial one tightens. Edit the enterprise's copy
        # of this row if the provincial text asks for more.
        6,
        12,
        "GB 37822-2019 §8.3.1 (specs/ldar.md: no DB44/2367 frequency)",
    ),
)
BY_CODE = {rule.code: rule for rule in RULE_SETS}
RULE_SET_CODES: tuple[str, ...] = tuple(BY_CODE)


def get_rule_set(code: str) -> RuleSet:
    try:
        return BY_CODE[code]
    except (KeyError, TypeError):
        raise ValueError(f"unknown rule set {code!r}; expected one of {RULE_SET_CODES}") from None


def check_material_state(state: str) -> str:
    if not isinstance(state, str) or state not in MATERIAL_STATES:
        raise ValueError(f"unknown material state {state!r}; expected one of {MATERIAL_STATES}")
    return state
