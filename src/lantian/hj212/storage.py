"""Durable storage of accepted packets: raw log, measurements, device last-seen, latest values.

One call stores a whole batch in one transaction with a handful of statements, whatever its size
(ARCHITECTURE rule 10), and says which packets were new: a packet whose MN + QN + CN is already
stored (a device repeating an unacknowledged packet, or a spool replayed twice) is kept once.
Only after ``store`` returns may the gateway acknowledge (9014) the batch.
"""

from __future__ import annotations

import re
import weakref
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from django.core.cache import caches
from django.db import connections, transaction

from .cp import CP
from .packet import Packet

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
    key: tuple[str, str, str] = field(init=False)

    def __post_init__(self):
        self.key = (self.packet.mn or "", packet_qn(self.packet, self.received_at), self.packet.cn or "")

    @property
    def data_time(self) -> datetime | None:
        # DataTime read straight from the CP text: parsing all of CP here would cost more than the
        # rest of storing the packet.
        found = _DATA_TIME.search(self.packet.cp.text)
        if found is None:
            return None
        text = found.group(1)
        try:
            return datetime(
                int(text[:4]),
                int(text[4:6]),
                int(text[6:8]),
                int(text[8:10]),
                int(text[10:12]),
                int(text[12:14]),
                tzinfo=DEVICE_TIME_ZONE,
            )
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


class PacketStore:
    """Writes batches to the database ``using`` (call from one thread: it uses that thread's
    connection) and the latest values to the ``realtime`` cache."""

    def __init__(self, using: str = "default"):
        self.using = using

    @property
    def connection(self):
        return connections[self.using]

    def store(self, batch: Sequence[Received]) -> list[bool]:
        """Store ``batch`` atomically; returns for each item whether it was new (False: duplicate)."""
        if not batch:
            return []
        postgresql = self.connection.vendor == "postgresql"
        with transaction.atomic(using=self.using), self.connection.cursor() as cursor:
            inserted = self._insert_postgresql(batch) if postgresql else self._insert_packets(cursor, batch)
            new = []
            for item in batch:
                fresh = item.key in inserted
                inserted.discard(item.key)  # a second copy in the same batch is a duplicate
                new.append(fresh)
            fresh_items = [item for item, is_new in zip(batch, new, strict=True) if is_new]
            if not postgresql:
                self._insert_measurements(cursor, fresh_items)
            self._touch_devices(cursor, batch)
        self._update_latest(fresh_items)
        return new

    def reject(self, rejections: Sequence[Rejection]) -> None:
        if not rejections:
            return
        ops = self.connection.ops
        rows = [
            (
                ops.adapt_datetimefield_value(r.received_at),
                r.device_id,
                r.mn[:24],
                r.reason,
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
    MEASUREMENT_COLUMNS = ("device_id", "time", "cn", "code", "kind", "value", "flag")

    def _packet_rows(self, batch) -> list[tuple]:
        adapt = self.connection.ops.adapt_datetimefield_value
        rows = []
        for item in batch:
            mn, qn, cn = item.key
            data_time = item.data_time
            rows.append(
                (
                    adapt(item.received_at),
                    item.device_id,
                    mn,
                    qn,
                    cn,
                    item.packet.st or "",
                    adapt(data_time) if data_time else None,
                    item.packet.resent,
                    item.frame,
                    item.peer[:64],
                    item.gateway[:64],
                    item.deviations,
                )
            )
        return rows

    def _measurement_rows(self, item) -> list[tuple]:
        data_time = item.data_time
        if data_time is None:
            return []
        moment = self.connection.ops.adapt_datetimefield_value(data_time)
        cn = item.packet.cn or ""
        return [
            (item.device_id, moment, cn, m.code[:16], m.kind[:8], m.value, (m.flag or "")[:2])
            for m in item.packet.cp.measurements()
        ]

    def _insert_postgresql(self, batch) -> set[tuple[str, str, str]]:
        """COPY the packets and their values (binary protocol, in C) into temporary tables; one
        statement then moves the new packets into the log and their values into the measurements."""
        import psycopg

        # Django's psycopg cursors bind parameters on the client (as text); COPY wants a plain cursor.
        with psycopg.Cursor(self.connection.connection) as pg:
            raw = self.connection.connection
            if raw in _SESSIONS_WITH_INCOMING:
                # DELETE, not TRUNCATE: a batch is a few rows, and TRUNCATE makes new files every time.
                pg.execute("DELETE FROM incoming_hj212; DELETE FROM incoming_hj212_values")
            else:
                # Creating them costs more than the rest of a small batch: once per session, counted only
                # when the transaction that created them commits (a rollback takes them away again).
                pg.execute(INCOMING_TABLES)
                transaction.on_commit(lambda: _SESSIONS_WITH_INCOMING.add(raw), using=self.using)
            with pg.copy(f"COPY incoming_hj212 ({', '.join(self.PACKET_COLUMNS)}) FROM STDIN") as copy:
                for row in self._packet_rows(batch):
                    copy.write_row(row)
            with pg.copy(
                f"COPY incoming_hj212_values (mn, qn, cn_key, {', '.join(self.MEASUREMENT_COLUMNS)}) "
                "FROM STDIN"
            ) as copy:
                for item in batch:
                    for row in self._measurement_rows(item):
                        copy.write_row((*item.key, *row))
            pg.execute(
                MOVE_INCOMING.format(
                    packet_columns=", ".join(self.PACKET_COLUMNS),
                    measurement_columns=", ".join(self.MEASUREMENT_COLUMNS),
                )
            )
            return {tuple(row) for row in pg.fetchall()}

    def _insert_packets(self, cursor, batch) -> set[tuple[str, str, str]]:
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
        cursor.executemany(
            f"INSERT INTO hj212_measurement ({', '.join(self.MEASUREMENT_COLUMNS)}) "
            "VALUES (%s, %s, %s, %s, %s, %s, %s) ON CONFLICT DO NOTHING",
            [row for item in items for row in self._measurement_rows(item)],
        )

    def _touch_devices(self, cursor, batch) -> None:
        adapt = self.connection.ops.adapt_datetimefield_value
        last: dict[int, Received] = {}
        for item in batch:
            seen = last.get(item.device_id)
            if seen is None or item.received_at >= seen.received_at:
                last[item.device_id] = item
        rows = [
            (adapt(item.received_at), (item.packet.cn or "")[:4], item.peer[:64], device_id)
            for device_id, item in sorted(last.items())
        ]
        if self.connection.vendor == "postgresql":
            import psycopg

            with psycopg.Cursor(self.connection.connection) as pg:
                times, cns, peers, ids = (list(column) for column in zip(*rows, strict=True))
                pg.execute(
                    "UPDATE hj212_device AS d SET last_seen_at = v.t, last_cn = v.cn, last_peer = v.peer "
                    "FROM unnest(%s::timestamptz[], %s::varchar[], %s::varchar[], %s::bigint[])"
                    " AS v(t, cn, peer, id) "
                    "WHERE d.id = v.id AND (d.last_seen_at IS NULL OR d.last_seen_at <= v.t)",
                    [times, cns, peers, ids],
                )
            return
        cursor.executemany(
            "UPDATE hj212_device SET last_seen_at = %s, last_cn = %s, last_peer = %s "
            "WHERE id = %s AND (last_seen_at IS NULL OR last_seen_at <= %s)",
            [(*row, row[0]) for row in rows],
        )

    # -- realtime cache ------------------------------------------------------------------------
    @staticmethod
    def _update_latest(items) -> None:
        """Keep each device's newest CP per command (2011 real-time, 2051 minute …): written, never
        read back here, so concurrent gateways do not race; ``latest_values`` merges them."""
        newest: dict[str, tuple[str, str, str]] = {}
        for item in items:
            data_time = item.data_time
            if data_time is None:
                continue
            key = latest_key(item.device_id, item.packet.cn or "")
            stamp = data_time.isoformat()
            if key not in newest or newest[key][0] <= stamp:
                newest[key] = (stamp, item.packet.cn or "", item.packet.cp.text)
        if newest:
            caches[REALTIME_CACHE].set_many(newest, timeout=None)


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


INCOMING_TABLES = """
CREATE TEMPORARY TABLE IF NOT EXISTS incoming_hj212 (
    received_at timestamptz, device_id bigint, mn varchar, qn varchar, cn varchar, st varchar,
    data_time timestamptz, resent boolean, frame bytea, peer varchar, gateway varchar, deviations text
);
CREATE TEMPORARY TABLE IF NOT EXISTS incoming_hj212_values (
    mn varchar, qn varchar, cn_key varchar,
    device_id bigint, time timestamptz, cn varchar, code varchar, kind varchar, value float8, flag varchar
)"""

MOVE_INCOMING = """
WITH new AS (
    INSERT INTO hj212_rawpacket ({packet_columns}) SELECT {packet_columns} FROM incoming_hj212
    ON CONFLICT (mn, qn, cn) DO NOTHING RETURNING mn, qn, cn
), measurements AS (
    INSERT INTO hj212_measurement ({measurement_columns})
    SELECT {measurement_columns} FROM incoming_hj212_values v
    WHERE (v.mn, v.qn, v.cn_key) IN (SELECT mn, qn, cn FROM new)
    ON CONFLICT DO NOTHING
)
SELECT mn, qn, cn FROM new
"""
