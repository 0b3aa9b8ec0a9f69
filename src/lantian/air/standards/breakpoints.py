"""IAQI breakpoint tables and report composition: data only, per rule set.

A table lists the concentrations (μg/m³; CO mg/m³) at which an indicator's IAQI takes the values of
``IAQI_SCALE``; a table shorter than the scale stops at the IAQI of its last breakpoint. A revision of
HJ 633 is a new entry in each mapping below.
"""

from collections.abc import Mapping

from .pollutants import Indicator, Period
from .rules import Rules

# HJ 633-2012 表1, row 空气质量分指数 (IAQI); unchanged in HJ 633-2026.
IAQI_SCALE: tuple[int, ...] = (0, 50, 100, 150, 200, 300, 400, 500)

_HJ_633_2012: dict[Indicator, tuple[int, ...]] = {
    ("SO2", "24h"): (0, 50, 150, 475, 800, 1600, 2100, 2620),  # HJ 633-2012 表1
    ("SO2", "1h"): (0, 150, 500, 650, 800),  # HJ 633-2012 表1; > 800 see ABOVE_RANGE
    ("NO2", "24h"): (0, 40, 80, 180, 280, 565, 750, 940),  # HJ 633-2012 表1
    ("NO2", "1h"): (0, 100, 200, 700, 1200, 2340, 3090, 3840),  # HJ 633-2012 表1
    ("PM10", "24h"): (0, 50, 150, 250, 350, 420, 500, 600),  # HJ 633-2012 表1
    ("CO", "24h"): (0, 2, 4, 14, 24, 36, 48, 60),  # HJ 633-2012 表1 (mg/m³)
    ("CO", "1h"): (0, 5, 10, 35, 60, 90, 120, 150),  # HJ 633-2012 表1 (mg/m³)
    ("O3", "1h"): (0, 160, 200, 300, 400, 800, 1000, 1200),  # HJ 633-2012 表1
    ("O3", "8h"): (0, 100, 160, 215, 265, 800),  # HJ 633-2012 表1; > 800 see ABOVE_RANGE
    ("PM2.5", "24h"): (0, 35, 75, 115, 150, 250, 350, 500),  # HJ 633-2012 表1
}

_HJ_633_2026: dict[Indicator, tuple[int, ...]] = _HJ_633_2012 | {
    # HJ 633-2026 表1: IAQI 100 moves to the GB 3095-2026 24-hour limits (specs/air.md, Rules).
    ("PM10", "24h"): (0, 50, 120, 250, 350, 420, 500, 600),
    ("PM2.5", "24h"): (0, 35, 60, 115, 150, 250, 350, 500),
}

BREAKPOINTS: Mapping[Rules, Mapping[Indicator, tuple[int, ...]]] = {
    "2012": _HJ_633_2012,
    "2026": _HJ_633_2026,
}

# PM has no 1-hour table: the real-time PM IAQI is read from the 24-hour breakpoints, fed with the
# 24-hour moving mean under HJ 633-2012 (实时报) and with the 1-hour value under HJ 633-2026.
TABLE_OF: Mapping[Indicator, Indicator] = {
    ("PM10", "1h"): ("PM10", "24h"),
    ("PM2.5", "1h"): ("PM2.5", "24h"),
}

# Above its last breakpoint an indicator's IAQI is the IAQI of that breakpoint (so SO2 1h > 800 → 200
# and O3 8h > 800 → 300 under HJ 633-2026, and 500 for the full tables), except where HJ 633-2012
# reports another indicator's IAQI instead:
ABOVE_RANGE: Mapping[Rules, Mapping[Indicator, Indicator]] = {
    "2012": {
        ("SO2", "1h"): ("SO2", "24h"),  # HJ 633-2012 表1 注(2)
        ("O3", "8h"): ("O3", "1h"),  # HJ 633-2012 表1 注(3)
    },
    "2026": {},  # HJ 633-2026: the top of the table (specs/air.md, Rules)
}

# HJ 633-2026 first rounds concentrations per GB/T 8170 (integers; CO one decimal); HJ 633-2012 uses
# them as they are (None).
CONCENTRATION_DECIMALS: Mapping[Rules, Mapping[str, int] | None] = {
    "2012": None,
    "2026": {"SO2": 0, "NO2": 0, "PM10": 0, "CO": 1, "O3": 0, "PM2.5": 0},
}

# The indicators of an AQI report per rule set and report period ("24h" 日报, "1h" 实时报); the first
# period listed for a pollutant is what a plain pollutant key stands for. HJ 633-2012 5: 日报 uses the
# 24-hour means, the O3 maximum 8-hour and maximum 1-hour means; 实时报 uses the 1-hour values, the O3
# 8-hour moving mean and the PM 24-hour moving means. HJ 633-2026 reads PM from the 1-hour value.
_DAILY: dict[str, tuple[Period, ...]] = {
    "SO2": ("24h",),
    "NO2": ("24h",),
    "PM10": ("24h",),
    "CO": ("24h",),
    "O3": ("8h", "1h"),
    "PM2.5": ("24h",),
}
_REALTIME_2012: dict[str, tuple[Period, ...]] = {
    "SO2": ("1h",),
    "NO2": ("1h",),
    "PM10": ("24h",),
    "CO": ("1h",),
    "O3": ("1h", "8h"),
    "PM2.5": ("24h",),
}
_REALTIME_2026: dict[str, tuple[Period, ...]] = _REALTIME_2012 | {"PM10": ("1h",), "PM2.5": ("1h",)}

REPORT_INDICATORS: Mapping[Rules, Mapping[str, Mapping[str, tuple[Period, ...]]]] = {
    "2012": {"24h": _DAILY, "1h": _REALTIME_2012},
    "2026": {"24h": _DAILY, "1h": _REALTIME_2026},
}

# Missing pollutants: (how many may be missing, the AQI the rest must exceed to be published). HJ
# 633-2026: with one pollutant missing the AQI of the rest is published only if it is above 100, else
# "NA" (more missing: NA). HJ 633-2012 has no such rule: the AQI of whatever was measured (None).
MISSING_DATA: Mapping[Rules, tuple[int, int] | None] = {
    "2012": None,
    "2026": (1, 100),
}
