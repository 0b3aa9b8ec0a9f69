"""A packet's values as rows of PostgreSQL's binary COPY format, for the measurement table.

The gateway stores a dozen values or more with every packet. Building a Python tuple for each and
having psycopg dump it cost more than everything else the gateway does with the packet, so the rows
are written here as the bytes COPY reads: each row is a prefix made once per packet (column count,
device, data time, CN) followed by code, kind, value and flag. ``_speedups.c`` does it in C;
``measurement_copy_rows_python`` is the reference, built on ``CP.measurements()``.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

from .cp import CP

try:
    from ._speedups import measurement_copy_rows as _measurement_copy_rows_c
except ImportError:  # not built (no C compiler): the Python version does the same, slower
    _measurement_copy_rows_c = None

COLUMNS = ("device_id", "time", "cn", "code", "kind", "value", "flag")  # hj212_measurement
CODE_MAX, FLAG_MAX = 16, 2  # max_length of Measurement.code and .flag
# PostgreSQL binary COPY: signature, flags, header extension length … rows … -1 (docs: "COPY",
# "Binary Format").
SIGNATURE = b"PGCOPY\n\xff\r\n\x00" + struct.pack("!ii", 0, 0)
TRAILER = struct.pack("!h", -1)
_POSTGRES_EPOCH = datetime(2000, 1, 1, tzinfo=UTC)  # timestamptz: microseconds since then
_MICROSECOND = timedelta(microseconds=1)
_NULL = struct.pack("!i", -1)


def row_prefix(device_id: int, moment: datetime, cn: str) -> bytes:
    """The fields every value row of one packet starts with: the column count, device, data time
    (aware) and CN."""
    cn_bytes = cn.encode()
    micros = (moment - _POSTGRES_EPOCH) // _MICROSECOND
    return struct.pack("!hiqiqi", len(COLUMNS), 8, device_id, 8, micros, len(cn_bytes)) + cn_bytes


def measurement_copy_rows(cp: CP, prefix: bytes) -> bytes:
    """One COPY row per value of ``cp.measurements()``, each starting with ``prefix``."""
    if _measurement_copy_rows_c is not None:
        rows = _measurement_copy_rows_c(cp.text, prefix)
        if rows is not None:  # None: text the C version leaves to Python (not ASCII)
            return rows
    return measurement_copy_rows_python(cp, prefix)


def measurement_fields(cp: CP) -> Iterator[tuple[str, str, float | None, str]]:
    """(code, kind, value, flag) of each value, cut to the measurement table's columns."""
    for code, kind, value, flag, _raw in cp.measurements():
        yield code[:CODE_MAX], kind, value, (flag or "")[:FLAG_MAX]


def measurement_copy_rows_python(cp: CP, prefix: bytes) -> bytes:
    out = bytearray()
    for code, kind, value, flag in measurement_fields(cp):
        out += prefix
        for text in (code, kind):
            data = text.encode()
            out += struct.pack("!i", len(data)) + data
        out += _NULL if value is None else struct.pack("!id", 8, value)
        data = flag.encode()
        out += struct.pack("!i", len(data)) + data
    return bytes(out)


def copy_block(rows: bytes) -> bytes:
    """What ``Copy.write`` sends for ``rows``: COPY's binary format is the signature, the rows and the
    trailer."""
    return SIGNATURE + rows + TRAILER
