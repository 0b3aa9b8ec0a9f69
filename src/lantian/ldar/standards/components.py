"""Seal-point (component) types of GB 37822-2019 and what the standard attaches to them.

GB 37822-2019《挥发性有机物无组织排放控制标准》§8.1 lists the equipment and pipeline components
whose leaks are controlled: pumps, compressors, agitators, valves, open-ended valves or lines,
flanges and other connectors, pressure-relief devices, sampling connection systems and other
sealing devices. Shaft seals of pumps, compressors and agitators are dynamic (动密封点); every other
component is static (静密封点).

Detection frequency, GB 37822-2019 §8.3.1: a) pumps, compressors, agitators, valves, open-ended
valves or lines, pressure-relief devices and sampling connection systems at least every 6 months;
b) flanges and other connectors and other sealing devices at least every 12 months.
"""

from __future__ import annotations

from dataclasses import dataclass

STANDARD = "GB 37822-2019"


@dataclass(frozen=True)
class ComponentType:
    code: str  # stable key, stored in the database
    name: str  # the standard's Chinese name
    english: str
    dynamic: bool  # a dynamic (shaft) seal, §8.1
    period_months: int  # the longest interval between two detections, §8.3.1
    clause: str


COMPONENT_TYPES: tuple[ComponentType, ...] = (
    ComponentType("pump", "泵", "pump", True, 6, "§8.1, §8.3.1 a)"),
    ComponentType("compressor", "压缩机", "compressor", True, 6, "§8.1, §8.3.1 a)"),
    ComponentType("agitator", "搅拌器", "agitator", True, 6, "§8.1, §8.3.1 a)"),
    ComponentType("valve", "阀门", "valve", False, 6, "§8.1, §8.3.1 a)"),
    ComponentType("open_ended", "开口阀或开口管线", "open-ended valve or line", False, 6, "§8.1, §8.3.1 a)"),
    ComponentType("flange", "法兰", "flange", False, 12, "§8.1, §8.3.1 b)"),
    ComponentType("connector", "其他连接件", "other connector", False, 12, "§8.1, §8.3.1 b)"),
    ComponentType("relief", "泄压设备", "pressure-relief device", False, 6, "§8.1, §8.3.1 a)"),
    ComponentType("sampling", "取样连接系统", "sampling connection", False, 6, "§8.1, §8.3.1 a)"),
    ComponentType("other", "其他", "other sealing device", False, 12, "§8.1, §8.3.1 b)"),
)
BY_CODE = {component.code: component for component in COMPONENT_TYPES}
DYNAMIC_CODES = frozenset(c.code for c in COMPONENT_TYPES if c.dynamic)


def is_dynamic(code: str) -> bool:
    """Whether a component type is a dynamic seal (GB 37822-2019 §8.1)."""
    return BY_CODE[code].dynamic


def detection_period_months(code: str) -> int:
    """The detection interval of a component type in months (GB 37822-2019 §8.3.1)."""
    return BY_CODE[code].period_months


def check_component_type(code: str) -> str:
    """The code itself if it names a seal-point type, else a ValueError naming it."""
    if not isinstance(code, str) or code not in BY_CODE:
        raise ValueError(f"unknown component type {code!r}; expected one of {tuple(BY_CODE)}")
    return code
