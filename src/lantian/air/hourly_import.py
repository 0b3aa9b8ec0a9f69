"""Import of historical hourly data in the national platform's hourly export layout (issue 15 item 2).

One row per station and hour: station (code or name), date, hour, then the pollutants (AQI and other
columns are read past: the AQI is recomputed). Headers as the platform and the files people keep
name them (站点/监测点位/点位名称/站点编码, 日期, 小时/时段, PM2.5, PM10, SO2/二氧化硫, NO2, O3/臭氧,
CO/一氧化碳, with or without units). ``hour`` labels the END of the hour (1 … 24; 0 is 24时 of the
day before), as the platform publishes; a ``时间`` column "2025-01-01 08:00" may replace date and hour.

Every row is checked; any error refuses the whole file (all or nothing) and is reported by row and
column. Bounded: ``MAX_ROWS`` rows and ``MAX_BYTES`` bytes.
"""

from __future__ import annotations

import csv
import io
import math
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import HourlyValue, Station
from .parameters import BY_KEY
from .pipeline import after_hours

MAX_ROWS = 1_000_000
MAX_BYTES = 100 * 1024 * 1024

HEADERS = {
    "station": (
        "站点",
        "监测点位",
        "点位名称",
        "站点名称",
        "站点编码",
        "点位编码",
        "station",
        "监测点",
        "测点",
    ),
    "date": ("日期", "date"),
    "hour": ("小时", "时段", "hour", "时"),
    "time": ("时间", "监测时间", "time", "datetime", "时间点"),
    "PM2.5": ("PM2.5", "PM25", "细颗粒物"),
    "PM10": ("PM10", "可吸入颗粒物"),
    "SO2": ("SO2", "二氧化硫"),
    "NO2": ("NO2", "二氧化氮"),
    "O3": ("O3", "臭氧", "O3_1H", "O31小时"),
    "CO": ("CO", "一氧化碳"),
}
MISSING = {"", "-", "—", "--", "NA", "N/A", "null", "NULL", "无效", "缺测"}


@dataclass
class Parsed:
    records: list[tuple] = field(default_factory=list)  # (station_id, hour start, parameter id, value)
    errors: list[tuple[int, str, str]] = field(default_factory=list)  # row, column, message
    stations: set[int] = field(default_factory=set)


def _norm(text) -> str:
    text = re.sub(r"[（(].*?[)）]", "", str(text or "")).strip()
    return (
        text.replace(" ", "")
        .replace("₂", "2")
        .replace("₃", "3")
        .replace("₁₀", "10")
        .replace("₂.₅", "2.5")
        .upper()
    )


def read_table(name: str, content: bytes) -> list[list]:
    """Rows of a CSV (UTF-8, UTF-8 with BOM or GB18030) or xlsx file."""
    if len(content) > MAX_BYTES:
        raise ValueError(_("The file is larger than %(mb)d MB.") % {"mb": MAX_BYTES // 1024 // 1024})
    if name.lower().endswith((".xlsx", ".xlsm")):
        from python_calamine import CalamineWorkbook

        book = CalamineWorkbook.from_filelike(io.BytesIO(content))
        return book.get_sheet_by_index(0).to_python(skip_empty_area=False)[: MAX_ROWS + 1]
    if name.lower().endswith(".csv"):
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                text = content.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:
            raise ValueError(_("The CSV file is neither UTF-8 nor GB18030."))
        rows = []
        for row in csv.reader(io.StringIO(text)):
            rows.append(row)
            if len(rows) > MAX_ROWS + 1:
                break
        return rows
    raise ValueError(_("Upload a .csv or .xlsx file."))


def parse(rows: list[list], stations: list[Station]) -> Parsed:
    result = Parsed()
    if not rows:
        result.errors.append((1, "", _("The file is empty.")))
        return result
    if len(rows) > MAX_ROWS + 1:
        result.errors.append((MAX_ROWS + 2, "", _("At most %(n)d rows at once.") % {"n": MAX_ROWS}))
        return result
    header = [_norm(h) for h in rows[0]]
    columns = {}
    for key, names in HEADERS.items():
        for i, h in enumerate(header):
            if h in {_norm(n) for n in names} and key not in columns:
                columns[key] = i
    if "station" not in columns:
        result.errors.append((1, "", _("No station column (站点, 监测点位 or 站点编码).")))
    if "time" not in columns and not {"date", "hour"} <= columns.keys():
        result.errors.append((1, "", _("No date and hour columns (日期, 小时) and no time column (时间).")))
    pollutants = [k for k in ("SO2", "NO2", "PM10", "CO", "O3", "PM2.5") if k in columns]
    if not pollutants:
        result.errors.append((1, "", _("No pollutant column (PM2.5, PM10, SO2, NO2, O3, CO).")))
    if result.errors:
        return result
    by_name = {}
    for s in stations:
        by_name[s.code] = s
        by_name.setdefault(s.name, s)
    for number, row in enumerate(rows[1:], start=2):
        if not any(str(c).strip() for c in row if c is not None):
            continue
        cell = _cells(row, columns)
        station = by_name.get(str(cell("station") or "").strip())
        if station is None:
            result.errors.append(
                (
                    number,
                    rows[0][columns["station"]],
                    _("Unknown station or not yours: %(s)s") % {"s": cell("station")},
                )
            )
            continue
        try:
            end = _hour_end(cell, columns)
        except ValueError as error:
            result.errors.append((number, _("time"), str(error)))
            continue
        start = timezone.make_aware(end - timedelta(hours=1))
        for key in pollutants:
            raw = cell(key)
            text = "" if raw is None else str(raw).strip()
            if text in MISSING:
                continue
            try:
                value = float(text)
            except ValueError:
                result.errors.append((number, rows[0][columns[key]], _("Not a number: %(v)s") % {"v": text}))
                continue
            if not math.isfinite(value) or value < 0 or value > 100_000:
                result.errors.append((number, rows[0][columns[key]], _("Out of range: %(v)s") % {"v": text}))
                continue
            result.records.append((station.pk, start, BY_KEY[key].id, value))
        result.stations.add(station.pk)
    return result


def _cells(row: list, columns: dict):
    def cell(key):
        return row[columns[key]] if columns[key] < len(row) else ""

    return cell


def _hour_end(cell, columns) -> datetime:
    """The end of the row's hour, naive local time."""
    if "time" in columns and cell("time") not in (None, ""):
        value = cell("time")
        if isinstance(value, datetime):
            moment = value
        else:
            try:
                moment = datetime.fromisoformat(str(value).strip().replace("/", "-"))
            except ValueError:
                raise ValueError(_("Not a time: %(v)s") % {"v": value}) from None
        if moment.minute or moment.second:
            raise ValueError(_("Not a whole hour: %(v)s") % {"v": value})
        return moment.replace(tzinfo=None)
    day, hour = cell("date"), cell("hour")
    if isinstance(day, datetime):
        day = day.date()
    if not isinstance(day, date):
        text = str(day or "").strip().replace("/", "-")
        try:
            day = date.fromisoformat(text) if "-" in text else datetime.strptime(text, "%Y%m%d").date()
        except ValueError:
            raise ValueError(_("Not a date: %(v)s") % {"v": day}) from None
    try:
        number = int(float(str(hour).strip().rstrip("时")))
    except ValueError:
        raise ValueError(_("Not an hour: %(v)s") % {"v": hour}) from None
    if not 0 <= number <= 24:
        raise ValueError(_("An hour is 0 to 24, not %(v)s") % {"v": hour})
    return datetime.combine(day, datetime.min.time()) + timedelta(hours=number)


@transaction.atomic
def commit(parsed: Parsed) -> int:
    """Write the parsed values (replacing what those hours held) and roll their days up."""
    table = HourlyValue._meta.db_table
    ops = connection.ops
    sql = (
        f"INSERT INTO {table} (station_id, time, parameter, value, flag, source, minutes, valid, audit) "
        f"VALUES (%s, %s, %s, %s, 'N', {HourlyValue.Source.IMPORTED}, NULL, %s, 0) "
        "ON CONFLICT (station_id, time, parameter) DO UPDATE SET value = excluded.value, "
        "flag = excluded.flag, source = excluded.source, minutes = excluded.minutes, valid = excluded.valid"
    )
    rows = [(s, ops.adapt_datetimefield_value(t), p, v, True) for s, t, p, v in parsed.records]
    with connection.cursor() as cursor:
        for i in range(0, len(rows), 50_000):
            cursor.executemany(sql, rows[i : i + 50_000])
    spans = {}
    for s, t, _p, _v in parsed.records:
        first, last = spans.get(s, (t, t))
        spans[s] = (min(first, t), max(last, t))
    after_hours(spans)
    return len(rows)
