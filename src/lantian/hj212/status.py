"""Device status queries: online/offline and data-capture rates (specs/hj212.md "Device registry").

Capture rate of a device on a day (Asia/Shanghai) = the distinct data times of its stored packets of
the counted data type (``Device.capture_cn``) on that day ÷ the packets expected that day
(``Device.expected_per_day``), at most 100 %. For the day in progress only the intervals already
elapsed are expected, so a device that has sent everything so far is at 100 %, not at the share of
the day gone by. Every figure for a page of devices is one GROUP BY query, never a query per device
(ARCHITECTURE rule 10); callers pass devices they took from ``Device.objects.restrict``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import reduce
from operator import or_
from zoneinfo import ZoneInfo

from django.db.models import Count, F, Q
from django.db.models.functions import TruncDate
from django.utils import timezone

from .models import OFFLINE_AFTER_MISSED_INTERVALS, Device, RawPacket, RejectedPacket

LOCAL = ZoneInfo("Asia/Shanghai")  # the day of a capture rate is a day in the devices' local time

# Colour bands of a capture rate on the pages. Display thresholds chosen for operators, not a
# standard's figures: below FAIR a device needs attention today.
GOOD = 0.90
FAIR = 0.75


def today(now: datetime | None = None) -> date:
    return (now or timezone.now()).astimezone(LOCAL).date()


def day_bounds(day: date) -> tuple[datetime, datetime]:
    """[start, end) of ``day`` in Asia/Shanghai, as aware datetimes."""
    start = datetime.combine(day, time(), tzinfo=LOCAL)
    return start, datetime.combine(day + timedelta(days=1), time(), tzinfo=LOCAL)


def expected_count(device: Device, day: date, now: datetime | None = None) -> int:
    """Packets of the counted type expected on ``day``: a whole day's worth for a day that is over,
    the elapsed intervals for the day in progress, none for a day to come."""
    now = now or timezone.now()
    start, end = day_bounds(day)
    if now >= end:
        return device.expected_per_day
    if now <= start:
        return 0
    elapsed = int((now - start).total_seconds()) // device.interval
    return max(1, min(device.expected_per_day, elapsed))


def expected_for(device: Device, day: date, captured: int, now: datetime | None = None) -> int:
    """``expected_count``, except that a day before the device was registered on which it sent
    nothing expects nothing: a new device does not start with a month of zeros."""
    if not captured and device.created_at is not None and day < today(device.created_at):
        return 0
    return expected_count(device, day, now)


def capture_rate(captured: int, expected: int) -> float | None:
    """captured ÷ expected, capped at 1; None when nothing was expected."""
    if expected <= 0:
        return None
    return min(1.0, captured / expected)


def rate_css(rate: float | None) -> str:
    if rate is None:
        return "text-secondary"
    if rate >= GOOD:
        return "text-success"
    if rate >= FAIR:
        return "text-warning"
    return "text-danger"


def _ids(devices: Iterable[Device | int]) -> list[int]:
    return [d if isinstance(d, int) else d.pk for d in devices]


def captured_counts(devices: Iterable[Device | int], first: date, last: date) -> dict[tuple[int, date], int]:
    """(device id, day) → distinct data times of the device's counted data type, for the days
    ``first`` … ``last`` (Asia/Shanghai): one GROUP BY query."""
    ids = _ids(devices)
    if not ids:
        return {}
    start, _ = day_bounds(first)
    _, end = day_bounds(last)
    rows = (
        RawPacket.objects.filter(
            device_id__in=ids, cn=F("device__capture_cn"), data_time__gte=start, data_time__lt=end
        )
        .annotate(day=TruncDate("data_time", tzinfo=LOCAL))
        .values("device_id", "day")
        .annotate(captured=Count("data_time", distinct=True))
        .order_by()
    )
    return {(row["device_id"], row["day"]): row["captured"] for row in rows}


def _counts_by_device(queryset, ids: list[int], day: date) -> dict[int, int]:
    if not ids:
        return {}
    start, end = day_bounds(day)
    rows = (
        queryset.filter(device_id__in=ids, received_at__gte=start, received_at__lt=end)
        .values("device_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {row["device_id"]: row["n"] for row in rows}


def packet_counts(devices: Iterable[Device | int], day: date, packets=None) -> dict[int, int]:
    """device id → packets received on ``day``; ``packets`` is the (restricted) RawPacket queryset."""
    return _counts_by_device(RawPacket.objects.all() if packets is None else packets, _ids(devices), day)


def rejection_counts(devices: Iterable[Device | int], day: date, rejections=None) -> dict[int, int]:
    """device id → frames of the device refused on ``day``."""
    queryset = RejectedPacket.objects.all() if rejections is None else rejections
    return _counts_by_device(queryset, _ids(devices), day)


def online_q(devices, now: datetime | None = None) -> Q:
    """Devices of the queryset ``devices`` that are online at ``now``: their last packet is at most
    3 of their intervals old (``Device.is_online``). One small query for the distinct intervals;
    the condition itself runs in the database."""
    now = now or timezone.now()
    intervals = sorted(set(devices.order_by().values_list("interval", flat=True).distinct()))
    conditions = [
        Q(
            interval=interval,
            last_seen_at__gte=now - timedelta(seconds=interval * OFFLINE_AFTER_MISSED_INTERVALS),
        )
        for interval in intervals
    ]
    if not conditions:
        return Q(pk__in=[])
    return Q(last_seen_at__isnull=False) & reduce(or_, conditions)


ONLINE, OFFLINE, NEVER = "online", "offline", "never"


def filter_status(devices, status: str, now: datetime | None = None):
    """Narrow ``devices`` to those ``online``, ``offline`` (seen, but not lately) or ``never`` seen."""
    if status == ONLINE:
        return devices.filter(online_q(devices, now))
    if status == OFFLINE:
        return devices.filter(last_seen_at__isnull=False).exclude(online_q(devices, now))
    if status == NEVER:
        return devices.filter(last_seen_at__isnull=True)
    return devices


def status_counts(devices, now: datetime | None = None) -> dict[str, int]:
    """How many of ``devices`` are online, offline and never seen, counted in the database."""
    counts = devices.order_by().aggregate(
        total=Count("pk"),
        never=Count("pk", filter=Q(last_seen_at__isnull=True)),
        online=Count("pk", filter=online_q(devices, now)),
    )
    counts[OFFLINE] = counts["total"] - counts[NEVER] - counts[ONLINE]
    return counts


def status_of(device: Device, now: datetime | None = None) -> str:
    if device.last_seen_at is None:
        return NEVER
    return ONLINE if device.is_online(now) else OFFLINE


@dataclass
class DayStatus:
    """One device's figures for one day, for the status page."""

    device: Device
    status: str
    captured: int
    expected: int
    rate: float | None
    packets: int
    rejections: int | None  # None: the user may not see rejections

    @property
    def rate_css(self) -> str:
        return rate_css(self.rate)


def day_statuses(devices: list[Device], day: date, *, packets=None, rejections=None,
                 now: datetime | None = None) -> list[DayStatus]:  # fmt: skip
    """The status rows of a page of devices: three GROUP BY queries whatever the page size.
    ``packets``/``rejections`` are the user's restricted querysets (rejections None: not shown)."""
    now = now or timezone.now()
    captured = captured_counts(devices, day, day)
    received = packet_counts(devices, day, packets)
    refused = rejection_counts(devices, day, rejections) if rejections is not None else None
    rows = []
    for device in devices:
        count = captured.get((device.pk, day), 0)
        expected = expected_for(device, day, count, now)
        rows.append(
            DayStatus(
                device=device,
                status=status_of(device, now),
                captured=count,
                expected=expected,
                rate=capture_rate(count, expected),
                packets=received.get(device.pk, 0),
                rejections=None if refused is None else refused.get(device.pk, 0),
            )
        )
    return rows


def capture_series(device: Device, days: int = 30, now: datetime | None = None) -> list[dict]:
    """The last ``days`` days (oldest first, today last) of one device: day, captured, expected,
    rate. One query."""
    now = now or timezone.now()
    last = today(now)
    first = last - timedelta(days=days - 1)
    captured = captured_counts([device], first, last)
    series = []
    for offset in range(days):
        day = first + timedelta(days=offset)
        count = captured.get((device.pk, day), 0)
        expected = expected_for(device, day, count, now)
        series.append(
            {"day": day, "captured": count, "expected": expected, "rate": capture_rate(count, expected)}
        )
    return series
