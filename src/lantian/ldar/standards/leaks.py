"""Leak decision: net value against the rule set's threshold for the material state.

GB 37822-2019 §8.2 b): a seal point leaks when its detection value, net of the ambient background
(环境本底值, HJ 733-2014), reaches the leak-definition concentration. A leak is net ≥ threshold.
"""

from __future__ import annotations

import math

import numpy as np

from .codes import code_index
from .rulesets import MATERIAL_STATES, VOLATILE_STATES, check_material_state, get_rule_set


def leak_threshold(rule_set: str, material_state: str) -> int:
    """The leak threshold in μmol/mol for a material state under a rule set (see ``rulesets``)."""
    rule = get_rule_set(rule_set)
    state = check_material_state(material_state)
    return rule.volatile_threshold if state in VOLATILE_STATES else rule.other_threshold


def net_value(reading: float, background: float) -> float:
    """The reading minus the background, floored at 0 (μmol/mol)."""
    difference = _number(reading, "reading") - _number(background, "background")
    return difference if difference > 0 else 0.0


def is_leak(net: float, threshold: float) -> bool:
    """Whether a net value is a leak: it reaches the threshold (≥)."""
    return _number(net, "net value") >= _number(threshold, "threshold")


def leak_threshold_array(rule_set: str, material_states) -> np.ndarray:
    """``leak_threshold`` for an array of material states: an int64 array of the same shape."""
    thresholds = np.array([leak_threshold(rule_set, state) for state in MATERIAL_STATES], dtype=np.int64)
    return thresholds[code_index(material_states, MATERIAL_STATES, check_material_state)]


def net_value_array(readings, backgrounds) -> np.ndarray:
    """``net_value`` element-wise (broadcasting): a float64 array."""
    difference = _numbers(readings, "reading") - _numbers(backgrounds, "background")
    return np.where(difference > 0, difference, 0.0)


def is_leak_array(net, threshold) -> np.ndarray:
    """``is_leak`` element-wise (broadcasting): a bool array."""
    return _numbers(net, "net value") >= _numbers(threshold, "threshold")


def _number(value, name: str) -> float:
    if value is None or isinstance(value, bool):
        raise ValueError(f"{name} is missing or not a number: {value!r}")
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} is not a number: {value!r}") from None
    if math.isnan(number):
        raise ValueError(f"{name} is not a number: {value!r}")
    return number


def _numbers(values, name: str) -> np.ndarray:
    try:
        array = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(f"{name}s must be numbers") from None
    if np.isnan(array).any():
        at = np.argwhere(np.isnan(array))[0]
        raise ValueError(f"{name} at index {tuple(at.tolist())} is not a number")
    return array
