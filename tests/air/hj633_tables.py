"""Independent transcriptions of the standards' tables, for the tests to check the kernel's data against.

Units μg/m³, CO mg/m³. Not imported from the kernel on purpose: a typo there must fail here.
"""

# HJ 633-2012 表1: IAQI and the concentration limits of each item.
IAQI = (0, 50, 100, 150, 200, 300, 400, 500)
HJ_633_2012 = {
    ("SO2", "24h"): (0, 50, 150, 475, 800, 1600, 2100, 2620),
    ("SO2", "1h"): (0, 150, 500, 650, 800),  # 注(2): above 800 no 1-hour IAQI
    ("NO2", "24h"): (0, 40, 80, 180, 280, 565, 750, 940),
    ("NO2", "1h"): (0, 100, 200, 700, 1200, 2340, 3090, 3840),
    ("PM10", "24h"): (0, 50, 150, 250, 350, 420, 500, 600),
    ("CO", "24h"): (0, 2, 4, 14, 24, 36, 48, 60),
    ("CO", "1h"): (0, 5, 10, 35, 60, 90, 120, 150),
    ("O3", "1h"): (0, 160, 200, 300, 400, 800, 1000, 1200),
    ("O3", "8h"): (0, 100, 160, 215, 265, 800),  # 注(3): above 800 use the 1-hour IAQI
    ("PM2.5", "24h"): (0, 35, 75, 115, 150, 250, 350, 500),
}
# HJ 633-2026 表1 (specs/air.md, Rules): IAQI 100 at PM10 120 and PM2.5 60, the rest unchanged.
HJ_633_2026 = HJ_633_2012 | {
    ("PM10", "24h"): (0, 50, 120, 250, 350, 420, 500, 600),
    ("PM2.5", "24h"): (0, 35, 60, 115, 150, 250, 350, 500),
}
TABLES = {"2012": HJ_633_2012, "2026": HJ_633_2026}

# HJ 633-2012 表2 and 附录A 表A.1: (highest AQI, level, category, RGB).
LEVELS = (
    (50, 1, "优", (0, 228, 0)),
    (100, 2, "良", (255, 255, 0)),
    (150, 3, "轻度污染", (255, 126, 0)),
    (200, 4, "中度污染", (255, 0, 0)),
    (300, 5, "重度污染", (153, 0, 76)),
    (500, 6, "严重污染", (126, 0, 35)),
)
