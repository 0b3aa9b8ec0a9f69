"""Test cases of the HJ 212 models for the generated tests (tests/generic.py), and the helpers that
make devices and store packets for the module's own tests."""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

from lantian.hj212.codec import decode
from lantian.hj212.models import Device, RawPacket, RejectedPacket
from lantian.hj212.simulator import SimulatedDevice
from lantian.hj212.storage import PacketStore, Received, Rejection
from tests.generic import Case, add_cases

LOCAL = ZoneInfo("Asia/Shanghai")
SERIAL = itertools.count(1)


def make_device(organization, mn: str | None = None, **fields) -> Device:
    values = {
        "name": f"测试微站 {next(SERIAL)}",
        "kind": Device.Kind.MICRO_STATION,
        "st": "22",
        "password": "123456",
        "capture_cn": Device.CaptureCommand.REALTIME,
        "interval": 60,
    }
    values.update(fields)
    return Device.objects.create(mn=mn or f"TEST{next(SERIAL):08d}", organization=organization, **values)


def store_packets(
    device: Device,
    start: datetime,
    count: int,
    *,
    kind: str = "air",
    step: int = 60,
    received_delay: float = 2.0,
) -> list[bool]:
    """``count`` packets of a simulated device whose clock starts one step before ``start`` (local
    time), stored as the gateway stores them; returns which were new."""
    simulated = SimulatedDevice(
        mn=device.mn,
        password=device.password,
        kind=kind,
        interval=step,
        clock=start.astimezone(LOCAL).replace(tzinfo=None) - timedelta(seconds=step),
    )
    batch = []
    for _ in range(count):
        _qn, _cn, frame = simulated.next_frame()
        packet = decode(frame)
        received_at = packet.data_time.replace(tzinfo=LOCAL) + timedelta(seconds=received_delay)
        batch.append(Received(frame, packet, device.pk, received_at, "10.0.0.9:40001", "gw-test"))
    return PacketStore().store(batch)


def reject(
    device: Device | None,
    mn: str = "",
    *,
    reason: str = "CRC mismatch",
    qn_rtn: int | None = 9,
    received_at: datetime | None = None,
    frame: bytes = b"##0010QN=1;ST=22\r\n",
) -> RejectedPacket:
    PacketStore().reject(
        [
            Rejection(
                frame,
                reason,
                received_at or timezone.now(),
                qn_rtn,
                mn or (device.mn if device else ""),
                device.pk if device else None,
                "10.0.0.9:40001",
                "gw-test",
            )
        ]
    )
    return RejectedPacket.objects.latest("pk")


def device_of(tree) -> Device:
    device = Device.objects.filter(organization=tree.ent_a1).order_by("pk").first()
    return device or make_device(tree.ent_a1, "A1DEVICE0001", name="甲一化工东厂界微站")


def _packet(tree) -> RawPacket:
    device = device_of(tree)
    if not device.packets.exists():
        store_packets(device, timezone.now() - timedelta(hours=1), 3)
    return device.packets.order_by("pk").first()


def _rejection(tree) -> RejectedPacket:
    return reject(device_of(tree), qn_rtn=3, reason="wrong access password (PW)")


def _more_devices(tree, n):
    Device.objects.bulk_create(
        Device(mn=f"MORE{next(SERIAL):08d}", name=f"微站{i}", organization=tree.ent_a1, password="123456")
        for i in range(n)
    )


def _more_packets(tree, n):
    store_packets(device_of(tree), timezone.now() - timedelta(days=2, minutes=next(SERIAL) * 100), n)


def _more_rejections(tree, n):
    device = device_of(tree)
    for _ in range(n):
        reject(device)


add_cases(
    Case(
        Device, device_of, member="ent_a1_admin", outsider="ent_a2_admin", more=_more_devices,
        unfiltered=frozenset({"measures", "interval", "last_cn", "last_peer", "created_at"}),
    ),
    Case(
        RawPacket, _packet, member="ent_a1_admin", outsider="ent_a2_admin", more=_more_packets,
    ),
    Case(
        RejectedPacket, _rejection, member="ent_a1_admin", outsider="ent_a2_admin", more=_more_rejections,
    ),
)  # fmt: skip
