"""Synthetic but realistic hourly data for the demo, the benchmarks and the tests (numpy, seeded):
diurnal and seasonal shapes per pollutant, a shared regional signal with station noise, an optional
winter heavy-pollution episode and faulty instruments; and bulk writers into the gateway's tables
(as the hourly packets a station sends) or straight into the hourly table (history loaded at once).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import numpy as np
from django.db import connection, transaction
from django.utils import timezone

from .models import HourlyValue
from .parameters import BY_KEY, DEFAULT_KEYS

# typical level, seasonal amplitude (winter high > 0), diurnal amplitude, diurnal peak hour, decimals
PROFILES = {
    "SO2": (9.0, 0.5, 0.25, 10, 1),
    "NO2": (30.0, 0.35, 0.35, 20, 1),
    "PM10": (75.0, 0.45, 0.2, 21, 1),
    "CO": (0.8, 0.4, 0.2, 20, 3),
    "O3": (70.0, -0.5, 0.7, 15, 1),
    "PM2.5": (42.0, 0.6, 0.2, 22, 1),
    "TEMP": (13.0, -11.0, 4.5, 15, 1),
    "RH": (62.0, 0.1, -0.25, 15, 0),
    "WS": (2.0, -0.1, 0.35, 14, 1),
    "WD": (0.0, 0.0, 0.0, 0, 0),
    "PRESS": (93.5, 0.008, 0.002, 10, 1),  # kPa at the county's ~700 m; not in the demo's year
}


def season_of(day_of_year):
    """The seasonal phase: 1 in mid-January, −1 in mid-July (scalars or numpy arrays)."""
    return np.cos((day_of_year - 15) / 365.25 * 2 * np.pi)


def profile(key: str, season, hour):
    """The typical value of ``key`` for a seasonal phase (``season_of``) and an hour of the day (the
    hour's start, fractions allowed), before the regional signal and each station's own offsets: the
    shape ``generate`` gives the demo year, and the live simulator continues (scalars or arrays)."""
    level, seasonal, diurnal, peak, _decimals = PROFILES[key]
    if key == "WD":
        return (225 + 60 * np.sin(hour / 24 * 2 * np.pi)) % 360
    shape = np.cos((hour - peak) / 24 * 2 * np.pi)
    if key == "TEMP":  # additive: ℃ (it read ``level - seasonal * season``: 24 ℃ in January)
        return level + seasonal * season + diurnal * shape
    return level * (1 + seasonal * season) * (1 + diurnal * shape)


def generate(
    stations: int,
    first: date,
    days: int,
    *,
    seed: int = 2025,
    episode: bool = True,
    faulty: tuple[int, ...] = (),
) -> dict[str, np.ndarray]:
    """key → (stations, days·24) float arrays of hourly values (hour 0 starts at 00:00 of ``first``)."""
    rng = np.random.default_rng(seed)
    hours = days * 24
    t = np.arange(hours)
    day_of_year = np.array([(first + timedelta(days=int(h // 24))).timetuple().tm_yday for h in t[::24]])
    season = np.repeat(season_of(day_of_year), 24)  # 1 in mid-January
    hour_of_day = t % 24
    regional = np.exp(np.convolve(rng.normal(0, 0.35, hours + 47), np.ones(48) / 48 * 4.0, "valid"))[:hours]
    regional = regional / regional.mean()
    boost = np.ones(hours)
    if episode:
        for start in (
            max(0, (date(first.year, 1, 8) - first).days),
            max(0, (date(first.year, 12, 20) - first).days),
        ):
            if start < days - 5:
                ramp = np.concatenate([np.linspace(1, 4.5, 48), np.full(48, 4.5), np.linspace(4.5, 1, 24)])
                end = min(hours, start * 24 + len(ramp))
                boost[start * 24 : end] *= ramp[: end - start * 24]
    out = {}
    for key in sorted(DEFAULT_KEYS, key=lambda k: k == "PM10"):  # PM10 follows PM2.5
        decimals = PROFILES[key][4]
        if key == "WD":
            out[key] = np.round(
                (225 + 60 * np.sin(t / 24 * 2 * np.pi)[None, :] + rng.normal(0, 40, (stations, hours))) % 360
            )
            continue
        base = profile(key, season, hour_of_day)
        if key in ("TEMP",):
            values = base[None, :] + rng.normal(0, 1.0, (stations, hours))
        else:
            local = rng.lognormal(0, 0.12, (stations, 1)) * rng.lognormal(0, 0.18, (stations, hours))
            values = base[None, :] * local
            if key in ("PM2.5", "PM10", "CO", "NO2", "SO2"):
                values = values * regional[None, :] * (boost[None, :] if key != "SO2" else 1)
            if key == "PM10":
                values = np.maximum(values, out["PM2.5"] * 1.15)
        out[key] = np.round(np.maximum(values, 0), decimals)
    gaps = rng.random((stations, hours)) < 0.01
    for key in out:
        out[key][gaps] = np.nan
    for i, station in enumerate(faulty):
        if station >= stations:
            continue
        start = (37 * (i + 1) * 24) % max(hours - 200, 1)
        if i % 3 == 0:
            out["PM2.5"][station, start : start + 30] = out["PM2.5"][station, start]  # stuck sensor
        elif i % 3 == 1:
            out["PM2.5"][station, start : start + 12] = (
                out["PM10"][station, start : start + 12] * 1.4
            )  # PM2.5 > PM10
        else:
            out["NO2"][station, start : start + 5] = -3.0  # negative readings
            out["PM2.5"][station, start + 40 : start + 52] = np.nan  # silent for 12 hours
    return out


def _aware(first: date) -> datetime:
    return timezone.make_aware(datetime.combine(first, datetime.min.time()))


def write_hourly(
    station_ids: list[int],
    first: date,
    values: dict[str, np.ndarray],
    source: int = HourlyValue.Source.IMPORTED,
) -> int:
    """Insert the values straight into the hourly table (no existing rows expected); returns rows."""
    start = _aware(first)
    hours = next(iter(values.values())).shape[1]
    ops = connection.ops
    stamps = [ops.adapt_datetimefield_value(start + timedelta(hours=h)) for h in range(hours)]
    table = HourlyValue._meta.db_table
    sql = (
        f"INSERT INTO {table} (station_id, time, parameter, value, flag, source, minutes, valid, audit) "
        f"VALUES (%s, %s, %s, %s, 'N', {int(source)}, NULL, %s, 0)"
    )
    count = 0
    with transaction.atomic(), connection.cursor() as cursor:
        for key, array in values.items():
            pid = BY_KEY[key].id
            for i, sid in enumerate(station_ids):
                row = array[i]
                present = np.flatnonzero(~np.isnan(row))
                rows = [(sid, stamps[h], pid, float(row[h]), True) for h in present.tolist()]
                if connection.vendor == "postgresql":
                    columns = "station_id, time, parameter, value, valid, flag, source, audit"
                    with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                        for values_row in rows:
                            copy.write_row((*values_row, "N", int(source), 0))
                else:
                    cursor.executemany(sql, rows)
                count += len(rows)
    return count


def write_gateway_hourly(
    device_ids: list[int], mns: list[str], first: date, values: dict[str, np.ndarray], received_at: datetime
) -> int:
    """Store the values as each device's hourly packets (2061) in the gateway's tables, the way the
    gateway does (one ``hj212_rawpacket`` per device-hour, its values in ``hj212_measurement``; COPY on
    PostgreSQL, multi-row inserts on SQLite). Returns the values written."""
    start = _aware(first)
    hours = next(iter(values.values())).shape[1]
    moments = [start + timedelta(hours=h) for h in range(hours)]
    local = [timezone.localtime(m).strftime("%Y%m%d%H%M%S000") for m in moments]
    packets = []
    measurements = []
    for i, (device_id, mn) in enumerate(zip(device_ids, mns, strict=True)):
        packets.extend((received_at, device_id, mn, local[h], moments[h]) for h in range(hours))
        for key, array in values.items():
            code = BY_KEY[key].hj212
            row = array[i]
            present = np.flatnonzero(~np.isnan(row)).tolist()
            measurements.extend((device_id, h, code, float(row[h])) for h in present)
    with transaction.atomic():
        if connection.vendor == "postgresql":
            _copy_gateway(packets, measurements, moments)
        else:
            _insert_gateway(packets, measurements, moments)
    return len(measurements)


def _copy_gateway(packets, measurements, moments) -> None:
    with connection.cursor() as cursor:
        pg = cursor.cursor
        with pg.copy(
            "COPY hj212_rawpacket (received_at, device_id, mn, qn, cn, st, data_time, resent, frame, "
            "peer, gateway, deviations) FROM STDIN"
        ) as copy:
            for received, device_id, mn, qn, moment in packets:
                copy.write_row(
                    (received, device_id, mn, qn, "2061", "22", moment, False, b"", "", "synthetic", "")
                )
        with pg.copy(
            "COPY hj212_measurement (device_id, time, cn, code, kind, value, flag) FROM STDIN"
        ) as copy:
            for device_id, h, code, value in measurements:
                copy.write_row((device_id, moments[h], "2061", code, "Avg", value, "N"))


def _insert_gateway(packets, measurements, moments) -> None:
    ops = connection.ops
    packet_sql = (
        "INSERT INTO hj212_rawpacket (received_at, device_id, mn, qn, cn, st, data_time, resent, frame, "
        "peer, gateway, deviations) VALUES (%s, %s, %s, %s, '2061', '22', %s, 0, X'', '', 'synthetic', '')"
    )
    value_sql = (
        "INSERT INTO hj212_measurement (device_id, time, cn, code, kind, value, flag) "
        "VALUES (%s, %s, '2061', %s, 'Avg', %s, 'N')"
    )
    stamp = ops.adapt_datetimefield_value
    stamps = [stamp(m) for m in moments]
    with connection.cursor() as cursor:
        cursor.executemany(packet_sql, [(stamp(r), d, mn, qn, stamp(m)) for r, d, mn, qn, m in packets])
        for i in range(0, len(measurements), 200_000):
            chunk = measurements[i : i + 200_000]
            cursor.executemany(value_sql, [(d, stamps[h], c, v) for d, h, c, v in chunk])
