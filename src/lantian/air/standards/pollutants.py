"""Pollutant and averaging-period names, and how indicator keys are spelled.

An *indicator* is a pollutant over an averaging period, e.g. ("O3", "8h"). Mappings of values use
either a plain pollutant key ("PM2.5") or an indicator key ("O3_8h", "SO2_24h").
"""

from typing import Literal

Period = Literal["1h", "8h", "24h"]
Indicator = tuple[str, Period]

# Order of HJ 633-2012 表1; primary pollutants are listed in this order.
POLLUTANTS: tuple[str, ...] = ("SO2", "NO2", "PM10", "CO", "O3", "PM2.5")
PERIODS: tuple[Period, ...] = ("1h", "8h", "24h")

_ALIASES = {name.replace(".", "").upper(): name for name in POLLUTANTS}


def pollutant_name(name: str) -> str:
    """The canonical spelling of a pollutant: "pm25", "PM2_5" and "PM2.5" all give "PM2.5"."""
    key = name.replace(".", "").replace("_", "").replace(" ", "").upper()
    try:
        return _ALIASES[key]
    except KeyError:
        raise ValueError(f"unknown pollutant {name!r}; expected one of {POLLUTANTS}") from None


def period_name(period: str) -> Period:
    name = period.strip().lower()
    if name not in PERIODS:
        raise ValueError(f"unknown averaging period {period!r}; expected one of {PERIODS}")
    return name  # type: ignore[return-value]


def parse_key(key: str) -> tuple[str, Period | None]:
    """Split a values-mapping key into (pollutant, period); the period is None for a plain key."""
    head, sep, tail = key.rpartition("_")
    if sep and tail.lower() in PERIODS:
        return pollutant_name(head), period_name(tail)
    return pollutant_name(key), None


def indicator_key(indicator: Indicator) -> str:
    pollutant, period = indicator
    return f"{pollutant}_{period}"
