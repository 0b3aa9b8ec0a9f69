"""Demo HJ 212 devices with data since yesterday's midnight, stored as the gateway stores it.

Two air micro-stations around 渭川宏远化工 (one speaks HJ 212-2025 with an SM4 key and lost three
hours in the night), the power meters on two of its pollution-control facilities (the RTO fan's
meter drops packets), a micro-station of 渭川金泰石化 that went silent six hours ago and a meter of
金泰石化 that was registered but never sent anything. A few refused frames (bad CRC, wrong PW, an
unknown MN) show on the rejection pages. Frames come from the simulator and go through the real
decoder and ``PacketStore``. Idempotent: a device that has packets keeps them.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from lantian.core.demo import _upsert
from lantian.core.models import Organization

from .codec import decode
from .errors import HJ212Error
from .models import Device, RejectedPacket
from .packet import Version
from .simulator import SimulatedDevice
from .status import LOCAL
from .storage import PacketStore, Received, Rejection

GATEWAY = "gw-demo-1"
UNKNOWN_MN = "61032300ZZ999999"


@dataclass(frozen=True)
class DemoDevice:
    mn: str
    name: str
    owner: str
    kind: str  # Device.Kind
    measures: str
    sim_kind: str = "air"  # the simulator's "air" or "power"
    capture_cn: str = Device.CaptureCommand.REALTIME
    interval: int = 60
    key: str = ""  # SM4 key (hex): the device speaks HJ 212-2025 and encrypts CP
    gap: tuple[int, int] | None = None  # hours ago: (from, to) without packets
    silent_for: int = 0  # hours since the last packet
    drop: float = 0.0  # share of packets lost on the way
    sends: bool = True
    peer: str = ""


HONGYUAN, JINTAI = "渭川宏远化工有限公司", "渭川金泰石化有限公司"
DEVICES = (
    DemoDevice("61032300HYAIR001", "宏远化工东厂界空气微站", HONGYUAN, Device.Kind.MICRO_STATION,
               "宏远化工东厂界（主导风下风向）", capture_cn=Device.CaptureCommand.MINUTE, interval=300,
               peer="10.61.23.41"),
    DemoDevice("61032300HYAIR002", "宏远化工西厂界空气微站", HONGYUAN, Device.Kind.MICRO_STATION,
               "宏远化工西厂界（上风向对照点）", capture_cn=Device.CaptureCommand.MINUTE, interval=300,
               key="5A3C9E1F07B24D68A1C3E5F708192B4D", gap=(22, 19), peer="10.61.23.42"),
    DemoDevice("61032300HYPWR001", "活性炭吸附装置风机用电监控", HONGYUAN, Device.Kind.POWER_METER,
               "活性炭吸附装置 风机", sim_kind="power", interval=120, peer="10.61.23.51"),
    DemoDevice("61032300HYPWR002", "RTO 主风机用电监控", HONGYUAN, Device.Kind.POWER_METER,
               "RTO 蓄热式焚烧炉 主风机", sim_kind="power", interval=120, drop=0.12, peer="10.61.23.52"),
    DemoDevice("61032300JTAIR001", "金泰石化南厂界空气微站", JINTAI, Device.Kind.MICRO_STATION,
               "金泰石化南厂界", capture_cn=Device.CaptureCommand.MINUTE, interval=300, silent_for=6,
               peer="10.61.24.17"),
    DemoDevice("61032300JTPWR001", "储罐区油气回收装置用电监控", JINTAI, Device.Kind.POWER_METER,
               "储罐区油气回收装置 真空泵", sim_kind="power", interval=120, sends=False),
)  # fmt: skip


def _register(spec: DemoDevice, owner: Organization) -> Device:
    return _upsert(
        Device,
        {"mn": spec.mn},
        {
            "name": spec.name,
            "organization": owner,
            "kind": spec.kind,
            "st": "22" if spec.sim_kind == "air" else "31",
            "measures": spec.measures,
            "password": "123456",
            "sm4_key": spec.key,
            "capture_cn": spec.capture_cn,
            "interval": spec.interval,
            "is_active": True,
        },
    )


def _simulated(spec: DemoDevice, now: datetime, start: datetime | None = None) -> SimulatedDevice:
    """The device's simulator whose first packet is at ``start`` (default: yesterday's local midnight)."""
    if start is None:
        start = (now.astimezone(LOCAL) - timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    start = start.astimezone(LOCAL).replace(second=0, microsecond=0)
    # Air stations send real-time data every minute and minute data every 5th packet.
    step = 60 if spec.sim_kind == "air" else spec.interval
    return SimulatedDevice(
        mn=spec.mn,
        password="123456",
        kind=spec.sim_kind,
        interval=step,
        version=Version.HJ212_2025 if spec.key else Version.HJ212_2017,
        key=bytes.fromhex(spec.key) if spec.key else None,
        clock=start.replace(tzinfo=None) - timedelta(seconds=step),
        rng=random.Random(spec.mn),
    )


def _received(spec: DemoDevice, device: Device, now: datetime) -> list[Received]:
    end = now.astimezone(LOCAL).replace(tzinfo=None) - timedelta(hours=spec.silent_for)
    simulated = _simulated(spec, now)
    keys = {spec.mn: bytes.fromhex(spec.key)} if spec.key else None
    gap = None
    if spec.gap:
        local_now = now.astimezone(LOCAL).replace(tzinfo=None)
        gap = (local_now - timedelta(hours=spec.gap[0]), local_now - timedelta(hours=spec.gap[1]))
    lose = random.Random(f"drop{spec.mn}")
    batch = []
    while True:
        _qn, _cn, frame = simulated.next_frame()
        moment = simulated.clock
        if moment > end:
            break
        if (gap and gap[0] <= moment < gap[1]) or (spec.drop and lose.random() < spec.drop):
            continue
        packet = decode(frame, keys=keys)
        received_at = moment.replace(tzinfo=LOCAL) + timedelta(seconds=1 + lose.random() * 3)
        batch.append(
            Received(
                frame, packet, device.pk, received_at, f"{spec.peer}:{40000 + lose.randrange(999)}", GATEWAY
            )
        )
    return batch


def _refused(device: Device, spec: DemoDevice, now: datetime) -> list[Rejection]:
    """A few frames the gateway would refuse, with the reasons it gives."""
    rejections = []
    for hours_ago in (20, 13, 7):
        _qn, _cn, frame = _simulated(spec, now, now - timedelta(hours=hours_ago)).next_frame()
        corrupt = bytearray(frame)
        corrupt[60] = ord("9") if corrupt[60] != ord("9") else ord("8")  # a flipped digit in CP
        try:
            decode(bytes(corrupt))
            continue  # HJ 212's CRC misses some flips (crc.py): such a frame is not a demo rejection
        except HJ212Error as error:
            rejections.append(
                Rejection(
                    bytes(corrupt),
                    str(error),
                    now - timedelta(hours=hours_ago),
                    error.qn_rtn,
                    device.mn,
                    device.pk,
                    f"{spec.peer}:40123",
                    GATEWAY,
                )
            )
    return rejections


def _wrong_password(device: Device, spec: DemoDevice, now: datetime) -> Rejection:
    simulated = _simulated(spec, now, now - timedelta(hours=8))
    simulated.password = "000000"
    _qn, _cn, frame = simulated.next_frame()
    return Rejection(
        frame,
        "wrong access password (PW)",
        now - timedelta(hours=8),
        3,
        device.mn,
        device.pk,
        f"{spec.peer}:40500",
        GATEWAY,
    )


def _unknown(now: datetime) -> Rejection:
    clock = (now - timedelta(hours=3, minutes=1)).astimezone(LOCAL).replace(tzinfo=None, microsecond=0)
    simulated = SimulatedDevice(mn=UNKNOWN_MN, password="123456", clock=clock)
    _qn, _cn, frame = simulated.next_frame()
    return Rejection(
        frame,
        f"unknown device MN {UNKNOWN_MN!r}",
        now - timedelta(hours=3),
        4,
        UNKNOWN_MN,
        None,
        "10.61.30.8:51200",
        GATEWAY,
    )


@transaction.atomic
def build_demo() -> list[str]:
    now = timezone.now().replace(microsecond=0)
    owners = {org.name: org for org in Organization.objects.filter(name__in=[HONGYUAN, JINTAI])}
    store = PacketStore()
    devices, packets, rejections = 0, 0, []
    for spec in DEVICES:
        owner = owners.get(spec.owner)
        if owner is None:
            continue
        device = _register(spec, owner)
        devices += 1
        if not spec.sends or device.packets.exists():
            continue
        batch = _received(spec, device, now)
        for start in range(0, len(batch), 2000):
            packets += sum(store.store(batch[start : start + 2000]))
        if spec.drop:
            rejections.extend(_refused(device, spec, now))
        if spec.silent_for:
            rejections.append(_wrong_password(device, spec, now))
    if devices and not RejectedPacket.objects.filter(mn=UNKNOWN_MN).exists():
        rejections.append(_unknown(now))
    store.reject(rejections)
    return [
        f"HJ 212: {devices} devices, {packets} packets since yesterday, {len(rejections)} rejected frames"
    ]
