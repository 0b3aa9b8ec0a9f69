"""Hourly → daily roll-up of stations' pollutants into ``air_dailyvalue``, raw and audited.

Days are Asia/Shanghai days; a day is the 24 hours whose starts run 00:00 … 23:00 (labelled 1时 …
24时). The audited version drops the hours an audit mark made invalid (sand-dust marks do not
invalidate: they flag the day, see ``evaluation``). Values are the kernel's exact daily values,
stored as (sum of micro-units, count); the O3 MDA8 is stored with its number of valid windows so its
validity can be judged under either rule set. Each station-month is also kept packed in one row
(``air_dailymonth``), rewritten with its days, which is what evaluations read.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, time, timedelta

import numpy as np
from django.db import connection, transaction
from django.utils import timezone

from .models import AuditMark, DailyMonth, DailyValue, HourlyValue
from .parameters import BY_KEY, DAILY_BY_KEY, DAILY_INDICATORS, POLLUTANT_IDS
from .standards.aggregation import daily_max, daily_mean, mda8_candidates

INVALIDATING = tuple(r for r in AuditMark.Reason.values if r != AuditMark.Reason.SAND_DUST)
ROLLUP_RULES = "2012"  # the hour, day and window minimums are the same in both sets (validity.py)
_POSITION = {pid: i for i, pid in enumerate(POLLUTANT_IDS)}
_INDICATOR_POSITION = {indicator: n for n, (indicator, _key) in enumerate(DAILY_INDICATORS)}
PACKED_DTYPE = np.dtype("<i8")


def day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def local_day(moment: datetime) -> date:
    return timezone.localtime(moment).date()


def hourly_arrays(station_ids: list[int], first: date, last: date, *, audited: bool):
    """(stations, 6 pollutants, hours) float array of values, NaN where missing, invalid or (audited)
    marked invalid, for the days ``first`` … ``last``."""
    return hours_array(station_ids, day_start(first), ((last - first).days + 1) * 24, audited=audited)


def hours_array(
    station_ids: list[int],
    start: datetime,
    hours: int,
    *,
    audited: bool = False,
    first_hours: Mapping[int, int] | None = None,
):
    """(stations, 6 pollutants, hours) values of the hours starting at ``start``. Read with one SQL
    statement that gives each value's hour offset, so no datetime is built per row. ``first_hours``:
    parameter id → the first hour read of it (the hours before stay NaN), for readers that need fewer
    hours of some pollutants."""
    values = np.full((len(station_ids), len(POLLUTANT_IDS), hours), np.nan)
    if not station_ids:
        return values
    index = np.full(max(station_ids) + 1, -1, dtype=np.int64)
    index[station_ids] = np.arange(len(station_ids))
    positions = np.zeros(max(POLLUTANT_IDS) + 1, dtype=np.int64)
    positions[list(POLLUTANT_IDS)] = np.arange(len(POLLUTANT_IDS))
    stop = start + timedelta(hours=hours)
    ops = connection.ops
    table = HourlyValue._meta.db_table
    marks = f" AND audit NOT IN ({','.join(str(r) for r in INVALIDATING)})" if audited else ""
    ids = ",".join(str(int(s)) for s in station_ids)
    firsts: dict[int, list[int]] = {}
    for pid in POLLUTANT_IDS:
        firsts.setdefault((first_hours or {}).get(pid, 0), []).append(pid)
    since = " OR ".join(
        f"parameter IN ({','.join(map(str, pids))}) AND time >= %s" for pids in firsts.values()
    )
    sql = (
        f"SELECT station_id, {hour_offset_sql()}, parameter, value FROM {table} "
        f"WHERE station_id IN ({ids}) AND time >= %s AND time < %s AND valid AND value IS NOT NULL "
        f"AND ({since}){marks}"
    )
    begin = ops.adapt_datetimefield_value(start)
    with connection.cursor() as cursor:
        cursor.execute(
            sql,
            [begin, begin, ops.adapt_datetimefield_value(stop)]
            + [ops.adapt_datetimefield_value(start + timedelta(hours=first)) for first in firsts],
        )
        data = cursor.fetchall()
    if data:
        array = np.array(data, dtype=np.float64)
        s = index[array[:, 0].astype(np.int64)]
        p = positions[array[:, 2].astype(np.int64)]
        values[s, p, array[:, 1].astype(np.int64)] = array[:, 3]
    return values


def hour_offset_sql() -> str:
    """SQL for the whole hours from a start given as the first parameter to ``time``."""
    if connection.vendor == "postgresql":
        return "(EXTRACT(EPOCH FROM (time - %s)) / 3600)::bigint"
    return "CAST(ROUND((julianday(time) - julianday(%s)) * 24) AS INTEGER)"


def rollup(station_ids: list[int], first: date, last: date) -> int:
    """Recompute the daily values of these stations for days ``first`` … ``last``; returns rows."""
    if not station_ids or last < first:
        return 0
    days = [first + timedelta(days=i) for i in range((last - first).days + 1)]
    raw = hourly_arrays(station_ids, first, last, audited=False)
    rows = list(_daily_rows(station_ids, days, raw, False))
    marked = AuditMark.objects.filter(
        station_id__in=station_ids,
        revoked_at__isnull=True,
        reason__in=INVALIDATING,
        start__lt=day_start(last + timedelta(days=1)),
        end__gte=day_start(first),
    ).exists()
    audited = hourly_arrays(station_ids, first, last, audited=True) if marked else raw
    rows.extend(_daily_rows(station_ids, days, audited, True))
    with transaction.atomic():
        # Raw: derived rows stay out of the change log (and a year of them deletes in one statement).
        DailyValue.objects.filter(station_id__in=station_ids, day__gte=first, day__lte=last)._raw_delete(
            connection.alias
        )
        _insert(rows)
        pack_months(station_ids, first, last)
    return len(rows)


def _daily_rows(station_ids, days, values, audited):
    results = {}
    for key in ("SO2", "NO2", "PM10", "CO", "PM2.5"):
        results[key] = (daily_mean(values[:, _POSITION[BY_KEY[key].id]], ROLLUP_RULES), None)
    o3 = values[:, _POSITION[BY_KEY["O3"].id]]
    best, windows = mda8_candidates(o3, ROLLUP_RULES)
    results["O3_8h"] = (best, windows)
    results["O3_1h"] = (daily_max(o3, ROLLUP_RULES), None)
    for key, (exact, windows) in results.items():
        indicator = DAILY_BY_KEY[key]
        s_idx, d_idx = np.nonzero(exact.den > 0)
        for s, d in zip(s_idx.tolist(), d_idx.tolist(), strict=True):
            yield (
                station_ids[s],
                days[d],
                indicator,
                audited,
                int(exact.num[s, d]),
                int(exact.den[s, d]),
                None if windows is None else int(windows[s, d]),
            )


def _insert(rows: list[tuple]) -> None:
    if not rows:
        return
    table = DailyValue._meta.db_table
    sql = (
        f"INSERT INTO {table} (station_id, day, indicator, audited, total, hours, windows) "
        "VALUES (%s, %s, %s, %s, %s, %s, %s)"
    )
    with connection.cursor() as cursor:
        for start in range(0, len(rows), 50_000):
            cursor.executemany(sql, rows[start : start + 50_000])


def load_daily(station_ids: list[int], first: date, last: date, *, audited: bool):
    """(key → (num, den) arrays of shape (stations, days), and the MDA8's valid windows), read from the
    packed months (``DailyMonth``): one row per station-month, no row per value."""
    return _unpack(read_months(station_ids, first, last, audited=audited))


def read_months(station_ids: list[int], first: date, last: date, *, audited: bool) -> np.ndarray:
    """(stations, days, indicators, [total, hours, windows]) int64 from the packed months."""
    packed = _empty(station_ids, first, last)
    rows = DailyMonth.objects.filter(
        station_id__in=station_ids, month__gte=month_start(first), month__lte=last, audited=audited
    ).values_list("station_id", "month", "data")
    position = {sid: i for i, sid in enumerate(station_ids)}
    days = packed.shape[1]
    for sid, month, data in rows:
        block = np.frombuffer(data, dtype=PACKED_DTYPE).reshape(-1, len(DAILY_INDICATORS), 3)
        offset = (month - first).days
        a, b = max(0, -offset), min(len(block), days - offset)
        packed[position[sid], offset + a : offset + b] = block[a:b]
    return packed


def read_rows(station_ids: list[int], first: date, last: date, *, audited: bool) -> np.ndarray:
    """The same array as ``read_months``, from the ``DailyValue`` rows (one SQL statement giving each
    row's day offset): what the packed months are made of."""
    packed = _empty(station_ids, first, last)
    if not station_ids:
        return packed
    index = np.full(max(station_ids) + 1, -1, dtype=np.int64)
    index[station_ids] = np.arange(len(station_ids))
    positions = np.zeros(max(DAILY_BY_KEY.values()) + 1, dtype=np.int64)
    positions[[i for i, _key in DAILY_INDICATORS]] = np.arange(len(DAILY_INDICATORS))
    table = DailyValue._meta.db_table
    ids = ",".join(str(int(s)) for s in station_ids)
    if connection.vendor == "postgresql":
        offset = "(day - %s::date)"
    else:
        offset = "CAST(julianday(day) - julianday(%s) AS INTEGER)"
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT station_id, {offset}, indicator, total, hours, COALESCE(windows, 0) FROM {table} "
            f"WHERE station_id IN ({ids}) AND day >= %s AND day <= %s AND audited = %s",
            [first, first, last, audited],
        )
        data = cursor.fetchall()
    if data:
        array = np.array(data, dtype=np.int64)
        packed[index[array[:, 0]], array[:, 1], positions[array[:, 2]]] = array[:, 3:]
    return packed


def pack_months(station_ids: list[int], first: date, last: date) -> int:
    """Rewrite the packed months of these stations covering ``first`` … ``last`` from their daily
    rows (whole months, raw and audited); returns the months written."""
    if not station_ids or last < first:
        return 0
    begin, end = month_start(first), next_month(last) - timedelta(days=1)
    months = []
    month = begin
    while month <= end:
        months.append(month)
        month = next_month(month)
    rows = []
    for audited in (False, True):
        packed = read_rows(station_ids, begin, end, audited=audited)
        for m in months:
            offset, length = (m - begin).days, (next_month(m) - m).days
            for i, sid in enumerate(station_ids):
                block = packed[i, offset : offset + length]
                if block.any():
                    rows.append((sid, m, audited, block.astype(PACKED_DTYPE).tobytes()))
    table = DailyMonth._meta.db_table
    with transaction.atomic():
        DailyMonth.objects.filter(station_id__in=station_ids, month__gte=begin, month__lte=end)._raw_delete(
            connection.alias
        )
        with connection.cursor() as cursor:
            cursor.executemany(
                f"INSERT INTO {table} (station_id, month, audited, data) VALUES (%s, %s, %s, %s)", rows
            )
    return len(rows)


def month_start(day: date) -> date:
    return day.replace(day=1)


def next_month(day: date) -> date:
    return (day.replace(day=1) + timedelta(days=32)).replace(day=1)


def _empty(station_ids, first, last) -> np.ndarray:
    days = (last - first).days + 1
    return np.zeros((len(station_ids), days, len(DAILY_INDICATORS), 3), dtype=np.int64)


def _unpack(packed: np.ndarray):
    num = {key: packed[:, :, n, 0].copy() for n, (_i, key) in enumerate(DAILY_INDICATORS)}
    den = {key: packed[:, :, n, 1].copy() for n, (_i, key) in enumerate(DAILY_INDICATORS)}
    windows = packed[:, :, _INDICATOR_POSITION[DAILY_BY_KEY["O3_8h"]], 2].copy()
    return num, den, windows
