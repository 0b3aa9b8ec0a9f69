"""Durable storage of accepted packets: raw log, measurements, device last-seen, latest values.

One call stores a whole batch in one transaction with a handful of statements, whatever its size
(ARCHITECTURE rule 10), and says which packets were new: a packet whose MN + QN + CN is already
stored (a device repeating an unacknowledged packet, or a spool replayed twice) is kept once.
Only after ``store`` returns may the gateway acknowledge (9014) the batch.
"""

from __future__ import annotations

import functools
import re
import weakref
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from django.core.cache import caches
from django.db import connections, transaction

from . import pgcopy
from .cp import CP
from .packet import Packet
from .secrets import mask_secrets

DEVICE_TIME_ZONE = ZoneInfo("Asia/Shanghai")  # devices send local time (HJ 212 DataTime, QN)
REALTIME_CACHE = "realtime"
_SESSIONS_WITH_INCOMING: weakref.WeakSet = weakref.WeakSet()  # PostgreSQL sessions that have the temp tables
_DATA_TIME = re.compile(r"(?:^|[;,])DataTime=(\d{14})(?:[;,]|$)")


@dataclass(slots=True)
class Received:
    """An accepted packet with where and when it arrived."""

    frame: bytes
    packet: Packet
    device_id: int
    received_at: datetime  # aware
    peer: str = ""
    gateway: str = ""
    deviations: str = ""
    cp: CP | None = None  # the values stored: the packet's CP, less any the gateway did not believe
    key: tuple[str, str, str] = field(init=False)
    data_time: datetime | None = field(init=False)  # aware (UTC), from the CP's local DataTime

    def __post_init__(self):
        self.key = (self.packet.mn or "", packet_qn(self.packet, self.received_at), self.packet.cn or "")
        self.data_time = _data_time(self.packet.cp.text)
        if self.cp is None:
            self.cp = self.packet.cp


def _data_time(cp_text: str) -> datetime | None:
    # DataTime read straight from the CP text: parsing all of CP here would cost more than the rest
    # of storing the packet.
    found = _DATA_TIME.search(cp_text)
    return None if found is None else _utc_time(found.group(1))


@functools.lru_cache(maxsize=65536)
def _utc_time(stamp: str) -> datetime | None:
    # Cached: the devices of a network report on the same minutes and half-minutes.
    try:
        return datetime(
            int(stamp[:4]),
            int(stamp[4:6]),
            int(stamp[6:8]),
            int(stamp[8:10]),
            int(stamp[10:12]),
            int(stamp[12:14]),
            tzinfo=DEVICE_TIME_ZONE,
        ).astimezone(UTC)  # the same instant; psycopg writes UTC times at a third of the cost
    except ValueError:
        return None


def packet_qn(packet: Packet, received_at: datetime) -> str:
    """The QN that, with MN and CN, identifies a packet. HJ/T 212-2005 packets may have none: their
    DataTime stands in; with neither, nothing tells two sendings apart and each is kept."""
    if packet.qn:
        return packet.qn
    data_time = packet.cp.get("DataTime")
    if data_time:
        return f"DT{data_time}"
    return f"RX{received_at:%Y%m%d%H%M%S%f}"


@dataclass(slots=True)
class Rejection:
    frame: bytes
    reason: str
    received_at: datetime
    qn_rtn: int | None = None
    mn: str = ""
    device_id: int | None = None
    peer: str = ""
    gateway: str = ""


@dataclass
class Status:
    """What the live pages show of the devices in some batches: each device's newest packet (its
    last-seen time, command and address) and the newest reading per device and data type."""

    newest: dict[int, Received] = field(default_factory=dict)  # device id → packet
    latest: dict[str, tuple[datetime, Received]] = field(default_factory=dict)  # cache key → reading

    def add(self, batch: Sequence[Received]) -> None:
        newest, latest = self.newest, self.latest
        for item in batch:
            seen = newest.get(item.device_id)
            if seen is None or item.received_at >= seen.received_at:
                newest[item.device_id] = item
            if item.data_time is not None:
                key = latest_key(item.device_id, item.packet.cn or "")
                held = latest.get(key)
                if held is None or item.data_time >= held[0]:
                    latest[key] = (item.data_time, item)

    def merge(self, other: Status) -> None:
        """Take in ``other`` (a status that could not be published), newer entries winning."""
        self.add([*other.newest.values(), *(item for _time, item in other.latest.values())])


class PacketStore:
    """Writes batches to the database ``using`` (call ``store`` from one thread: it uses that
    thread's connection) and the devices' live status to the database and the ``realtime`` cache.

    By default each batch's status is published as it is stored. A gateway passes
    ``publish_status=False``, collects it with ``take_status`` and publishes it every few seconds in
    another thread: rewriting the registry row and the cache entries of every device with every
    batch would cost as much as storing the packets, and publishing them all at once in the storing
    thread would hold up the acknowledgements behind it. The status pages count a device offline
    only after three missed intervals, so a few seconds behind change nothing there.
    """

    def __init__(self, using: str = "default", *, publish_status: bool = True):
        self.using = using
        self.publish_status = publish_status
        self._status = Status()
        self._latest_published: dict[str, datetime] = {}  # cache key → data time of what it holds

    @property
    def connection(self):
        return connections[self.using]

    def store(self, batch: Sequence[Received]) -> list[bool]:
        """Store ``batch`` atomically; returns for each item whether it was new (False: duplicate)."""
        if not batch:
            return []
        if self._copy_all_new(batch):
            new = [True] * len(batch)
        else:
            with transaction.atomic(using=self.using), self.connection.cursor() as cursor:
                inserted = self._insert_packets(cursor, batch)
                new = []
                for item in batch:
                    fresh = item.key in inserted
                    inserted.discard(item.key)  # a second copy in the same batch is a duplicate
                    new.append(fresh)
                self._insert_measurements(
                    cursor, [item for item, is_new in zip(batch, new, strict=True) if is_new]
                )
        self._status.add(batch)
        if self.publish_status:
            self.publish(self.take_status())
        return new

    def take_status(self) -> Status:
        """The status collected since the last call (from the thread that calls ``store``)."""
        status, self._status = self._status, Status()
        return status

    def publish(self, status: Status) -> None:
        """Write ``status``: last-seen times, unless a device already shows a newer packet (one that
        arrived late, or through another gateway); then the latest values. Those are written, never
        read back, so concurrent gateways do not race (``latest_values`` merges the data types);
        a reading older than the one this store last put there is left out. Call it from one
        thread at a time (any thread: it uses that thread's connection)."""
        if status.newest:
            with transaction.atomic(using=self.using), self.connection.cursor() as cursor:
                self._write_last_seen(cursor, status.newest)
        published = self._latest_published
        values = {
            key: (data_time.isoformat(), item.packet.cn or "", item.cp.text)
            for key, (data_time, item) in status.latest.items()
            if key not in published or data_time >= published[key]
        }
        if values:
            caches[REALTIME_CACHE].set_many(values, timeout=None)
            published.update((key, status.latest[key][0]) for key in values)

    def reject(self, rejections: Sequence[Rejection]) -> None:
        if not rejections:
            return
        ops = self.connection.ops
        rows = [
            (
                ops.adapt_datetimefield_value(r.received_at),
                r.device_id,
                r.mn[:24],
                mask_secrets(r.reason),  # the API serves reasons as stored; the frame keeps the bytes
                r.qn_rtn,
                r.frame[:8192],
                r.peer[:64],
                r.gateway[:64],
            )
            for r in rejections
        ]
        with transaction.atomic(using=self.using), self.connection.cursor() as cursor:
            cursor.executemany(
                "INSERT INTO hj212_rejectedpacket"
                " (received_at, device_id, mn, reason, qn_rtn, frame, peer, gateway)"
                " VALUES (%s, %s, %s, %s, %s, %s, %s, %s)",
                rows,
            )

    # -- statements ----------------------------------------------------------------------------
    PACKET_COLUMNS = (
        "received_at",
        "device_id",
        "mn",
        "qn",
        "cn",
        "st",
        "data_time",
        "resent",
        "frame",
        "peer",
        "gateway",
        "deviations",
    )
    MEASUREMENT_COLUMNS = pgcopy.COLUMNS

    def _packet_rows(self, batch) -> list[tuple]:
        adapt = self.connection.ops.adapt_datetimefield_value
        return [
            (
                adapt(item.received_at),
                item.device_id,
                *item.key,
                item.packet.st or "",
                adapt(item.data_time) if item.data_time else None,
                item.packet.resent,
                item.frame,
                item.peer[:64],
                item.gateway[:64],
                mask_secrets(item.deviations) if item.deviations else "",
            )
            for item in batch
        ]

    def _measurement_rows(self, items) -> list[tuple]:
        """SQLite's rows; PostgreSQL gets ``_measurement_copy``."""
        adapt = self.connection.ops.adapt_datetimefield_value
        rows = []
        for item in items:
            if item.data_time is None:
                continue
            device_id, moment, cn = item.device_id, adapt(item.data_time), item.packet.cn or ""
            rows.extend((device_id, moment, cn, *fields) for fields in pgcopy.measurement_fields(item.cp))
        return rows

    @staticmethod
    def _measurement_copy(items) -> bytes:
        """The rows of ``_measurement_rows`` in PostgreSQL's binary COPY format (see pgcopy)."""
        return b"".join(
            pgcopy.measurement_copy_rows(
                item.cp, pgcopy.row_prefix(item.device_id, item.data_time, item.packet.cn or "")
            )
            for item in items
            if item.data_time is not None
        )

    def _copy_all_new(self, batch) -> bool:
        """PostgreSQL, the usual case of a batch with nothing stored before: COPY the packets and
        their values straight into their tables (a third of PostgreSQL's work through temporary
        tables), in a transaction of their own. A packet or a reading already there makes a COPY fail
        and rolls it back; the batch then takes the way that skips what is stored (False). The
        gateway acknowledges repeats it has just stored without sending them here, so that way is
        rare."""
        if self.connection.vendor != "postgresql":
            return False
        import psycopg

        try:
            with transaction.atomic(using=self.using), self._pg_cursor() as pg:
                _copy(pg, "hj212_rawpacket", self.PACKET_COLUMNS, PACKET_TYPES, self._packet_rows(batch))
                _copy_measurements(pg, "hj212_measurement", self._measurement_copy(batch))
        except psycopg.errors.UniqueViolation:
            return False
        return True

    def _insert_packets(self, cursor, batch) -> set[tuple[str, str, str]]:
        """Insert the packets not stored yet; returns the keys (MN, QN, CN) of those inserted."""
        if self.connection.vendor == "postgresql":
            with self._pg_cursor() as pg:
                self._create_incoming_tables(pg)
                _copy(pg, "incoming_hj212", self.PACKET_COLUMNS, PACKET_TYPES, self._packet_rows(batch))
                pg.execute(INSERT_INCOMING_PACKETS.format(columns=", ".join(self.PACKET_COLUMNS)))
                return {tuple(row) for row in pg.fetchall()}
        rows = self._packet_rows(batch)
        columns = ", ".join(self.PACKET_COLUMNS)
        inserted: set[tuple[str, str, str]] = set()
        width = len(self.PACKET_COLUMNS)
        for start in range(0, len(rows), 2000):  # SQLite takes 32,766 parameters per statement
            chunk = rows[start : start + 2000]
            values = ", ".join(["(" + ", ".join(["%s"] * width) + ")"] * len(chunk))
            cursor.execute(
                f"INSERT INTO hj212_rawpacket ({columns}) VALUES {values} "
                "ON CONFLICT (mn, qn, cn) DO NOTHING RETURNING mn, qn, cn",
                [value for row in chunk for value in row],
            )
            inserted.update(tuple(row) for row in cursor.fetchall())
        return inserted

    def _insert_measurements(self, cursor, items) -> None:
        """The values of newly stored packets. Two packets with different QNs may still carry the same
        reading (a device re-sending its data under a new QN); the first one stored is kept."""
        if self.connection.vendor != "postgresql":
            rows = self._measurement_rows(items)
            if not rows:
                return
            cursor.executemany(
                f"INSERT INTO hj212_measurement ({', '.join(self.MEASUREMENT_COLUMNS)}) "
                "VALUES (%s, %s, %s, %s, %s, %s, %s) ON CONFLICT DO NOTHING",
                rows,
            )
            return
        import psycopg

        rows = self._measurement_copy(items)
        with self._pg_cursor() as pg:
            # Straight into the table, as in _copy_all_new; only if a reading is already there do the
            # rows take the way that skips it.
            try:
                with transaction.atomic(using=self.using):
                    _copy_measurements(pg, "hj212_measurement", rows)
            except psycopg.errors.UniqueViolation:
                _copy_measurements(pg, "incoming_hj212_values", rows)
                pg.execute(INSERT_INCOMING_VALUES.format(columns=", ".join(self.MEASUREMENT_COLUMNS)))

    def _pg_cursor(self):
        """A plain psycopg cursor: Django's bind parameters on the client, and COPY wants its own."""
        import psycopg

        return psycopg.Cursor(self.connection.connection)

    def prepare(self) -> None:
        """Connect, and on PostgreSQL create this session's temporary tables, before the first batch."""
        self.connection.ensure_connection()
        if self.connection.vendor == "postgresql":
            with transaction.atomic(using=self.using), self._pg_cursor() as pg:
                self._create_incoming_tables(pg)

    def _create_incoming_tables(self, pg) -> None:
        # Creating them costs more than the rest of a small batch: once per session, counted only when
        # the transaction that created them commits (a rollback takes them away again).
        raw = self.connection.connection
        if raw not in _SESSIONS_WITH_INCOMING:
            pg.execute(INCOMING_TABLES)
            transaction.on_commit(lambda: _SESSIONS_WITH_INCOMING.add(raw), using=self.using)

    def _write_last_seen(self, cursor, newest: dict[int, Received]) -> None:
        adapt = self.connection.ops.adapt_datetimefield_value
        rows = [
            (adapt(item.received_at), (item.packet.cn or "")[:4], item.peer[:64], device_id)
            for device_id, item in sorted(newest.items())
        ]
        if self.connection.vendor == "postgresql":
            times, cns, peers, ids = (list(column) for column in zip(*rows, strict=True))
            cursor.execute(
                "UPDATE hj212_device AS d SET last_seen_at = v.t, last_cn = v.cn, last_peer = v.peer "
                "FROM unnest(%s::timestamptz[], %s::varchar[], %s::varchar[], %s::bigint[])"
                " AS v(t, cn, peer, id) "
                "WHERE d.id = v.id AND (d.last_seen_at IS NULL OR d.last_seen_at <= v.t)",
                [times, cns, peers, ids],
            )
        else:
            cursor.executemany(
                "UPDATE hj212_device SET last_seen_at = %s, last_cn = %s, last_peer = %s "
                "WHERE id = %s AND (last_seen_at IS NULL OR last_seen_at <= %s)",
                [(*row, row[0]) for row in rows],
            )


LATEST_COMMANDS = ("2011", "2051", "2061", "2031")  # real-time, minute, hourly, daily


def latest_key(device_id: int, cn: str) -> str:
    return f"hj212:latest:{device_id}:{cn}"


def latest_values(device_id: int) -> dict[str, dict]:
    """code → {"time": data time, "cn": …, "Rtd"/"Avg"/… : value text, "Flag": …}: the newest
    reading of each code over the data types the device sends."""
    stored = caches[REALTIME_CACHE].get_many([latest_key(device_id, cn) for cn in LATEST_COMMANDS])
    latest: dict[str, dict] = {}
    for stamp, cn, text in sorted(stored.values()):  # oldest first: newer readings win
        for code, suffixes in CP(text).values.items():
            latest[code] = {"time": datetime.fromisoformat(stamp), "cn": cn, **suffixes}
    return latest


def _copy(pg, table: str, columns: Sequence[str], types: Sequence[str], rows: Sequence[tuple]) -> None:
    """COPY ``rows`` into ``table`` in the binary format: nothing for PostgreSQL to parse, and dumped
    by psycopg's C code."""
    with pg.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN (FORMAT BINARY)") as copy:
        copy.set_types(types)
        for row in rows:
            copy.write_row(row)


def _copy_measurements(pg, table: str, rows: bytes) -> None:
    """COPY measurement rows already in the binary format (pgcopy) into ``table``."""
    if rows:
        with pg.copy(f"COPY {table} ({', '.join(pgcopy.COLUMNS)}) FROM STDIN (FORMAT BINARY)") as copy:
            copy.write(pgcopy.copy_block(rows))


PACKET_TYPES = (
    "timestamptz", "int8", "text", "text", "text", "text",
    "timestamptz", "bool", "bytea", "text", "text", "text",
)  # fmt: skip

# Each batch COPYs into them and one statement moves the rows on, emptying them (DELETE: a batch is
# a few hundred rows, and TRUNCATE makes new files every time).
INCOMING_TABLES = """
CREATE TEMPORARY TABLE IF NOT EXISTS incoming_hj212 (
    received_at timestamptz, device_id bigint, mn varchar, qn varchar, cn varchar, st varchar,
    data_time timestamptz, resent boolean, frame bytea, peer varchar, gateway varchar, deviations text
);
CREATE TEMPORARY TABLE IF NOT EXISTS incoming_hj212_values (
    device_id bigint, time timestamptz, cn varchar, code varchar, kind varchar, value float8, flag varchar
)"""

INSERT_INCOMING_PACKETS = """
WITH incoming AS (DELETE FROM incoming_hj212 RETURNING {columns})
INSERT INTO hj212_rawpacket ({columns}) SELECT {columns} FROM incoming
ON CONFLICT (mn, qn, cn) DO NOTHING RETURNING mn, qn, cn
"""

INSERT_INCOMING_VALUES = """
WITH incoming AS (DELETE FROM incoming_hj212_values RETURNING {columns})
INSERT INTO hj212_measurement ({columns}) SELECT {columns} FROM incoming ON CONFLICT DO NOTHING
"""
