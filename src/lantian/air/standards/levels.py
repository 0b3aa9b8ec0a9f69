"""AQI levels, categories and colours (data)."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Level:
    number: int
    upper: int  # the highest AQI of the level
    category: str
    color: tuple[int, int, int]  # RGB


# HJ 633-2012 表2 (levels and categories) and 附录A 表A.1 (RGB); unchanged in HJ 633-2026.
LEVELS: tuple[Level, ...] = (
    Level(1, 50, "优", (0, 228, 0)),
    Level(2, 100, "良", (255, 255, 0)),
    Level(3, 150, "轻度污染", (255, 126, 0)),
    Level(4, 200, "中度污染", (255, 0, 0)),
    Level(5, 300, "重度污染", (153, 0, 76)),
    Level(6, 500, "严重污染", (126, 0, 35)),
)

# A primary pollutant is named only when AQI > 50 (HJ 633-2012 4.3).
PRIMARY_ABOVE = 50
# 优良: AQI ≤ 100 (HJ 633-2012 表2, levels 1 and 2).
GOOD_UPPER = 100


def level_of(aqi: int) -> Level:
    for level in LEVELS:
        if aqi <= level.upper:
            return level
    return LEVELS[-1]
