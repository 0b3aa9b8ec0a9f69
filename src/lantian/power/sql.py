"""The few SQL expressions that differ between PostgreSQL and SQLite, and reading query results
straight into numpy arrays (binary COPY on PostgreSQL: no Python object per row)."""

from __future__ import annotations

import datetime
import zoneinfo

import numpy as np
from django.conf import settings
from django.db import connection


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
    seconds = f"((({epoch(column)} + {offset}) / {step}) * {step} - {offset})"
    if is_postgres():
        return f"to_timestamp({seconds})"
    return f"datetime({seconds}, 'unixepoch')"


def db_time(value: datetime.datetime):
    """A datetime as a raw query parameter compares with stored values: aware on PostgreSQL, the UTC
    text Django stores on SQLite."""
    if is_postgres():
        return value
    return value.astimezone(datetime.UTC).strftime("%Y-%m-%d %H:%M:%S")


def upsert(table: str, keys: tuple[str, ...], columns: tuple[str, ...], select: str) -> str:
    """INSERT … SELECT that replaces the rows it meets (both databases know ON CONFLICT)."""
    assignments = ", ".join(f"{column} = excluded.{column}" for column in columns if column not in keys)
    where = "WHERE true " if not is_postgres() else ""  # SQLite's parser needs it after a SELECT
    return (
        f"INSERT INTO {table} ({', '.join(columns)}) {select} {where}"
        f"ON CONFLICT ({', '.join(keys)}) DO UPDATE SET {assignments}"
    )


# numpy dtypes of the columns ``fetch_arrays`` reads: (binary COPY width, numpy type)
_TYPES = {"int8": (8, ">i8", np.int64), "float8": (8, ">f8", np.float64)}


def fetch_arrays(query: str, params: list, types: tuple[str, ...]) -> list[np.ndarray]:
    """Run ``query`` and return its columns as numpy arrays of ``types`` ("int8" or "float8").
    The query must not return NULL in an int8 column (float8 NULLs become NaN)."""
    if not is_postgres():
        with connection.cursor() as cursor:
            cursor.execute(query, params)
            rows = cursor.fetchall()
        table = np.array(rows, dtype=float).reshape(-1, len(types))  # None becomes NaN
        return [
            table[:, i] if kind == "float8" else table[:, i].astype(np.int64) for i, kind in enumerate(types)
        ]
    casts = ", ".join(
        f"CAST(c{i} AS bigint)" if kind == "int8" else f"COALESCE(CAST(c{i} AS double precision), 'NaN')"
        for i, kind in enumerate(types)
    )
    names = ", ".join(f"c{i}" for i in range(len(types)))
    statement = f"COPY (SELECT {casts} FROM ({query}) AS q ({names})) TO STDOUT (FORMAT BINARY)"
    chunks = []
    with connection.cursor() as cursor:
        raw = cursor.cursor  # psycopg's own cursor: COPY is not part of the DB-API
        with raw.copy(statement, params or None) as copy:
            for block in copy:
                chunks.append(bytes(block))
    data = b"".join(chunks)
    fields = [("count", ">i2")]
    for i, kind in enumerate(types):
        fields += [(f"len{i}", ">i4"), (f"c{i}", _TYPES[kind][1])]
    row = np.dtype(fields)
    header = 19 + int.from_bytes(data[15:19], "big") if len(data) >= 19 else 0  # signature, flags, extension
    body = data[header:-2] if data else b""
    records = np.frombuffer(body, dtype=row)
    return [records[f"c{i}"].astype(_TYPES[kind][2]) for i, kind in enumerate(types)]
