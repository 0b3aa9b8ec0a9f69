"""The C speedups give the same answers as the Python they stand in for (pgcopy, crc: see test_crc).

`make` builds them; an ImportError here means the build step did not run.
"""

import struct
from datetime import UTC, datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lantian.hj212 import _speedups, pgcopy
from lantian.hj212.cp import CP, NUMERIC_KINDS

PREFIX = pgcopy.row_prefix(7, datetime(2026, 5, 1, 8, tzinfo=UTC), "2051")


def rows_c(text: str) -> bytes | None:
    return _speedups.measurement_copy_rows(text, PREFIX)


def rows_python(text: str) -> bytes:
    return pgcopy.measurement_copy_rows_python(CP._from_text(text), PREFIX)


def read_rows(data: bytes) -> list[tuple]:
    """Parse binary COPY rows of the measurement columns (what PostgreSQL will read)."""
    rows, at = [], 0
    while at < len(data):
        (fields,) = struct.unpack_from("!h", data, at)
        at += 2
        row = []
        for _ in range(fields):
            (size,) = struct.unpack_from("!i", data, at)
            at += 4
            row.append(None if size < 0 else data[at : at + size])
            at += max(size, 0)
        rows.append(row)
    return [
        (
            struct.unpack("!q", device)[0],
            datetime(2000, 1, 1, tzinfo=UTC) + timedelta(microseconds=struct.unpack("!q", moment)[0]),
            cn.decode(),
            code.decode(),
            kind.decode(),
            None if value is None else struct.unpack("!d", value)[0],
            flag.decode(),
        )
        for device, moment, cn, code, kind, value, flag in rows
    ]


def test_rows_hold_the_values_of_the_packet():
    text = (
        "DataTime=20260501160000;a34004-Avg=38,a34004-Min=30,a34004-Max=45.5,a34004-Flag=N;"
        "a21005-Avg=1.2e-1,a21005-Flag=F;a99999-Avg=,a99999-Info=ok"
    )
    moment = datetime(2026, 5, 1, 8, tzinfo=UTC)
    assert read_rows(rows_c(text)) == [
        (7, moment, "2051", "a34004", "Avg", 38.0, "N"),
        (7, moment, "2051", "a34004", "Min", 30.0, "N"),
        (7, moment, "2051", "a34004", "Max", 45.5, "N"),
        (7, moment, "2051", "a21005", "Avg", 0.12, "F"),
        (7, moment, "2051", "a99999", "Avg", None, ""),  # sent empty: kept, without a value
    ]
    assert rows_c(text) == rows_python(text)


def test_first_value_of_a_kind_counts_and_the_flag_may_come_first():
    text = "a01001-Flag=M;a01001-Rtd=1;b-Rtd=2;a01001-Rtd=3;a01001-Flag=N"
    assert [row[3:] for row in read_rows(rows_c(text))] == [
        ("a01001", "Rtd", 1.0, "M"),
        ("b", "Rtd", 2.0, ""),
    ]
    assert rows_c(text) == rows_python(text)


def test_what_is_not_a_finite_plain_number_is_stored_without_a_value():
    for raw in ("1e999", "-1e999", "nan", "inf", "1_000", "1.2.3", "--1", "e5", "0x10", "+", ".", " 1"):
        text = f"a-Rtd={raw}"
        assert read_rows(rows_c(text))[0][5] is None, raw
        assert rows_c(text) == rows_python(text)
    long_number = "1" * 300 + ".5"
    assert read_rows(rows_c(f"a-Rtd={long_number}"))[0][5] == float(long_number)


def test_codes_and_flags_are_cut_to_their_columns():
    text = "a12345678901234567890-Rtd=1,a12345678901234567890-Flag=NXY"
    assert read_rows(rows_c(text))[0][3:] == ("a123456789012345", "Rtd", 1.0, "NX")
    assert rows_c(text) == rows_python(text)


def test_text_the_c_version_leaves_to_python():
    assert rows_c("a34004-Rtd=1,a34004-Info=设备正常") is None  # not ASCII
    crowded = ";".join(f"c{n}-Rtd={n}" for n in range(600))  # more items than a CP can hold
    assert rows_c(crowded) is None
    cp = CP._from_text(crowded)
    assert pgcopy.measurement_copy_rows(cp, PREFIX) == rows_python(crowded)
    assert len(read_rows(pgcopy.measurement_copy_rows(cp, PREFIX))) == 600


def test_row_prefix_counts_microseconds_from_2000_utc():
    # PostgreSQL binary COPY: timestamptz is int64 microseconds since 2000-01-01 00:00 UTC.
    prefix = pgcopy.row_prefix(1, datetime(2000, 1, 1, 0, 0, 1, 5, tzinfo=UTC), "2011")
    assert prefix == struct.pack("!hiqiqi", 7, 8, 1, 8, 1_000_005, 4) + b"2011"


CODES = st.sampled_from(["a34004", "a01001", "ea30010101", "", "x-y", "B03"])
SUFFIXES = st.sampled_from([*sorted(NUMERIC_KINDS), "Flag", "Info", "SampleTime", "", "Rtd-x"])
RAWS = st.one_of(
    st.text(alphabet="0123456789.+-eE", max_size=8),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.sampled_from(["N", "F", "1_0", "=", "a=b"]),
)
ITEMS = st.one_of(
    st.builds(lambda code, suffix, raw: f"{code}-{suffix}={raw}", CODES, SUFFIXES, RAWS),
    st.sampled_from(["DataTime=20260501160000", "RtdInterval=30", "", "-", "=x", "a=b-c=d"]),
)


@settings(max_examples=500, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(ITEMS, st.sampled_from(";,")), max_size=40))
def test_c_rows_equal_python_rows(items):
    text = "".join(item + delimiter for item, delimiter in items)[:-1]
    assert rows_c(text) == rows_python(text)


@given(st.text(alphabet="ab-=;,0123456789.eE+F", max_size=80))
def test_c_rows_equal_python_rows_on_any_ascii_text(text):
    assert rows_c(text) == rows_python(text)


@settings(max_examples=1000)
@given(st.from_regex(r"[+-]?[0-9]{0,17}(\.[0-9]{0,17})?([eE][+-]?[0-9]{1,3})?", fullmatch=True))
def test_decimal_values_are_read_exactly_as_python_reads_them(raw):
    # The C version reads short plain decimals itself (Clinger's fast path) and the rest with
    # CPython's own parser; either way the stored double must be the one float() gives.
    rows = read_rows(rows_c(f"a-Rtd={raw}"))
    expected = pgcopy.measurement_copy_rows_python(CP._from_text(f"a-Rtd={raw}"), PREFIX)
    assert rows_c(f"a-Rtd={raw}") == expected
    value = rows[0][5]
    try:
        number = float(raw)
    except ValueError:
        assert value is None
    else:
        assert value is None if number in (float("inf"), float("-inf")) else value == number
