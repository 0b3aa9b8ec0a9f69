"""An enterprise's emissions over a period (spec §4), computed in bulk with the vectorised kernel.

For every valid seal point of the enterprise:

- detected in the period (and accessible): the mid-point method over its readings, with the unit's and
  its area's shutdowns taken out (``standards.period_emissions_array``, once per unit and area). The
  *initial* figure uses the routine detections only — a leak's rate runs until the next detection; the
  figure *after repair* adds the re-tests, so a repaired leak's rate drops from its re-test on;
- inaccessible, or without a reading in the period: the average emission factor of its type and
  material state times the operating hours (both figures alike).

The coefficients are the installation's (``EmissionCoefficient``), the set the account names. Readings
are read with one query each for detections and re-tests; nothing is computed point by point in Python.
"""

from __future__ import annotations

import gc
from collections import defaultdict
from contextlib import contextmanager
from datetime import UTC, date, datetime, time, timedelta
from itertools import chain, islice

import numpy as np
from django.db import connection, connections, transaction
from django.db.models import Field, Func, Q
from django.utils import timezone

from lantian.ldar import standards
from lantian.ldar.models import DetectionRecord, RetestRecord, SealPoint, SealPointType, UnitShutdown
from lantian.ldar.models.emissions import (
    CoefficientSet,
    EmissionAccount,
    PointEmission,
    coefficient_table,
)

REFINING_INDUSTRIES = frozenset({"refining"})


def coefficient_set_for(industry: str) -> str:
    """The guide's set for an enterprise's industry: refineries 石油炼制, every other 石油化工."""
    return CoefficientSet.REFINING if industry in REFINING_INDUSTRIES else CoefficientSet.PETROCHEMICAL


def period_bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """From the first day's midnight to the midnight after the last day, in the site's time zone."""
    zone = timezone.get_current_timezone()
    return (
        datetime.combine(start, time.min, zone),
        datetime.combine(end + timedelta(days=1), time.min, zone),
    )


@contextmanager
def cyclic_gc_paused():
    """The cyclic garbage collector off for a while: a city's account makes hundreds of thousands of
    row tuples, none of them in a cycle, and every one counted towards a collection of the whole heap
    (a Django process's: half the time of reading the readings went to it)."""
    paused = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if paused:
            gc.enable()


@transaction.atomic
@cyclic_gc_paused()
def compute_account(account: EmissionAccount) -> EmissionAccount:
    """Compute ``account``'s figures and point rows (replacing earlier ones) and save it."""
    begin, finish = period_bounds(account.start, account.end)
    # The point rows' links have no database constraints (250,000 checks a city): the account is locked
    # instead, so that it cannot be deleted under rows being written for it.
    EmissionAccount.objects.select_for_update().filter(pk=account.pk).values_list("pk").first()
    table = coefficient_table()
    points = Points.of(account.enterprise_id)
    # A reading carries its point's enterprise (copied from its cycle, whose enterprise the point's is):
    # filtered by it, the readings come from the enterprise's time index without a join to the points.
    detections = Readings.read(
        DetectionRecord.objects.filter(
            enterprise_id=account.enterprise_id, started_at__range=(begin, finish)
        ),
        "started_at",
        points,
    )
    retests = Readings.read(
        RetestRecord.objects.filter(enterprise_id=account.enterprise_id, tested_at__range=(begin, finish)),
        "tested_at",
        points,
    )
    everything = detections.plus(retests)
    stops = shutdowns_by_place(account.enterprise_id, begin, finish)

    initial = np.zeros(points.count)
    after = np.zeros(points.count)
    hours = np.zeros(points.count)

    def down_at(place: tuple[int, int | None]) -> tuple:
        unit_id, area_id = place
        return (*stops.get((unit_id, None), []), *(stops.get((unit_id, area_id), []) if area_id else []))

    # One kernel run for all the places stopped alike (most never are): a point's figure depends on its
    # own readings and its place's stops only.
    places = points.places().merged(down_at)
    for readings, result in ((detections, initial), (everything, after)):
        for down, members, (local, times, values) in places.split(readings):
            hours[members] = standards.operating_hours(begin, finish, down)
            result[members] = standards.period_emissions_array(
                local, times, values, begin, finish,
                component_types=points.types[members], material_states=points.states[members],
                industry=account.coefficient_set, shutdowns=down, coefficients=table,
            )  # fmt: skip

    by_factor = ~points.accessible | (detections.counts == 0)
    factors = standards.average_factor_by_index(
        points.type_index, points.state_index, account.coefficient_set, table
    )
    initial[by_factor] = after[by_factor] = (factors * hours)[by_factor]
    first, every = methods_of(points, detections, everything, by_factor)

    account.point_emissions.all().delete()
    write_point_rows(
        account,
        (
            points.ids.tolist(), points.tags, points.units.tolist(), points.seal_types.tolist(),
            points.states.tolist(), first, every, everything.counts.tolist(), hours.tolist(),
            initial.tolist(), after.tolist(),
        ),
    )  # fmt: skip
    account.points = points.count
    account.detected_points = int((~by_factor).sum())
    account.average_factor_points = int(by_factor.sum())
    account.initial_kg = float(initial.sum())
    account.after_repair_kg = float(after.sum())
    account.reduction_kg = account.initial_kg - account.after_repair_kg
    account.computed_at = timezone.now()
    account.save()
    return account


POINT_COLUMNS = (
    "account_id", "seal_point_id", "tag", "unit_id", "seal_type_id", "material_state", "method", "methods",
    "readings", "hours", "initial_kg", "after_repair_kg",
)  # fmt: skip


def write_point_rows(account: EmissionAccount, columns: tuple[list, ...]) -> None:
    """The point rows, given as columns in ``POINT_COLUMNS``' order after the account, without model
    instances (a city's accounts run to hundreds of thousands of points, and building an instance for
    each would cost more than the computation): PostgreSQL takes them by a binary COPY built by numpy,
    elsewhere INSERTs of as many rows as a statement may hold."""
    table = PointEmission._meta.db_table
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            names = ", ".join(quote(column) for column in BINARY_COLUMNS)
            with cursor.cursor.copy(f"COPY {quote(table)} ({names}) FROM STDIN WITH (FORMAT binary)") as copy:
                copy.write(copy_binary(account.pk, columns))
            return
        names = ", ".join(quote(column) for column in POINT_COLUMNS)
        rows = zip([account.pk] * len(columns[0]), *columns, strict=True)
        # Many rows a statement: SQLite's per-statement work (the AUTOINCREMENT counter among it) once
        # per batch, not per row.
        size = max(1, connection.features.max_query_params // len(POINT_COLUMNS))
        row = f"({', '.join(['%s'] * len(POINT_COLUMNS))})"
        full, rest = divmod(len(columns[0]), size)
        if full:  # one executemany: the driver's placeholders are converted once
            sql = f"INSERT INTO {quote(table)} ({names}) VALUES {', '.join([row] * size)}"
            cursor.executemany(sql, [tuple(chain(*islice(rows, size))) for _ in range(full)])
        if rest:
            sql = f"INSERT INTO {quote(table)} ({names}) VALUES {', '.join([row] * rest)}"
            cursor.execute(sql, list(chain(*rows)))


# The binary COPY's columns: the fixed-size ones first (a row's first 94 bytes are then one numpy
# record), the texts after. Their types are the table's: bigint links, integer readings, double figures.
BINARY_COLUMNS = (
    "account_id", "seal_point_id", "unit_id", "seal_type_id", "readings", "hours", "initial_kg",
    "after_repair_kg", "tag", "material_state", "method", "methods",
)  # fmt: skip


def sized(names: tuple[str, ...], kind: str) -> list[tuple[str, str]]:
    """Binary COPY fields: each value behind its length."""
    return [item for name in names for item in ((f"{name}_size", ">i4"), (name, kind))]


BINARY_FIXED = np.dtype(
    [
        ("fields", ">i2"),
        *sized(("account", "point", "unit", "type"), ">i8"),
        *sized(("readings",), ">i4"),
        *sized(("hours", "initial", "after"), ">f8"),
    ]
)
BINARY_HEADER = b"PGCOPY\n\xff\r\n\x00" + bytes(8)  # signature, no flags, no header extension
BINARY_TRAILER = b"\xff\xff"


def copy_binary(account_id: int, columns: tuple[list, ...]) -> bytes:
    """PostgreSQL's binary COPY format of the point rows (``BINARY_COLUMNS``), assembled by numpy: the
    fixed-size fields as one record array, each text column's UTF-8 bytes scattered after them, row by
    row, behind their lengths. No number is printed as text for the server to parse back."""
    ids, tags, units, seal_types, states, first, every, readings, hours, initial, after = columns
    count = len(ids)
    if not count:
        return BINARY_HEADER + BINARY_TRAILER
    fixed = np.zeros(count, dtype=BINARY_FIXED)
    fixed["fields"] = len(BINARY_COLUMNS)
    for name, values in (
        ("account", account_id), ("point", ids), ("unit", units), ("type", seal_types),
        ("readings", readings), ("hours", hours), ("initial", initial), ("after", after),
    ):  # fmt: skip
        fixed[f"{name}_size"] = fixed.dtype[name].itemsize
        fixed[name] = values
    texts, sizes = zip(*(utf8_column(column) for column in (tags, states, first, every)), strict=True)
    row_sizes = BINARY_FIXED.itemsize + sum(4 + size for size in sizes)
    starts = np.zeros(count + 1, dtype=np.int64)
    np.cumsum(row_sizes, out=starts[1:])
    data = np.empty(int(starts[-1]), dtype=np.uint8)
    data[starts[:-1, None] + np.arange(BINARY_FIXED.itemsize)] = fixed.view(np.uint8).reshape(count, -1)
    at = starts[:-1] + BINARY_FIXED.itemsize  # where each row's next text field begins
    for column, size in zip(texts, sizes, strict=True):
        data[at[:, None] + np.arange(4)] = size.astype(">i4").view(np.uint8).reshape(count, 4)
        at = at + 4
        body = np.frombuffer(column, dtype=np.uint8)
        if body.size:
            within = np.arange(body.size) - np.repeat(np.cumsum(size) - size, size)
            data[np.repeat(at, size) + within] = body
        at = at + size
    return BINARY_HEADER + data.tobytes() + BINARY_TRAILER


def utf8_column(texts: list[str]) -> tuple[bytes, np.ndarray]:
    """The texts' UTF-8 bytes run together, and each text's length in bytes: its length in characters
    when all are ASCII (no text encoded on its own)."""
    joined = "".join(texts)
    if joined.isascii():
        return joined.encode(), np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
    encoded = [text.encode() for text in texts]
    return b"".join(encoded), np.fromiter(map(len, encoded), dtype=np.int64, count=len(texts))


class Points:
    """The valid seal points of an enterprise as columns."""

    def __init__(self, rows: list[tuple]):
        columns = list(zip(*rows, strict=True)) if rows else [()] * 8
        self.set_columns(*columns)

    def set_columns(self, ids, tags, units, areas, seal_types, type_codes, states, accessible):
        self.count = len(tags)
        self.ids = np.asarray(ids, dtype=np.int64)
        self.tags = list(tags)
        self.units = np.asarray(units, dtype=np.int64)
        self.areas = np.array([area or 0 for area in areas], dtype=np.int64)
        self.seal_types = np.asarray(seal_types, dtype=np.int64)
        known = set(standards.TYPE_CODES)
        # A type an administrator added outside the standard's list counts as "other sealing device".
        self.types = np.array([code if code in known else "other" for code in type_codes], dtype="U20")
        self.states = np.array(states, dtype="U20")
        self.accessible = np.asarray(accessible, dtype=bool)
        self.type_index = code_index(self.types, standards.TYPE_CODES)
        self.state_index = code_index(self.states, standards.MATERIAL_STATES)

    @classmethod
    def of(cls, enterprise_id: int) -> Points:
        """Read raw, without Django's per-value converters (nothing here needs one: ``accessible`` may
        come as 0/1, which numpy reads as well); on PostgreSQL packed by the server (``packed``)."""
        queryset = SealPoint.objects.filter(enterprise_id=enterprise_id, is_valid=True).order_by("pk")
        if connections[queryset.db].vendor == "postgresql":
            return cls.packed(queryset)
        queryset = queryset.values_list(
            "pk",
            "tag",
            "unit_id",
            "area_id",
            "seal_type_id",
            "seal_type__code",
            "material_state",
            "accessible",
        )
        sql, params = queryset.query.sql_with_params()
        with connections[queryset.db].cursor() as cursor:
            cursor.execute(sql, params)
            return cls(cursor.fetchall())

    @classmethod
    def packed(cls, queryset) -> Points:
        """The points in two values: their numbers in PostgreSQL's binary send format as one bytea
        (``PACKED_POINT``), their tags and material states run together as one text, cut by the lengths
        sent with the numbers; the types' codes from the types' table. No Python object per value."""
        sql, params = (
            queryset.order_by()
            .values_list("pk", "unit_id", "area_id", "seal_type_id", "accessible", "tag", "material_state")
            .query.sql_with_params()
        )
        packed = (
            "SELECT string_agg(int8send(p.id) || int8send(p.unit) || int8send(coalesce(p.area, 0)) "
            "|| int8send(p.type) || int4send(char_length(p.tag)) || int4send(char_length(p.state)) "
            "|| boolsend(p.accessible), ''::bytea), string_agg(p.tag || p.state, '') "
            f"FROM ({sql}) AS p(id, unit, area, type, accessible, tag, state)"
        )
        with connections[queryset.db].cursor() as cursor:
            cursor.execute(packed, params)
            data, text = cursor.fetchone()
        rows = np.frombuffer(bytes(data or b""), dtype=PACKED_POINT)
        order = np.argsort(rows["id"], kind="stable")  # aggregated in no particular order
        ends = np.cumsum(rows["tag"].astype(np.int64) + rows["state"])
        tag_ends = ends - rows["state"]
        starts = (ends - rows["tag"] - rows["state"]).tolist()
        tags = [text[start:end] for start, end in zip(starts, tag_ends.tolist(), strict=True)]
        states = [text[start:end] for start, end in zip(tag_ends.tolist(), ends.tolist(), strict=True)]
        order_list = order.tolist()
        rows = rows[order]
        seal_types = rows["seal_type"].astype(np.int64)
        codes = dict(
            SealPointType.objects.filter(pk__in=np.unique(seal_types).tolist()).values_list("pk", "code")
        )
        points = cls([])
        points.set_columns(
            rows["id"].astype(np.int64),
            [tags[i] for i in order_list],
            rows["unit"].astype(np.int64),
            rows["area"].astype(np.int64),
            seal_types,
            [codes[pk] for pk in seal_types.tolist()],
            [states[i] for i in order_list],
            rows["accessible"].astype(bool),
        )
        return points

    def places(self) -> Places:
        return Places.of(self)


class Places:
    """The points grouped by (unit, area): the kernel runs once per group, whose shutdowns it shares."""

    def __init__(self, group: np.ndarray, keys: list):
        """``group``: each point's position in ``keys``."""
        self.group, self.keys = group, keys
        count = group.size
        self.order = np.argsort(self.group, kind="stable")
        self.bounds = np.searchsorted(self.group[self.order], np.arange(len(self.keys) + 1))
        self.local = np.empty(count, dtype=np.int64)  # a point's position within its group
        self.local[self.order] = np.arange(count) - self.bounds[self.group[self.order]]

    @classmethod
    def of(cls, points: Points) -> Places:
        keys, group = np.unique(np.stack([points.units, points.areas]), axis=1, return_inverse=True)
        return cls(group.ravel(), [(int(unit), int(area) or None) for unit, area in keys.T])

    def merged(self, key_of) -> Places:
        """These places with those of equal ``key_of(key)`` as one, keyed by it."""
        keys: dict = {}
        to = np.array([keys.setdefault(key_of(key), len(keys)) for key in self.keys], dtype=np.int64)
        return Places(to[self.group] if self.group.size else self.group, list(keys))

    def split(self, readings: Readings):
        """(key, member points, (their readings' local points, times, values)) per group."""
        of_reading = self.group[readings.points]
        order = np.argsort(of_reading, kind="stable")
        bounds = np.searchsorted(of_reading[order], np.arange(len(self.keys) + 1))
        for g, key in enumerate(self.keys):
            members = self.order[self.bounds[g] : self.bounds[g + 1]]
            mine = order[bounds[g] : bounds[g + 1]]
            yield (
                key,
                members,
                (self.local[readings.points[mine]], readings.times[mine], readings.values[mine]),
            )


class Readings:
    """Readings as columns: the point's position, the time (UTC, datetime64) and the net value."""

    def __init__(self, points: np.ndarray, times: np.ndarray, values: np.ndarray, count: int):
        self.points, self.times, self.values = points, times, values
        self.counts = np.bincount(points, minlength=count) if points.size else np.zeros(count, dtype=np.int64)

    @classmethod
    def read(cls, queryset, time_field: str, points: Points) -> Readings:
        """The readings of ``queryset`` (seal point, ``time_field``, net value), unordered: on PostgreSQL
        by a binary COPY read into numpy at once, elsewhere by ``of``."""
        queryset = queryset.order_by()
        if queryset.query.is_empty():
            none = np.zeros(0, np.int64)
            return cls.of_columns(none, none.astype("datetime64[us]"), none.astype(np.float64), points)
        if connections[queryset.db].vendor == "postgresql":
            return cls.copied(queryset.values_list("seal_point_id", time_field, "net_value"), points)
        return cls.of(queryset.values_list("seal_point_id", StoredMoment(time_field), "net_value"), points)

    @classmethod
    def copied(cls, queryset, points: Points) -> Readings:
        """From a ``values_list(seal point id, time, net value)`` queryset on PostgreSQL: the server packs
        every row into 24 bytes of its binary send format (bigint, timestamptz as microseconds since
        2000-01-01 UTC, double precision) and returns them as one bytea, which numpy reads at once,
        without a Python object per value."""
        sql, params = queryset.query.sql_with_params()
        packed = (
            "SELECT string_agg(int8send(r.point) || timestamptz_send(r.at) || float8send(r.net), ''::bytea) "
            f"FROM ({sql}) AS r(point, at, net)"
        )
        with connections[queryset.db].cursor() as cursor:
            cursor.execute(packed, params)
            data = cursor.fetchone()[0]
        return cls.of_columns(*packed_columns(bytes(data or b"")), points)

    @classmethod
    def of(cls, queryset, points: Points) -> Readings:
        """From a ``values_list(seal point id, time, net value)`` queryset, read without Django's
        per-value converters (a million readings); readings of points no longer valid are left out."""
        sql, params = queryset.query.sql_with_params()
        with connections[queryset.db].cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        if not rows:
            return cls(np.zeros(0, np.int64), np.zeros(0, "datetime64[us]"), np.zeros(0), points.count)
        ids, moments, values = zip(*rows, strict=True)
        return cls.of_columns(
            np.array(ids, dtype=np.int64), utc_times(moments), np.array(values, dtype=np.float64), points
        )

    @classmethod
    def of_columns(cls, ids: np.ndarray, times: np.ndarray, values: np.ndarray, points: Points) -> Readings:
        """From the columns read; readings of points no longer valid are left out."""
        if not ids.size:
            return cls(np.zeros(0, np.int64), np.zeros(0, "datetime64[us]"), np.zeros(0), points.count)
        at = np.searchsorted(points.ids, ids)  # points.ids is sorted
        known = (
            (at < points.count) & (points.ids[np.minimum(at, points.count - 1)] == ids)
            if points.count
            else ids < 0
        )
        return cls(at[known], times[known], values[known], points.count)

    def plus(self, other: Readings) -> Readings:
        return Readings(
            np.concatenate([self.points, other.points]),
            np.concatenate([self.times, other.times]),
            np.concatenate([self.values, other.values]),
            self.counts.size,
        )

    def of_points(self, members: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The readings of ``members`` with the points renumbered 0… in ``members``' order."""
        local = np.full(self.counts.size, -1, dtype=np.int64)
        local[members] = np.arange(members.size)
        mine = local[self.points] >= 0 if self.points.size else np.zeros(0, dtype=bool)
        return local[self.points[mine]], self.times[mine], self.values[mine]


class StoredMoment(Func):
    """A time column as read in bulk by ``Readings.of`` without a datetime built per row: on PostgreSQL
    the microseconds since the epoch, on SQLite the stored UTC text (an expression escapes the driver's
    per-column datetime converter); numpy reads either at once. Read raw, not through a queryset."""

    output_field = Field()

    def as_sql(self, compiler, connection, **extra):
        return compiler.compile(self.source_expressions[0])

    def as_sqlite(self, compiler, connection, **extra):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"CAST({sql} AS TEXT)", params

    def as_postgresql(self, compiler, connection, **extra):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"(EXTRACT(EPOCH FROM {sql}) * 1000000)::bigint", params


PACKED_POINT = np.dtype(
    [
        ("id", ">i8"), ("unit", ">i8"), ("area", ">i8"), ("seal_type", ">i8"), ("tag", ">i4"),
        ("state", ">i4"), ("accessible", "u1"),
    ]
)  # fmt: skip
PACKED_ROW = np.dtype([("id", ">i8"), ("time", ">i8"), ("value", ">f8")])
PG_EPOCH = np.datetime64("2000-01-01T00:00:00", "us")


def packed_columns(data: bytes) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(ids, naive UTC datetime64, values) of (bigint, timestamptz, double) rows in PostgreSQL's binary
    send format, 24 bytes a row."""
    if len(data) % PACKED_ROW.itemsize:
        raise ValueError(f"packed readings of {len(data)} bytes are not 24-byte rows")
    rows = np.frombuffer(data, dtype=PACKED_ROW)
    times = PG_EPOCH + rows["time"].astype(np.int64).astype("timedelta64[us]")
    return rows["id"].astype(np.int64), times, rows["value"].astype(np.float64)


def utc_times(moments) -> np.ndarray:
    """Stored times as naive UTC datetime64: microseconds since the epoch (``StoredMoment`` on
    PostgreSQL), or SQLite's naive datetimes (or text) in UTC. Aware datetimes are converted one by
    one. (A naive time must not meet ``astimezone``: Django sets the process's local time zone to
    TIME_ZONE.)"""
    if isinstance(moments[0], int):
        return np.array(moments, dtype=np.int64).astype("datetime64[us]")
    if isinstance(moments[0], str) or moments[0].tzinfo is None:
        return np.array(moments, dtype="datetime64[us]")
    return np.array(
        [moment.astimezone(UTC).replace(tzinfo=None) for moment in moments], dtype="datetime64[us]"
    )


def shutdowns_by_place(enterprise_id: int, begin: datetime, finish: datetime) -> dict:
    """(unit, area or None) → the stops overlapping the period; a stop still open lasts to its end."""
    stops = defaultdict(list)
    rows = UnitShutdown.objects.filter(enterprise_id=enterprise_id, start__lt=finish).filter(
        Q(end__isnull=True) | Q(end__gt=begin)
    )
    for unit_id, area_id, start, end in rows.values_list("unit_id", "area_id", "start", "end"):
        stops[unit_id, area_id].append((start, end or finish))
    return dict(stops)


METHOD_CODES = (standards.DEFAULT_ZERO, standards.CORRELATION, standards.PEGGED)


def method_codes(values: np.ndarray) -> np.ndarray:
    """0 default-zero, 1 correlation, 2 pegged (``standards.emission_method`` for many values)."""
    return (values >= standards.DEFAULT_ZERO_BELOW).astype(np.intp) + (values >= standards.PEGGED_FROM)


def methods_of(points: Points, detections: Readings, everything: Readings, by_factor: np.ndarray):
    """Per point: the method of its highest routine reading, and every method its readings (re-tests
    included) were charged by, that one first; the average factor for the points without."""
    used = np.zeros(points.count, dtype=np.intp)
    np.bitwise_or.at(used, everything.points, 1 << method_codes(everything.values))
    highest = np.zeros(points.count)
    np.maximum.at(highest, detections.points, detections.values)
    first_code = method_codes(highest)
    names = [
        ",".join([METHOD_CODES[first], *(METHOD_CODES[c] for c in range(3) if mask >> c & 1 and c != first)])
        for first in range(3)
        for mask in range(8)
    ]
    # the names looked up for all the points at once, the average factor's last
    first_names = np.array([*METHOD_CODES, standards.AVERAGE_FACTOR], dtype=object)
    every_names = np.array([*names, standards.AVERAGE_FACTOR], dtype=object)
    first = first_names[np.where(by_factor, len(METHOD_CODES), first_code)].tolist()
    every = every_names[np.where(by_factor, len(names), first_code * 8 + used)].tolist()
    return first, every


def code_index(codes: np.ndarray, known: tuple[str, ...]) -> np.ndarray:
    index = np.zeros(codes.shape, dtype=np.intp)
    for position, code in enumerate(known):
        index[codes == code] = position
    return index
