"""The HJ 212 ingest gateway: an asyncio TCP server that loses no acknowledged packet.

Per connection, a ``StreamFramer`` cuts the byte stream into frames; each frame is decoded
leniently (real devices are sloppy; deviations are kept with the packet), its MN and PW checked
against the device directory, split messages reassembled, and the packet queued for the writer.
The writer takes whatever has queued (up to ``batch_size``), stores it in one transaction in a
dedicated database thread, or, while the database is unavailable, appends it to the local spool
(fsync'ed). Only then are the packets acknowledged (9014, when the Flag asks), in the order they
arrived on their connection. The spool is replayed, oldest first, before new packets go to the
database again. Refused frames are answered with 9011 and the QnRtn that says why, when the frame
says who sent it, and are kept with their reason for the operators.

Connections are ``asyncio.Protocol``s (the command runs them on uvloop): frames are handled in
``data_received`` without a task or future per packet, and each connection's replies wait in one
queue that the writer flushes after every batch. When more than ``BACKLOG_LIMIT`` packets wait for
the database, the gateway stops reading its sockets until the writer catches up; TCP then holds the
devices back, and memory stays bounded.

Every connection costs something, so none is free of limits (settings.HJ212_GATEWAY, each one an
option of the command): a connection quiet for ``idle_timeout`` is closed, and so is one whose started
frame is still incomplete after ``frame_timeout``; one client address may hold at most
``max_connections_per_peer`` connections; refused frames are stored up to ``rejections_per_minute``
per address and minute, the rest counted (and the count stored). A packet whose data time lies more
than ``future_tolerance`` ahead is refused; values no instrument measures (``plausibility``) are kept
out of the measurements and the latest values.

Several gateway processes can serve side by side (``reuse_port`` or different ports behind a TCP
load balancer): duplicates are suppressed by the database (MN + QN + CN), each process has its own
spool slot.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import re
import signal
import socket
import sys
import threading
import time
from collections import Counter, OrderedDict, deque
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.db import DatabaseError, connections

from . import replies
from .codec import decode, encode
from .errors import FramingError, HJ212Error
from .framing import StreamFramer
from .packet import Packet
from .plausibility import ValueCheck
from .reassembly import Reassembler, combine, message_key
from .spool import Spool, SpoolRecord
from .storage import PacketStore, Received, Rejection, Status

log = logging.getLogger("lantian.hj212.gateway")

QN_RTN_REJECTED = 2  # HJ 212-2017 请求命令返回表: 请求被拒绝
QN_RTN_PW_ERROR = 3  # PW 错误
QN_RTN_MN_ERROR = 4  # MN 错误
CN_TIME_CALIBRATION = replies.CN_TIME_CALIBRATION_REQUEST
REPLAY_BUDGET = 0.5  # seconds of spool replay per batch while catching up: older packets go first
REJECTION_FLUSH_INTERVAL = 0.5  # seconds; refusals are written with packets or at least this often
DIRECTORY_MIN_AGE = 2.0  # seconds; an unknown MN reloads the registry at most this often
STATUS_EVERY = 2.0  # seconds; devices' last-seen times and latest values are published this often
BACKLOG_LIMIT = 50_000  # packets waiting for the writer before the gateway stops reading sockets
THROTTLE_WINDOW = 60.0  # seconds; refusals stored and connections refused are counted per address this long
# Reasons recorded with refused frames; lantian.hj212.reasons translates them for the pages.
FUTURE_DATA_TIME = "DataTime {data_time} is more than {tolerance} s ahead of the platform's clock"
FRAME_TIMED_OUT = "frame not completed within {timeout} s: connection closed"
THROTTLED = "{count} more refused frames from {host} within {window} s were counted, not stored"
_HEADER_FIELD = re.compile(rb"(QN|ST|CN|PW|MN|Flag)=([^;&]*)")


@dataclass(frozen=True, slots=True)
class DeviceEntry:
    id: int
    password: str
    key: bytes | None
    active: bool


class DeviceDirectory:
    """MN → device, loaded from the registry and refreshed periodically (replaced whole, so readers
    on the event loop never see a half-built map)."""

    def __init__(self) -> None:
        self.by_mn: dict[str, DeviceEntry] = {}
        self.keys: dict[str, bytes] = {}
        self.loaded_at = 0.0

    def load(self) -> None:
        from .models import Device

        by_mn = {
            mn: DeviceEntry(pk, password, bytes.fromhex(key) if key else None, active)
            for pk, mn, password, key, active in Device.objects.values_list(
                "pk", "mn", "password", "sm4_key", "is_active"
            )
        }
        self.by_mn = by_mn
        self.keys = {mn: entry.key for mn, entry in by_mn.items() if entry.key}
        self.loaded_at = time.monotonic()


class Pending:
    """A packet on its way to storage; ``stored`` becomes True (database or spool) or False (neither:
    no acknowledgement). The connections that owe a reply for it are flushed when it is decided."""

    __slots__ = ("received", "stored", "waiters")

    def __init__(self, received: Received | None = None) -> None:
        self.received = received
        self.stored: bool | None = None
        self.waiters: list[DeviceConnection] = []


class DeviceConnection(asyncio.Protocol):
    """One device's TCP connection. Frames are handled as soon as they are read; replies leave in the
    order their frames arrived, an acknowledgement once its packet is stored."""

    def __init__(self, gateway: Gateway) -> None:
        self.gateway = gateway
        self.framer = StreamFramer()
        self.replies: deque[bytes | tuple[Pending, Packet]] = deque()
        self.transport: asyncio.Transport | None = None
        self.peer = ""
        self.host = ""  # the client address without the port: what the per-address limits count
        self.ending = False  # the device sent EOF: close once every reply is out
        self.counted = False  # among the connections of its address
        self.reading = False  # bytes arrived since the gateway last looked (Gateway._watch)
        self.quiet_since = time.monotonic()
        self.held_from: int | None = None  # stream offset of the incomplete frame held, when looked at
        self.held_since = 0.0

    def connection_made(self, transport) -> None:
        peername = transport.get_extra_info("peername")
        if isinstance(peername, tuple):
            self.host, self.peer = peername[0], f"{peername[0]}:{peername[1]}"
        else:
            self.host = self.peer = str(peername or "")
        if not self.gateway._admit(self):
            transport.abort()
            return
        self.transport = transport
        self.gateway._connections.add(self)
        if self.gateway._reading_paused:
            transport.pause_reading()

    def data_received(self, data: bytes) -> None:
        self.reading = True
        on_frame = self.gateway._on_frame
        for frame in self.framer.feed(data):
            on_frame(frame, self)
        self.flush()

    def eof_received(self) -> bool:
        for frame in self.framer.close():
            self.gateway._on_frame(frame, self)
        self.ending = True
        self.flush()
        return True  # keep the transport open for the acknowledgements still to come

    def connection_lost(self, exc) -> None:
        self.transport = None
        self.gateway._connections.discard(self)
        self.gateway._release(self)

    def end(self) -> None:
        """Read nothing more; close once the replies still owed are out."""
        if self.transport is not None:
            self.transport.pause_reading()
        self.ending = True
        self.flush()

    def send(self, reply: bytes) -> None:
        self.replies.append(reply)

    def send_when_stored(self, pending: Pending, packet: Packet) -> None:
        self.replies.append((pending, packet))
        pending.waiters.append(self)

    def flush(self) -> None:
        """Write the replies that are ready, up to the first packet still waiting for storage."""
        queue, out = self.replies, []
        while queue:
            head = queue[0]
            if head.__class__ is bytes:
                out.append(head)
            else:
                pending, packet = head
                if pending.stored is None:
                    break
                if pending.stored and packet.needs_ack:
                    out.append(replies.data_answer_frame(packet))
                    self.gateway.stats.acked += 1
            queue.popleft()
        transport = self.transport
        if transport is None:
            queue.clear()  # the device went away: nothing to write to
            return
        if out:
            transport.write(out[0] if len(out) == 1 else b"".join(out))
        if self.ending and not queue:
            transport.close()


@dataclass
class Stats:
    frames: int = 0
    stored: int = 0
    duplicates: int = 0
    spooled: int = 0
    replayed: int = 0
    rejected: int = 0
    throttled: int = 0  # refusals counted, not stored (rejections_per_minute)
    implausible: int = 0  # packets stored without some of their values
    garbage_bytes: int = 0
    timed_out: int = 0  # connections closed: idle or an incomplete frame
    refused_connections: int = 0  # beyond max_connections_per_peer
    acked: int = 0
    started: float = field(default_factory=time.monotonic)

    def line(self) -> str:
        elapsed = max(time.monotonic() - self.started, 1e-9)
        return (
            f"frames={self.frames} stored={self.stored} duplicates={self.duplicates} spooled={self.spooled} "
            f"replayed={self.replayed} rejected={self.rejected} throttled={self.throttled} "
            f"implausible={self.implausible} garbage_bytes={self.garbage_bytes} timed_out={self.timed_out} "
            f"refused_connections={self.refused_connections} acked={self.acked} "
            f"rate={self.frames / elapsed:.0f}/s"
        )


class Gateway:
    def __init__(
        self,
        *,
        host: str = "0.0.0.0",
        port: int = 6001,
        spool_root: Path,
        name: str | None = None,
        reuse_port: bool = False,
        batch_size: int = 2000,
        flush_interval: float = 0.005,
        refresh_interval: float = 10.0,
        retry_interval: float = 1.0,
        reassembly_timeout: float = 120.0,
        idle_timeout: float | None = None,
        frame_timeout: float | None = None,
        max_connections_per_peer: int | None = None,
        rejections_per_minute: int | None = None,
        future_tolerance: float | None = None,
        value_limit: float | None = None,
        using: str = "default",
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        """The limits left None come from settings.HJ212_GATEWAY."""
        limits = settings.HJ212_GATEWAY
        self.idle_timeout = limits["IDLE_TIMEOUT"] if idle_timeout is None else idle_timeout
        self.frame_timeout = limits["FRAME_TIMEOUT"] if frame_timeout is None else frame_timeout
        self.max_connections_per_peer = (
            limits["MAX_CONNECTIONS_PER_PEER"]
            if max_connections_per_peer is None
            else max_connections_per_peer
        )
        self.rejections_per_minute = (
            limits["REJECTIONS_PER_MINUTE"] if rejections_per_minute is None else rejections_per_minute
        )
        tolerance = limits["FUTURE_TOLERANCE"] if future_tolerance is None else future_tolerance
        self.future_tolerance = timedelta(seconds=tolerance)
        self.values = ValueCheck(limits["VALUE_LIMIT"] if value_limit is None else value_limit)
        self.host, self.port, self.reuse_port = host, port, reuse_port
        self.spool_root = Path(spool_root)
        self.batch_size, self.flush_interval = batch_size, flush_interval
        self.refresh_interval, self.retry_interval = refresh_interval, retry_interval
        self.using = using
        self.clock = clock
        self.directory = DeviceDirectory()
        self.store = PacketStore(using, publish_status=False)
        self.reassembler = Reassembler(timeout=reassembly_timeout)
        self.stats = Stats()
        self.spool: Spool | None = None
        self.name = name or socket.gethostname()
        self._db = ThreadPoolExecutor(max_workers=1, thread_name_prefix="hj212-db")
        self._status = ThreadPoolExecutor(max_workers=1, thread_name_prefix="hj212-status")
        self._status_taken_at = 0.0
        self._unpublished: Status | None = None  # a status whose publishing failed, for the next round
        self._unpublished_lock = threading.Lock()
        self._incoming: list[Pending] = []  # accepted, waiting for the writer
        self._wake_writer = asyncio.Event()
        self._reading_paused = False
        self._closing = False
        self._rejections: list[Rejection] = []
        self._split: dict[tuple, tuple[Pending, list[bytes]]] = {}
        self._stored_keys: OrderedDict[tuple, None] = OrderedDict()  # recently stored, for repeats
        self._db_retry_at = 0.0
        self._db_down = False
        self._deferred: list[tuple[bytes, DeviceConnection]] = []
        self._refresh: asyncio.Task | None = None
        self._connections: set[DeviceConnection] = set()
        self._per_host: dict[str, int] = {}  # open connections per client address
        self._refused_hosts: dict[str, int] = {}  # connections refused per address, this window
        self._refusals_by_host: dict[str, list[int]] = {}  # address → [stored, counted only], this window
        self._window_started = time.monotonic()
        self._unsaved_rejections: list[Rejection] = []  # database thread only
        self._stopping = asyncio.Event()
        self.server: asyncio.Server | None = None
        self.ready = asyncio.Event()

    # ================================================================================== lifecycle
    async def run(self, install_signals: bool = True) -> None:
        # The database thread releases the GIL at every round trip and would wait up to the default
        # 5 ms switch interval to get it back from the busy event loop each time (the convoy effect).
        sys.setswitchinterval(0.0002)
        # What was built before serving (Django, the code tables) is permanent: a full collection
        # would otherwise walk it all, stopping acknowledgements for a tenth of a second.
        gc.freeze()
        loop = asyncio.get_running_loop()
        self.spool = await loop.run_in_executor(self._db, Spool.claim, self.spool_root)
        self.name = f"{self.name}/{self.spool.directory.name}"
        await loop.run_in_executor(self._db, self._prepare_database)
        self.server = await loop.create_server(
            lambda: DeviceConnection(self), self.host, self.port, reuse_port=self.reuse_port or None
        )
        self.port = self.server.sockets[0].getsockname()[1]
        if install_signals:
            for signum in (signal.SIGTERM, signal.SIGINT):
                loop.add_signal_handler(signum, self.stop)
        writer = asyncio.create_task(self._writer())
        housekeeping = asyncio.create_task(self._housekeeping())
        watcher = asyncio.create_task(self._watch_connections())
        log.info(
            "HJ 212 gateway %s listening on %s:%s (idle timeout %g s, frame timeout %g s, "
            "%s connections per address, %d refusals stored per address and minute)",
            self.name,
            self.host,
            self.port,
            self.idle_timeout,
            self.frame_timeout,
            self.max_connections_per_peer or "unlimited",
            self.rejections_per_minute,
        )
        self.ready.set()
        await self._stopping.wait()

        # Drain: accept and read nothing more; store and acknowledge the frames already read.
        self.server.close()
        self._pause_reading()
        self._closing = True
        self._wake_writer.set()
        await writer
        for conn in list(self._connections):
            conn.ending = True
            conn.flush()
        for _ in range(100):  # up to a second for the last acknowledgements to leave
            if not self._connections:
                break
            await asyncio.sleep(0.01)
        await loop.run_in_executor(self._db, self._replay_before_exit)
        for task in (housekeeping, watcher):
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        await loop.run_in_executor(self._db, self._close_db)
        self._db.shutdown(wait=True)
        self._status.submit(lambda: connections[self.using].close())  # its own, after the last status
        self._status.shutdown(wait=True)
        log.info("HJ 212 gateway %s stopped: %s", self.name, self.stats.line())

    def stop(self) -> None:
        self._stopping.set()

    def _prepare_database(self) -> None:
        """Load the registry and set up the session before the first device connects: the first
        batch would otherwise wait for both."""
        self._load_directory()
        try:
            self.store.prepare()
        except DatabaseError as error:
            log.warning("database not prepared: %s", error)
            connections[self.using].close()

    def _load_directory(self) -> None:
        try:
            self.directory.load()
        except DatabaseError as error:
            log.warning("device registry not refreshed: %s", error)
            connections[self.using].close()

    def _close_db(self) -> None:
        if self.spool is not None:
            self.spool.close()
        connections[self.using].close()

    async def _housekeeping(self) -> None:
        loop = asyncio.get_running_loop()
        last_stats = time.monotonic()
        while True:
            await asyncio.sleep(1.0)
            for partial in self.reassembler.expire():
                entry = self._split.pop(partial.key, None)
                if entry is not None:
                    pending = entry[0]
                    pending.stored = False  # its parts are not acknowledged
                    for conn in pending.waiters:
                        conn.flush()
                    self._reject(
                        b"".join(entry[1]),
                        f"split message incomplete after {self.reassembler.timeout:.0f} s: "
                        f"parts {partial.missing} of {partial.pnum} missing",
                        mn=partial.key[0] or "",
                    )
            if time.monotonic() - self.directory.loaded_at >= self.refresh_interval:
                await loop.run_in_executor(self._db, self._load_directory)
            await loop.run_in_executor(self._db, self._hand_over_status)
            if time.monotonic() - last_stats >= 60:
                log.info("%s: %s", self.name, self.stats.line())
                last_stats = time.monotonic()

    # ================================================================================== connections
    def _admit(self, conn: DeviceConnection) -> bool:
        """Count a new connection of its address, or refuse it beyond ``max_connections_per_peer``."""
        held = self._per_host.get(conn.host, 0)
        if self.max_connections_per_peer and held >= self.max_connections_per_peer:
            self.stats.refused_connections += 1
            refused = self._refused_hosts.get(conn.host, 0)
            if not refused:
                log.warning(
                    "refusing connections from %s: it holds %d, the limit per address "
                    "(max_connections_per_peer); further refusals are counted",
                    conn.host,
                    held,
                )
            self._refused_hosts[conn.host] = refused + 1
            return False
        self._per_host[conn.host] = held + 1
        conn.counted = True
        return True

    def _release(self, conn: DeviceConnection) -> None:
        if conn.counted:
            conn.counted = False
            left = self._per_host[conn.host] - 1
            if left:
                self._per_host[conn.host] = left
            else:
                del self._per_host[conn.host]

    async def _watch_connections(self) -> None:
        """Look at every connection a few times per timeout: data_received only sets a flag, so a
        busy connection costs nothing here."""
        every = max(0.05, min(1.0, self.idle_timeout / 4, self.frame_timeout / 4))
        while True:
            await asyncio.sleep(every)
            now = time.monotonic()
            closed: dict[str, list[str]] = {"idle": [], "frame": []}
            for conn in list(self._connections):
                reason = self._watch(conn, now)
                if reason:
                    closed[reason].append(conn.host)
            if closed["idle"]:
                log.info(
                    "closed %d connections quiet for %g s (idle_timeout): %s",
                    len(closed["idle"]),
                    self.idle_timeout,
                    _by_host(closed["idle"]),
                )
            if closed["frame"]:
                log.warning(
                    "closed %d connections whose frame was incomplete after %g s (frame_timeout): %s",
                    len(closed["frame"]),
                    self.frame_timeout,
                    _by_host(closed["frame"]),
                )
            if now - self._window_started >= THROTTLE_WINDOW:
                self._end_window(now)

    def _watch(self, conn: DeviceConnection, now: float) -> str | None:
        """Close ``conn`` if it was quiet too long or its frame is incomplete too long ("idle" or
        "frame"); release a frame that lacks only its CR LF once the device went quiet."""
        if conn.transport is None or conn.ending or self._reading_paused:
            conn.quiet_since, conn.held_from = now, None  # a paused gateway reads nothing: no one's fault
            return None
        framer = conn.framer
        if conn.reading:
            conn.reading = False
            conn.quiet_since = now
        elif framer.buffered:
            for item in framer.flush():
                self._on_frame(item, conn)
            conn.flush()
        if not framer.buffered:
            conn.held_from = None
        elif conn.held_from != framer.held_from:
            conn.held_from, conn.held_since = framer.held_from, now
        elif now - conn.held_since >= self.frame_timeout:
            reason = FRAME_TIMED_OUT.format(timeout=f"{self.frame_timeout:g}")
            for item in framer.close():
                if isinstance(item, FramingError):
                    self.stats.garbage_bytes += item.size
                    self._reject(item.garbage, reason, peer=conn.peer)
                else:
                    self._on_frame(item, conn)
            self.stats.timed_out += 1
            conn.end()
            return "frame"
        if now - conn.quiet_since >= self.idle_timeout:
            self.stats.timed_out += 1
            conn.end()
            return "idle"
        return None

    def _end_window(self, now: float) -> None:
        """Every THROTTLE_WINDOW: say how many refusals each throttled address had beyond those
        stored (logged, and stored as one refusal of its own), and how many connections were refused."""
        window = f"{THROTTLE_WINDOW:g}"
        for host, (_stored, counted) in self._refusals_by_host.items():
            if counted:
                reason = THROTTLED.format(count=counted, host=host, window=window)
                log.warning("%s", reason)
                self._rejections.append(Rejection(b"", reason, self.clock(), peer=host, gateway=self.name))
        for host, refused in self._refused_hosts.items():
            log.warning(
                "refused %d connections from %s within %s s (max_connections_per_peer)", refused, host, window
            )
        self._refusals_by_host.clear()
        self._refused_hosts.clear()
        self._window_started = now

    # ================================================================================= flow control
    def _pause_reading(self) -> None:
        self._reading_paused = True
        for conn in self._connections:
            if conn.transport is not None:
                conn.transport.pause_reading()

    def _resume_reading(self) -> None:
        self._reading_paused = False
        for conn in self._connections:
            if conn.transport is not None:
                conn.transport.resume_reading()

    def _encode_reply(self, packet: Packet) -> bytes:
        entry = self.directory.by_mn.get(packet.mn or "")
        key = entry.key if entry is not None and packet.cp.text else None
        return encode(packet, key=key, strict=False)

    # ====================================================================================== frames
    def _on_frame(self, frame: bytes | FramingError, conn: DeviceConnection, looked_again=False) -> None:
        self.stats.frames += 1
        if isinstance(frame, FramingError):
            self.stats.garbage_bytes += frame.size
            self._reject(frame.garbage, frame.reason, peer=conn.peer)
            return
        try:
            packet = decode(frame, strict=False, keys=self.directory.keys)
        except HJ212Error as error:
            self._refuse(frame, str(error), error.qn_rtn, conn, _header_guess(frame))
            return
        entry = self.directory.by_mn.get(packet.mn or "")
        if entry is None and not looked_again:
            self._defer(frame, conn)  # perhaps registered a moment ago: look again first
            return
        if entry is None:
            self._refuse(frame, f"unknown device MN {packet.mn!r}", QN_RTN_MN_ERROR, conn, packet)
            return
        if packet.pw != entry.password:
            self._refuse(frame, "wrong access password (PW)", QN_RTN_PW_ERROR, conn, packet, entry.id)
            return
        if not entry.active:
            self._refuse(frame, "device is not active", QN_RTN_REJECTED, conn, packet, entry.id)
            return
        if packet.cn == CN_TIME_CALIBRATION:
            conn.send(self._encode_reply(replies.time_calibration_answer(packet)))
        if packet.pnum is not None or packet.pno is not None:
            self._on_part(frame, packet, entry, conn)
            return
        pending = Pending()
        if self._enqueue(frame, packet, entry, conn, pending):
            conn.send_when_stored(pending, packet)

    def _defer(self, frame, conn) -> None:
        self.stats.frames -= 1  # counted again when handled
        self._deferred.append((frame, conn))
        if self._refresh is None or self._refresh.done():
            self._refresh = asyncio.create_task(self._refresh_then_handle())

    async def _refresh_then_handle(self) -> None:
        """Reload the registry (at most every DIRECTORY_MIN_AGE seconds), then handle the frames of
        unknown MNs that arrived before the reload began; those still unknown are refused."""
        wait = self.directory.loaded_at + DIRECTORY_MIN_AGE - time.monotonic()
        if wait > 0:
            await asyncio.sleep(wait)
        deferred, self._deferred = self._deferred, []
        await asyncio.get_running_loop().run_in_executor(self._db, self._load_directory)
        self.directory.loaded_at = time.monotonic()  # even if the database did not answer
        for frame, conn in deferred:
            self._on_frame(frame, conn, looked_again=True)
            conn.flush()
        if self._deferred:  # arrived during the reload: they need one more look
            self._refresh = asyncio.create_task(self._refresh_then_handle())

    def _on_part(self, frame, packet, entry, conn) -> None:
        try:
            whole = self.reassembler.add(packet)
        except HJ212Error as error:
            self._refuse(frame, str(error), error.qn_rtn, conn, packet, entry.id)
            return
        key = message_key(packet)
        pending, frames = self._split.setdefault(key, (Pending(), []))
        frames.append(frame)
        conn.send_when_stored(pending, packet)  # each part is acknowledged once the whole is stored
        if whole is not None:
            del self._split[key]
            if not self._enqueue(b"".join(frames), whole, entry, conn, pending):
                for waiter in pending.waiters:
                    waiter.flush()

    def _enqueue(self, frame, packet, entry, conn, pending: Pending) -> bool:
        """Queue the packet for the writer; False if it is refused (its data time is in the future)."""
        received = self._received(frame, packet, entry.id, self.clock(), conn.peer)
        data_time = received.data_time
        if data_time is not None and data_time > received.received_at + self.future_tolerance:
            pending.stored = False
            reason = FUTURE_DATA_TIME.format(
                data_time=packet.cp.get("DataTime"), tolerance=f"{self.future_tolerance.total_seconds():g}"
            )
            self._refuse(frame, reason, QN_RTN_REJECTED, conn, packet, entry.id)
            return False
        if received.key in self._stored_keys:  # a repeat of a stored packet: acknowledge it again
            self.stats.duplicates += 1
            pending.stored = True
            return True
        pending.received = received
        self._incoming.append(pending)
        if len(self._incoming) == 1:
            self._wake_writer.set()
        elif len(self._incoming) >= BACKLOG_LIMIT and not self._reading_paused:
            self._pause_reading()  # the database is slower than the devices: let TCP hold them back
        return True

    def _received(self, frame, packet, device_id, received_at, peer) -> Received:
        """The packet to store, its implausible values (if any) left out of the values and noted."""
        deviations = "; ".join(map(str, packet.warnings))
        implausible = self.values.implausible(packet.cp.text)
        if not implausible:
            return Received(frame, packet, device_id, received_at, peer, self.name, deviations)
        self.stats.implausible += 1
        note = self.values.note(implausible)
        return Received(
            frame,
            packet,
            device_id,
            received_at,
            peer,
            self.name,
            f"{deviations}; {note}" if deviations else note,
            cp=self.values.without(packet.cp, implausible),
        )

    def _refuse(self, frame, reason, qn_rtn, conn, packet: Packet | None, device_id=None) -> None:
        self._reject(
            frame,
            reason,
            qn_rtn=qn_rtn,
            mn=(packet.mn if packet else "") or "",
            peer=conn.peer,
            device_id=device_id,
        )
        if packet is not None and packet.mn and packet.qn:
            with contextlib.suppress(HJ212Error, ValueError):
                # answered in plain text: the key may be what is wrong
                conn.send(encode(replies.request_answer(packet, qn_rtn), strict=False))

    def _reject(self, frame, reason, *, qn_rtn=None, mn="", peer="", device_id=None) -> None:
        self.stats.rejected += 1
        if peer and not self._may_store_refusal(peer):
            return
        if len(self._rejections) < 100_000:  # kept while the database is down, within reason
            self._rejections.append(
                Rejection(bytes(frame), reason, self.clock(), qn_rtn, mn[:24], device_id, peer, self.name)
            )

    def _may_store_refusal(self, peer: str) -> bool:
        """At most ``rejections_per_minute`` refusals of one address are stored per window; the rest
        are counted (``_end_window`` stores and logs the count)."""
        host = peer.rpartition(":")[0] or peer
        counts = self._refusals_by_host.get(host)
        if counts is None:
            counts = self._refusals_by_host[host] = [0, 0]
        if counts[0] < self.rejections_per_minute:
            counts[0] += 1
            return True
        if not counts[1]:
            log.warning(
                "throttling refusals from %s: more than %d within %g s; the rest are counted, not stored",
                host,
                self.rejections_per_minute,
                THROTTLE_WINDOW,
            )
        counts[1] += 1
        self.stats.throttled += 1
        return False

    # ====================================================================================== writer
    async def _writer(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            if not self._incoming and not self._closing:
                self._wake_writer.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake_writer.wait(), REJECTION_FLUSH_INTERVAL)
                if len(self._incoming) < self.batch_size and not self._closing:
                    await asyncio.sleep(self.flush_interval)  # let a batch gather
            if self._closing and not self._incoming and not self._rejections:
                return
            if not self._incoming and not self._rejections and not self.spool.pending:
                continue
            batch = self._incoming[: self.batch_size]
            del self._incoming[: self.batch_size]
            rejections, self._rejections = self._rejections, []
            try:
                outcome = await loop.run_in_executor(self._db, self._persist, batch, rejections)
            except Exception as error:  # the spool failed too (disk full…): nothing is acknowledged
                log.error("batch of %d packets neither stored nor spooled: %s", len(batch), error)
                outcome = None
            waiting = set()
            for index, item in enumerate(batch):
                if outcome is not None and outcome[index]:
                    self._remember(item.received.key)
                item.stored = outcome is not None
                waiting.update(item.waiters)
            for conn in waiting:
                conn.flush()
            if self._reading_paused and not self._closing and len(self._incoming) < BACKLOG_LIMIT // 2:
                self._resume_reading()

    def _remember(self, key: tuple) -> None:
        self._stored_keys[key] = None
        if len(self._stored_keys) > 100_000:
            self._stored_keys.popitem(last=False)

    def _persist(self, batch: list[Pending], rejections: list[Rejection]) -> list[bool]:
        """In the database thread: store the batch, or spool it. Returns per packet whether it is
        known to be newly stored (False for duplicates and spooled packets)."""
        received = [item.received for item in batch]
        self._unsaved_rejections = (self._unsaved_rejections + rejections)[-100_000:]
        if time.monotonic() >= self._db_retry_at:
            try:
                deadline = time.monotonic() + REPLAY_BUDGET
                while self.spool.pending and time.monotonic() < deadline:
                    self._replay_one_segment()
                    self._database_up()
                if not self.spool.pending:
                    new = self.store.store(received)
                    self._database_up()
                    self.stats.stored += sum(new)
                    self.stats.duplicates += len(new) - sum(new)
                    self.store.reject(self._unsaved_rejections)
                    self._unsaved_rejections = []
                    self._hand_over_status()
                    return new
            except DatabaseError as error:
                self._database_down(error)
        if received:
            self.spool.append([SpoolRecord(r.frame, r.received_at, r.peer) for r in received])
            self.stats.spooled += len(received)
        return [False] * len(received)

    def _hand_over_status(self, force: bool = False) -> None:
        """In the database thread, after a batch and every second: every STATUS_EVERY, the status of
        the batches since goes to the status thread to be published there."""
        if force or time.monotonic() - self._status_taken_at >= STATUS_EVERY:
            self._status_taken_at = time.monotonic()
            status = self.store.take_status()
            with self._unpublished_lock:
                failed, self._unpublished = self._unpublished, None
            if failed is not None:
                status.merge(failed)
            if status.newest or status.latest:
                self._status.submit(self._publish_status, status)

    def _publish_status(self, status: Status) -> None:
        try:
            self.store.publish(status)
        except Exception as error:  # the live status waits for the next round; packets go on
            log.warning("device status not published: %s", error)
            with self._unpublished_lock:
                if self._unpublished is not None:
                    status.merge(self._unpublished)
                self._unpublished = status
            with contextlib.suppress(Exception):
                connections[self.using].close()

    def _database_up(self) -> None:
        if self._db_down:
            log.warning(
                "database available again (%d spooled segments to replay)", len(self.spool.segments())
            )
            self._db_down = False

    def _database_down(self, error: Exception) -> None:
        if not self._db_down:
            log.warning("database unavailable, spooling to %s: %s", self.spool.directory, error)
            self._db_down = True
        self._db_retry_at = time.monotonic() + self.retry_interval
        with contextlib.suppress(Exception):
            connections[self.using].close()

    def _replay_before_exit(self, patience: float = 60.0) -> None:
        """Store what is still spooled if the database is there; what is left waits for the next start."""
        deadline = time.monotonic() + patience
        while self.spool.pending and time.monotonic() < deadline:
            try:
                self._replay_one_segment()
            except DatabaseError as error:
                self._database_down(error)
                break
        self._hand_over_status(force=True)
        if self.spool.pending:
            log.warning(
                "%d spooled segments left in %s for the next start",
                len(self.spool.segments()),
                self.spool.directory,
            )

    def _replay_one_segment(self) -> None:
        """Store the oldest spooled segment and delete it (in the database thread)."""
        self.spool.rotate()
        segment = self.spool.closed_segments()[0]
        received, rejected = [], []
        for record in Spool.read(segment):
            item = self._from_spool(record)
            (received if isinstance(item, Received) else rejected).append(item)
        for start in range(0, len(received), self.batch_size):
            new = self.store.store(received[start : start + self.batch_size])
            self.stats.replayed += sum(new)
        self.store.reject(rejected)
        segment.unlink()
        log.info("replayed %s (%d packets)", segment.name, len(received))

    def _from_spool(self, record: SpoolRecord) -> Received | Rejection:
        framer = StreamFramer()
        try:
            parts = [
                decode(frame, strict=False, keys=self.directory.keys)
                for frame in framer.feed(record.frame)
                if not isinstance(frame, FramingError)
            ]
            packet = parts[0] if len(parts) == 1 else combine(parts)
        except (HJ212Error, IndexError) as error:
            return Rejection(
                record.frame,
                f"spooled frame unreadable: {error}",
                record.received_at,
                peer=record.peer,
                gateway=self.name,
            )
        entry = self.directory.by_mn.get(packet.mn or "")
        if entry is None:
            return Rejection(
                record.frame,
                f"device MN {packet.mn!r} removed before its spooled packet was stored",
                record.received_at,
                mn=packet.mn or "",
                peer=record.peer,
                gateway=self.name,
            )
        return self._received(record.frame, packet, entry.id, record.received_at, record.peer)


def _by_host(hosts: list[str]) -> str:
    """The addresses most often in ``hosts``, with their counts, for a log line."""
    counted = Counter(hosts).most_common()
    shown = ", ".join(f"{host} ×{count}" for host, count in counted[:5])
    return shown + (f" and {len(counted) - 5} more addresses" if len(counted) > 5 else "")


def _header_guess(frame: bytes) -> Packet | None:
    """QN/MN/… read loosely from a frame that failed to decode, to address the 9011 refusal."""
    fields = {
        key.decode(): value.decode("ascii", "replace") for key, value in _HEADER_FIELD.findall(frame[:300])
    }
    if not fields.get("MN") or not fields.get("QN"):
        return None
    try:
        flag = int(fields.get("Flag", "")) if fields.get("Flag", "").isdigit() else None
        return Packet(
            qn=fields["QN"],
            st=fields.get("ST"),
            cn=fields.get("CN"),
            pw=fields.get("PW"),
            mn=fields["MN"],
            flag=flag,
        )
    except (HJ212Error, ValueError):
        return None
