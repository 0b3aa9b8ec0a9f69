#!/usr/bin/env python3
"""Write src/lantian/core/data/calendar/china.csv from the PyPI package ``chinese-calendar``.

The application never imports the package: the intranet has no package index, and the calendar is
data that the system administrator maintains. This script refreshes the shipped file when a new
release of the package adds a year (it follows each State Council notice):

    python3 -m venv /tmp/cc && /tmp/cc/bin/pip install chinese-calendar==1.11.0
    /tmp/cc/bin/python scripts/work_calendar_data.py

Every year the package knows is rewritten from it; rows of later years already in the file (added by
hand after a notice, before the package caught up) are kept. Check the new year against the notice
and add its expected dates to tests/core/standards/test_worktime.py.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

DATA_FILE = Path(__file__).resolve().parent.parent / "src/lantian/core/data/calendar/china.csv"
# The names the State Council's notices use (the package abbreviates some).
NOTICE_NAMES = {"清明": "清明节", "端午": "端午节", "中秋": "中秋节"}


def package_rows() -> list[dict]:
    from chinese_calendar import constants

    rows = []
    for kind, days in (("holiday", constants.holidays), ("workday", constants.workdays)):
        for day, english in days.items():
            chinese = constants.Holiday(english).chinese
            name = NOTICE_NAMES.get(chinese, chinese)
            rows.append({"date": day.isoformat(), "kind": kind, "name": name})
    return rows


def main() -> int:
    rows = package_rows()
    last_year = max(row["date"][:4] for row in rows)
    if DATA_FILE.exists():
        with DATA_FILE.open(encoding="utf-8", newline="") as handle:
            rows += [row for row in csv.DictReader(handle) if row["date"][:4] > last_year]
    rows.sort(key=lambda row: row["date"])
    with DATA_FILE.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=("date", "kind", "name"), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    years = sorted({row["date"][:4] for row in rows})
    print(f"{len(rows)} days of {years[0]}–{years[-1]} written to {DATA_FILE}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
