"""Simulated HJ 212 devices that play against a gateway and check every acknowledgement.

Air stations send real-time (2011) and minute (2051) data of the six GB 3095 pollutants and the
weather; power meters on pollution-control facilities send real-time currents, voltages and power
factor. Every data packet asks for an acknowledgement (A bit). A configurable share of packets is
corrupted (a flipped byte: the CRC no longer matches, the gateway must refuse it), sent twice (the
gateway must acknowledge both and store one) or split into parts (PNUM/PNO; every part is
acknowledged). Each device keeps its own clock that advances one interval per packet, so QN and
DataTime never repeat. No Django here: the simulator only speaks the protocol.
"""

from __future__ import annotations

import asyncio
import functools
import gc
import math
import random
import re
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from .codec import decode, encode
from .crc import crc16
from .errors import HJ212Error
from .framing import StreamFramer
from .packet import Packet, Version, make_flag
from .reassembly import split_packet

AIR_CODES = (  # code, typical value, daily swing, decimals
    ("a34004", 38.0, 20.0, 0),
    ("a34002", 72.0, 30.0, 0),
    ("a21026", 9.0, 4.0, 0),
    ("a21004", 31.0, 15.0, 0),
    ("a21005", 0.8, 0.3, 1),
    ("a05024", 86.0, 50.0, 0),
    ("a01001", 14.0, 6.0, 1),
    ("a01002", 55.0, 15.0, 0),
    ("a01006", 101.2, 0.3, 1),
    ("a01007", 2.1, 1.5, 1),
    ("a01008", 180.0, 150.0, 0),
)
POWER_CODES = (
    ("ea30010101", 42.0, 8.0, 2),
    ("ea30010102", 41.0, 8.0, 2),
    ("ea30010103", 43.0, 8.0, 2),
    ("ea30010110", 228.0, 4.0, 1),
    ("ea30010111", 229.0, 4.0, 1),
    ("ea30010112", 227.0, 4.0, 1),
    ("ea30010109", 0.92, 0.04, 3),
)
KINDS = ("air", "power")
VARIANTS = 16  # readings drawn per kind, data type and hour of day, reused: generating is the hot path
# A data acknowledgement (9014) as the gateway writes it: length, data segment, QN, MN, CRC.
_DATA_ACK = re.compile(
    rb"##(\d{4})(QN=(\d{17});ST=91;CN=9014;PW=[^;&]*;MN=([^;&]*);Flag=\d+;CP=&&&&)([0-9A-F]{4})\r\n"
)


@functools.cache
def _values(kind: str, cn: str, hour: int, variant: int) -> str:
    """The CP groups of one reading: a daily cycle (peak in the afternoon) plus noise."""
    rng = random.Random(f"{kind}{cn}{hour}{variant}")
    daily = math.sin((hour - 9) / 24 * 2 * math.pi)
    groups = []
    for code, typical, swing, decimals in AIR_CODES if kind == "air" else POWER_CODES:
        base = max(typical + swing * daily + rng.gauss(0, swing / 10), 0.0)
        if cn == "2011":
            groups.append(f"{code}-Rtd={base:.{decimals}f},{code}-Flag=N")
        else:
            low, high = max(base - swing / 8, 0.0), base + swing / 8
            groups.append(
                f"{code}-Avg={base:.{decimals}f},{code}-Min={low:.{decimals}f},"
                f"{code}-Max={high:.{decimals}f},{code}-Flag=N"
            )
    return ";".join(groups)


@functools.lru_cache(maxsize=4096)
def _timestamp(moment: datetime) -> str:
    # Devices of a kind start together and step alike: their clocks read the same times.
    return moment.strftime("%Y%m%d%H%M%S")


@dataclass
class SimulatedDevice:
    mn: str
    password: str
    kind: str = "air"  # "air" or "power"
    version: Version = Version.HJ212_2017
    key: bytes | None = None
    interval: int = 60  # seconds of device time between packets
    clock: datetime = field(default_factory=lambda: datetime(2026, 1, 1))
    rng: random.Random = field(default_factory=random.Random)
    sequence: int = 0

    @property
    def st(self) -> str:
        return "22" if self.kind == "air" else "31"

    def next_packet(self) -> Packet:
        """The device's next data packet: its clock moves on one interval."""
        qn, cn, cp = self._next()
        return Packet(
            qn=qn,
            st=self.st,
            cn=cn,
            pw=self.password,
            mn=self.mn,
            flag=make_flag(self.version, needs_ack=True),
            cp=cp,
        )

    def next_frame(self) -> tuple[str, str, bytes]:
        """(QN, CN, frame) of the next packet, written directly: the simulator must outrun the gateway."""
        if self.key is not None and self.version == Version.HJ212_2025:
            packet = self.next_packet()
            return packet.qn, packet.cn, self.encode(packet)
        qn, cn, cp = self._next()
        segment = f"QN={qn};{self._header(cn)}CP=&&{cp}&&".encode()
        return qn, cn, b"##%04d%s%04X\r\n" % (len(segment), segment, crc16(segment))

    def _header(self, cn: str) -> str:
        """The data segment's fields between QN and CP, the same in every packet of a CN."""
        return f"ST={self.st};CN={cn};PW={self.password};MN={self.mn};Flag={self._flag};"

    @functools.cached_property
    def _flag(self) -> int:
        return make_flag(self.version, needs_ack=True)

    def _next(self) -> tuple[str, str, str]:
        self.clock += timedelta(seconds=self.interval)
        self.sequence += 1
        cn = "2051" if self.kind == "air" and self.sequence % 5 == 0 else "2011"
        stamp = _timestamp(self.clock)
        hour = self.clock.hour
        values = _values(self.kind, cn, hour, int(self.rng.random() * VARIANTS))
        # QN: the device clock plus a millisecond counter, unique per device.
        return f"{stamp}{self.sequence % 1000:03d}", cn, f"DataTime={stamp};{values}"

    def encode(self, packet: Packet) -> bytes:
        return encode(packet, key=self.key if self.version == Version.HJ212_2025 else None, strict=False)


def make_devices(
    count: int,
    *,
    prefix: str = "SIM",
    password: str = "123456",
    start: datetime | None = None,
    seed: int = 212,
) -> list[SimulatedDevice]:
    """``count`` devices, two air stations to every power meter, MNs ``<prefix>A000001`` …"""
    rng = random.Random(seed)
    devices = []
    for number in range(1, count + 1):
        kind = "power" if number % 3 == 0 else "air"
        devices.append(
            SimulatedDevice(
                mn=f"{prefix}{'P' if kind == 'power' else 'A'}{number:06d}",
                password=password,
                kind=kind,
                interval=30 if kind == "power" else 60,
                clock=start or datetime(2026, 1, 1),
                rng=random.Random(rng.random()),
            )
        )
    return devices


@dataclass
class Report:
    sent: int = 0  # frames written
    expected_acks: int = 0
    acked: int = 0
    refused: int = 0  # corrupt frames answered with 9011
    corrupt_passed: int = 0  # corrupt frames whose CRC still matched (HJ 212's CRC keeps 8 bits)
    corrupt: int = 0
    duplicates: int = 0
    split_parts: int = 0
    unexpected: list[str] = field(default_factory=list)
    missing: list[tuple[str, str]] = field(default_factory=list)  # (MN, QN) never acknowledged
    latencies: list[float] = field(default_factory=list)
    elapsed: float = 0.0
    acked_keys: set[tuple[str, str, str]] = field(default_factory=set)  # (MN, QN, CN) acknowledged

    @property
    def ok(self) -> bool:
        return not self.missing and not self.unexpected

    def percentile(self, share: float) -> float:
        if not self.latencies:
            return 0.0
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(share * len(ordered)))]

    def summary(self) -> str:
        rate = self.sent / self.elapsed if self.elapsed else 0.0
        return (
            f"sent {self.sent} frames in {self.elapsed:.1f} s ({rate:.0f}/s); acknowledged {self.acked} of "
            f"{self.expected_acks}; refused {self.refused} of {self.corrupt} corrupt "
            f"({self.corrupt_passed} passed the CRC); {self.duplicates} duplicates; {self.split_parts} split "
            f"parts; ack latency p50 {self.percentile(0.5) * 1000:.1f} ms, "
            f"p99 {self.percentile(0.99) * 1000:.1f} ms; missing {len(self.missing)}; "
            f"unexpected {len(self.unexpected)}"
        )


class _Link(asyncio.Protocol):
    """One simulated device's connection to the gateway; replies are checked as they arrive."""

    def __init__(self, simulation: Simulation, device: SimulatedDevice) -> None:
        self.simulation, self.device = simulation, device
        self.framer = StreamFramer()
        self.keys = {device.mn: device.key} if device.key else None
        self.transport: asyncio.Transport | None = None
        self.writable = asyncio.Event()
        self.writable.set()

    def connection_made(self, transport) -> None:
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        for frame in self.framer.feed(data):
            self.simulation._on_frame(self.device, frame, self.keys)

    def connection_lost(self, exc) -> None:
        self.transport = None
        self.writable.set()
        self.simulation._on_lost(self)

    def pause_writing(self) -> None:
        self.writable.clear()

    def resume_writing(self) -> None:
        self.writable.set()

    @property
    def up(self) -> bool:
        return self.transport is not None and not self.transport.is_closing()


class Simulation:
    """Plays ``devices`` against ``host:port`` at ``rate`` packets per second in all, for ``duration``
    seconds or ``packets`` packets, whichever ends first.

    One pacing loop sends for every device in turn (a device's turn comes ``len(devices) / rate``
    seconds apart), so the simulator spends its time on packets rather than on timers. A device whose
    connection drops reconnects and sends again everything not yet acknowledged (``reconnect``)."""

    def __init__(
        self,
        devices: Iterable[SimulatedDevice],
        host: str,
        port: int,
        *,
        rate: float = 100.0,
        duration: float | None = None,
        packets: int | None = None,
        corrupt: float = 0.0,
        duplicate: float = 0.0,
        split: float = 0.0,
        ack_timeout: float = 30.0,
        seed: int = 212,
        reconnect: bool = True,
    ) -> None:
        self.devices = list(devices)
        self.host, self.port = host, port
        self.rate, self.duration, self.packets = rate, duration, packets
        self.corrupt, self.duplicate, self.split = corrupt, duplicate, split
        self.ack_timeout = ack_timeout
        self.reconnect = reconnect
        self.rng = random.Random(seed)
        self.report = Report()
        self._waiting: dict[tuple[str, str], list[float]] = {}  # (MN, QN) → send times of unacked frames
        self._refusals: dict[tuple[str, str], int] = {}
        self._sent: dict[str, dict[str, tuple[list[bytes], str]]] = {}  # MN → QN → (frames, CN) unacked
        self._links: dict[str, _Link] = {}
        self._reconnecting: dict[str, asyncio.Task] = {}
        self._finished = False

    async def run(self) -> Report:
        gc.freeze()  # a full collection over what the process built before would stall replies
        await asyncio.gather(*(self._connect(device) for device in self.devices))
        order = self.devices[:]
        self.rng.shuffle(order)  # turns staggered across devices and kinds
        started = time.perf_counter()
        try:
            await self._pace(order, started)
            self.report.elapsed = time.perf_counter() - started
            deadline = time.perf_counter() + self.ack_timeout
            while (self._waiting or self._refusals) and time.perf_counter() < deadline:
                await asyncio.sleep(0.05)
        finally:
            self._finished = True
            for task in self._reconnecting.values():
                task.cancel()
            for link in self._links.values():
                if link.transport is not None:
                    link.transport.close()
        self.report.missing = sorted(self._waiting)
        self.report.unexpected.extend(f"no 9011 refusal for corrupt {key}" for key in self._refusals)
        return self.report

    async def _pace(self, order: list[SimulatedDevice], started: float) -> None:
        budget = self.packets
        turns = 0
        while budget is None or turns < budget:
            now = time.perf_counter()
            if self.duration is not None and now - started >= self.duration:
                return
            due = int((now - started) * self.rate) + 1 - turns
            if budget is not None:
                due = min(due, budget - turns)
            if due <= 0:
                # At least a millisecond: waking for every packet would cost more than sending it.
                await asyncio.sleep(max(min((turns + 1) / self.rate - (now - started), 0.002), 0.001))
                continue
            for _ in range(min(due, 1000)):  # then let the replies in
                device = order[turns % len(order)]
                turns += 1
                link = self._links[device.mn]
                frames = self._frames(device)
                if link.up:
                    link.transport.write(frames[0] if len(frames) == 1 else b"".join(frames))
                elif not self.reconnect:
                    raise ConnectionError(f"{device.mn}: the gateway closed the connection")
                # else: sent again with everything unacknowledged once the link is back
                if not link.writable.is_set():
                    await link.writable.wait()  # the gateway is not reading: TCP holds the device back
            await asyncio.sleep(0)

    async def _connect(self, device: SimulatedDevice) -> _Link:
        loop = asyncio.get_running_loop()
        _transport, link = await loop.create_connection(lambda: _Link(self, device), self.host, self.port)
        self._links[device.mn] = link
        return link

    def _on_lost(self, link: _Link) -> None:
        device = link.device
        if self._finished or not self.reconnect or self._links.get(device.mn) is not link:
            return
        if device.mn not in self._reconnecting:
            self._reconnecting[device.mn] = asyncio.get_running_loop().create_task(self._come_back(device))

    async def _come_back(self, device: SimulatedDevice) -> None:
        """Reconnect (the gateway may be restarting) and send again what is not acknowledged."""
        try:
            for _ in range(600):
                try:
                    link = await self._connect(device)
                    break
                except OSError:
                    await asyncio.sleep(0.1)
            else:
                self.report.unexpected.append(f"{device.mn}: the gateway did not come back")
                return
            self._resend(device, link)
        finally:
            self._reconnecting.pop(device.mn, None)

    def _frames(self, device: SimulatedDevice) -> list[bytes]:
        roll = self.rng.random()
        report = self.report
        if roll < self.corrupt:
            qn, _cn, frame = device.next_frame()
            frame = bytearray(frame)
            at = frame.index(b"CP=&&") + 6 + self.rng.randrange(20)
            frame[at] = ord("7") if frame[at] != ord("7") else ord("8")  # a digit changed: CRC fails
            report.corrupt += 1
            report.sent += 1
            self._refusals[(device.mn, qn)] = 1
            return [bytes(frame)]
        if roll < self.corrupt + self.split:
            packet = device.next_packet()
            qn, cn = packet.qn, packet.cn
            frames = [device.encode(part) for part in split_packet(packet, max_cp=200)]
            report.split_parts += len(frames)
        else:
            qn, cn, frame = device.next_frame()
            frames = [frame]
        if self.rng.random() < self.duplicate:
            frames = frames + frames
            report.duplicates += 1
        now = time.perf_counter()
        self._waiting.setdefault((device.mn, qn), []).extend([now] * len(frames))
        self._sent.setdefault(device.mn, {})[qn] = (frames, cn)
        report.sent += len(frames)
        report.expected_acks += len(frames)
        return frames

    def _resend(self, device: SimulatedDevice, link: _Link) -> None:
        unacked = self._sent.get(device.mn, {})
        frames = []
        now = time.perf_counter()
        for mn, qn in list(self._waiting):
            if mn != device.mn or qn not in unacked:
                continue
            self._waiting[(mn, qn)] = [now] * len(unacked[qn][0])
            frames.extend(unacked[qn][0])
        if frames and link.up:
            link.transport.write(b"".join(frames))

    def _on_frame(self, device: SimulatedDevice, frame, keys) -> None:
        if isinstance(frame, HJ212Error):
            self.report.unexpected.append(f"{device.mn}: garbage from the gateway: {frame.reason}")
            return
        ack = _DATA_ACK.fullmatch(frame)
        if ack is not None and int(ack[1]) == len(ack[2]) and int(ack[5], 16) == crc16(ack[2]):
            self._on_ack(device, ack[4].decode(), ack[3].decode())  # the usual reply, checked quickly
            return
        try:
            reply = decode(frame, keys=keys)
        except HJ212Error as error:
            self.report.unexpected.append(f"{device.mn}: unreadable reply: {error}")
            return
        self._on_reply(device, reply)

    def _on_ack(self, device: SimulatedDevice, mn: str, qn: str) -> None:
        key = (mn, qn)
        if key in self._refusals:
            del self._refusals[key]  # about 1 in 256 corruptions keeps the CRC: nothing can tell
            self.report.corrupt_passed += 1
            return
        times = self._waiting.get(key)
        if not times:
            return  # an acknowledgement of a resent copy that was already counted
        self.report.latencies.append(time.perf_counter() - times.pop(0))
        self.report.acked += 1
        if not times:
            del self._waiting[key]
            entry = self._sent.get(device.mn, {}).pop(qn, None)
            if entry is not None:
                self.report.acked_keys.add((mn, qn, entry[1]))

    def _on_reply(self, device: SimulatedDevice, reply: Packet) -> None:
        key = (reply.mn, reply.qn)
        if reply.cn == "9014":
            self._on_ack(device, reply.mn, reply.qn)
        elif reply.cn == "9011" and key in self._refusals:
            del self._refusals[key]
            self.report.refused += 1
        else:
            self.report.unexpected.append(
                f"{device.mn}: unexpected reply CN={reply.cn} QnRtn={reply.cp.get('QnRtn')}"
            )
