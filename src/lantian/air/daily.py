"""Hourly → daily roll-up of stations' pollutants into ``air_dailyvalue``, raw and audited.

Days are Asia/Shanghai days; a day is the 24 hours whose starts run 00:00 … 23:00 (labelled 1时 …
24时). The audited version drops the hours an audit mark made invalid (sand-dust marks do not
invalidate: they flag the day, see ``evaluation``). Values are the kernel's exact daily values,
stored as (sum of micro-units, count); the O3 MDA8 is stored with its number of valid windows so its
validity can be judged under either rule set.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import numpy as np
from django.db import connection, transaction
from django.utils import timezone

from .models import AuditMark, DailyValue, HourlyValue
from .parameters import BY_KEY, DAILY_BY_KEY, POLLUTANT_IDS
from .standards.aggregation import daily_max, daily_mean, mda8_candidates

INVALIDATING = tuple(r for r in AuditMark.Reason.values if r != AuditMark.Reason.SAND_DUST)
ROLLUP_RULES = "2012"  # the hour, day and window minimums are the same in both sets (validity.py)
_POSITION = {pid: i for i, pid in enumerate(POLLUTANT_IDS)}


def day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def local_day(moment: datetime) -> date:
    return timezone.localtime(moment).date()


def hourly_arrays(station_ids: list[int], first: date, last: date, *, audited: bool):
    """(stations, 6 pollutants, hours) float array of values, NaN where missing, invalid or (audited)
    marked invalid, for the days ``first`` … ``last``."""
    return hours_array(station_ids, day_start(first), ((last - first).days + 1) * 24, audited=audited)


def hours_array(station_ids: list[int], start: datetime, hours: int, *, audited: bool = False):
    """(stations, 6 pollutants, hours) values of the hours starting at ``start``. Read with one SQL
    statement that gives each value's hour offset, so no datetime is built per row."""
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
    sql = (
        f"SELECT station_id, {hour_offset_sql()}, parameter, value FROM {table} "
        f"WHERE station_id IN ({ids}) AND time >= %s AND time < %s AND valid AND value IS NOT NULL "
        f"AND parameter <= {max(POLLUTANT_IDS)}{marks}"
    )
    begin = ops.adapt_datetimefield_value(start)
    with connection.cursor() as cursor:
        cursor.execute(sql, [begin, begin, ops.adapt_datetimefield_value(stop)])
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
    """(key → (num, den) arrays of shape (stations, days), and the MDA8's valid windows) from the daily
    table, read with one SQL statement that gives each row's day offset, straight into numpy."""
    days = (last - first).days + 1
    shape = (len(station_ids), days)
    num = {key: np.zeros(shape, dtype=np.int64) for key in DAILY_BY_KEY}
    den = {key: np.zeros(shape, dtype=np.int64) for key in DAILY_BY_KEY}
    windows = np.zeros(shape, dtype=np.int64)
    if not station_ids:
        return num, den, windows
    index = np.full(max(station_ids) + 1, -1, dtype=np.int64)
    index[station_ids] = np.arange(len(station_ids))
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
    if not data:
        return num, den, windows
    array = np.array(data, dtype=np.int64)
    s, d, ind = index[array[:, 0]], array[:, 1], array[:, 2]
    for key, i in DAILY_BY_KEY.items():
        sel = ind == i
        num[key][s[sel], d[sel]] = array[sel, 3]
        den[key][s[sel], d[sel]] = array[sel, 4]
        if key == "O3_8h":
            windows[s[sel], d[sel]] = array[sel, 5]
    return num, den, windows
