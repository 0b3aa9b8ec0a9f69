"""The parameters a station measures: the six GB 3095 pollutants and the weather, with their HJ 212
codes (HJ 212-2017 附录B 污染物编码: a21026 SO2 … a01008 wind direction) and their small-integer ids in
the hourly and daily tables."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Parameter:
    id: int
    key: str  # the kernel's pollutant name, or a weather key
    hj212: str
    label: object
    unit: str
    decimals: int

    @property
    def pollutant(self) -> bool:
        return self.id <= 6


PARAMETERS: tuple[Parameter, ...] = (
    Parameter(1, "SO2", "a21026", "SO₂", "μg/m³", 0),
    Parameter(2, "NO2", "a21004", "NO₂", "μg/m³", 0),
    Parameter(3, "PM10", "a34002", "PM₁₀", "μg/m³", 0),
    Parameter(4, "CO", "a21005", "CO", "mg/m³", 1),
    Parameter(5, "O3", "a05024", "O₃", "μg/m³", 0),
    Parameter(6, "PM2.5", "a34004", "PM₂.₅", "μg/m³", 0),
    Parameter(7, "TEMP", "a01001", _("temperature"), "℃", 1),
    Parameter(8, "RH", "a01002", _("humidity"), "%", 0),
    Parameter(9, "PRESS", "a01006", _("pressure"), "kPa", 1),
    Parameter(10, "WS", "a01007", _("wind speed"), "m/s", 1),
    Parameter(11, "WD", "a01008", _("wind direction"), "°", 0),
)
BY_ID = {p.id: p for p in PARAMETERS}
BY_KEY = {p.key: p for p in PARAMETERS}
BY_HJ212 = {p.hj212: p for p in PARAMETERS}
POLLUTANT_IDS = tuple(p.id for p in PARAMETERS if p.pollutant)
DEFAULT_KEYS = ("SO2", "NO2", "PM10", "CO", "O3", "PM2.5", "TEMP", "RH", "WS", "WD")

# Daily indicators stored per station-day (see models.DailyValue): the five 24-hour means, the O3
# MDA8 and the O3 daily maximum 1-hour value.
DAILY_INDICATORS: tuple[tuple[int, str], ...] = (
    (1, "SO2"),
    (2, "NO2"),
    (3, "PM10"),
    (4, "CO"),
    (5, "O3_8h"),
    (6, "PM2.5"),
    (7, "O3_1h"),
)
DAILY_BY_KEY = {key: i for i, key in DAILY_INDICATORS}


def parse_keys(text: str) -> list[str]:
    """Parameter keys from text such as "SO2,NO2,PM2.5" (commas, 、 or blanks); raises ValueError."""
    keys = [k for k in text.replace("、", ",").replace("，", ",").replace(" ", ",").split(",") if k]
    unknown = [k for k in keys if k not in BY_KEY]
    if unknown:
        raise ValueError(", ".join(unknown))
    return [p.key for p in PARAMETERS if p.key in keys]
