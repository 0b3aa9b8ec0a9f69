"""The few SQL expressions that differ between PostgreSQL and SQLite, and reading query results
straight into numpy arrays (binary COPY on PostgreSQL: no Python object per row)."""

from __future__ import annotations

import datetime
import zoneinfo

import numpy as np
import psycopg
from django.conf import settings
from django.db import connection, transaction


def is_postgres() -> bool:
    return connection.vendor == "postgresql"


def local_offset_seconds(at: datetime.datetime | None = None) -> int:
    """The offset of the site's time zone (Asia/Shanghai: +8 h, no daylight saving since 1991)."""
    zone = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    moment = at or datetime.datetime.now(datetime.UTC)
    return int(moment.astimezone(zone).utcoffset().total_seconds())


def epoch(column: str) -> str:
    """Seconds since 1970 of a datetime column, as an integer expression."""
    if is_postgres():
        return f"CAST(EXTRACT(EPOCH FROM {column}) AS bigint)"
    return f"CAST(strftime('%%s', {column}) AS INTEGER)"  # %% : the query always has parameters


def bucket(column: str, step: int, offset: int) -> str:
    """The start of the ``step``-second bucket holding ``column``; buckets are aligned on local time
    (``offset`` seconds east of UTC), so daily buckets are local days."""
    if is_postgres():
        # date_bin instead of arithmetic on EXTRACT(EPOCH …), a numeric; the half second added
        # rounds to the whole second as ``epoch`` does
        return (
            f"date_bin(interval '{step} seconds', {column} + interval '0.5 seconds', to_timestamp({-offset}))"
        )
    seconds = f"((({epoch(column)} + {offset}) / {step}) * {step} - {offset})"
    return f"datetime({seconds}, 'unixepoch')"


def db_time(value: datetime.datetime):
    """A datetime as a raw query parameter compares with stored values: aware on PostgreSQL, the UTC
    text Django stores on SQLite."""
    if is_postgres():
        return value
    return value.astimezone(datetime.UTC).strftime("%Y-%m-%d %H:%M:%S")


# The roll-ups' big aggregates (a day of a city's readings: 2 million quarter hours) are held in memory
# rather than spilled to disk; the setting ends with the transaction. Not for ``fetch_arrays``: its
# packing cost PostgreSQL more CPU with it (bench/power_rules.py: 17 s against 15 s at the default).
BATCH_WORK_MEM = "512MB"
WORK_MEM_SQL = "SELECT set_config('work_mem', %s, true)"


def upsert(table: str, keys: tuple[str, ...], columns: tuple[str, ...], select: str) -> str:
    """INSERT … SELECT that replaces the rows it meets (both databases know ON CONFLICT)."""
    assignments = ", ".join(f"{column} = excluded.{column}" for column in columns if column not in keys)
    where = "WHERE true " if not is_postgres() else ""  # SQLite's parser needs it after a SELECT
    return (
        f"INSERT INTO {table} ({', '.join(columns)}) {select} {where}"
        f"ON CONFLICT ({', '.join(keys)}) DO UPDATE SET {assignments}"
    )


# PostgreSQL binary element of each kind ``fetch_arrays`` reads, and its numpy type
_ELEMENTS = {"int8": (">i8", np.int64), "float8": (">f8", np.float64), "epoch": (">i8", np.int64)}
_POSTGRES_EPOCH = 946_684_800  # 2000-01-01, where PostgreSQL counts its microseconds from
_ARRAY_HEADER = 20  # a one-dimensional array: dimensions, flags, element type, length, lower bound


def fetch_arrays(query: str, params: list, types: tuple[str, ...]) -> list[np.ndarray]:
    """Run ``query`` and return its columns as numpy arrays of ``types``: "int8", "float8" or
    "epoch" (a datetime column as whole seconds since 1970, rounded as ``epoch`` rounds).
    An int8 column must not be NULL (float8 NULLs become NaN). The first column must be int8.

    On PostgreSQL the rows are packed in the database, one row per value of the first column with
    the other columns as binary arrays: Python then handles a few rows per key instead of one
    object per reading. The order of the rows is not kept."""
    names = ", ".join(f"c{i}" for i in range(len(types)))
    if not is_postgres():
        selected = ", ".join(epoch(f"c{i}") if kind == "epoch" else f"c{i}" for i, kind in enumerate(types))
        with connection.cursor() as cursor:
            cursor.execute(f"WITH q ({names}) AS ({query}) SELECT {selected} FROM q", params)
            rows = cursor.fetchall()
        table = np.array(rows, dtype=float).reshape(-1, len(types))  # None becomes NaN
        return [
            table[:, i] if kind == "float8" else table[:, i].astype(np.int64) for i, kind in enumerate(types)
        ]
    packed = ", ".join(
        f"array_send(array_agg({_element(f'c{i}', kind)}))" for i, kind in enumerate(types) if i
    )
    statement = (
        f"SELECT CAST(c0 AS bigint), COUNT(*){', ' if packed else ''}{packed} "
        f"FROM ({query}) AS q ({names}) GROUP BY c0"
    )
    with transaction.atomic():
        connection.ensure_connection()
        # a server-binding psycopg cursor: Django's client-side cursors cannot return binary results
        with psycopg.Cursor(connection.connection) as cursor:
            cursor.execute(statement, params or None, binary=True)
            rows = cursor.fetchall()
    keys = np.array([row[0] for row in rows], dtype=np.int64)
    counts = np.array([row[1] for row in rows], dtype=np.int64)
    columns = [np.repeat(keys, counts)]
    for i, kind in enumerate(types[1:], start=2):
        big_endian, native = _ELEMENTS[kind]
        element = np.dtype([("length", ">i4"), ("value", big_endian)])
        parts = [np.frombuffer(row[i], dtype=element, offset=_ARRAY_HEADER)["value"] for row in rows]
        values = np.concatenate(parts).astype(native) if parts else np.empty(0, dtype=native)
        if kind == "epoch":  # microseconds since 2000 to seconds since 1970, rounded half up
            values = (values + 500_000) // 1_000_000 + _POSTGRES_EPOCH
        columns.append(values)
    return columns


def _element(column: str, kind: str) -> str:
    if kind == "int8":
        return f"CAST({column} AS bigint)"
    if kind == "float8":
        return f"COALESCE(CAST({column} AS double precision), 'NaN')"
    return f"CAST({column} AS timestamptz)"
