"""Split packets (Flag D bit, PNUM/PNO; spec hj212.md "Limits"): reassembly and splitting.

A message whose data segment would exceed the limits travels as PNUM packets numbered PNO = 1…PNUM
that share MN, ST, CN and QN. Each part usually repeats the leading plain groups (``DataTime=…``).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from .codec import MAX_SEGMENT, encode_segment
from .cp import CP, Group
from .cp_checks import MAX_CP, MAX_CP_2005
from .errors import QN_RTN_FLAG, EncodeError, HJ212Error
from .packet import FLAG_SPLIT, Packet, Version

MessageKey = tuple


@dataclass
class Partial:
    """A message still missing parts (reported by ``Reassembler.expire``)."""

    key: MessageKey
    pnum: int
    first_seen: float
    parts: dict[int, Packet] = field(default_factory=dict)

    @property
    def missing(self) -> list[int]:
        return [number for number in range(1, self.pnum + 1) if number not in self.parts]


class Reassembler:
    """Collects the parts of split messages; incomplete ones expire after ``timeout`` seconds.

    ``add`` returns the whole message once its last part arrives (and passes unsplit packets
    through unchanged), else None. Call ``expire`` periodically to collect what timed out; at most
    ``max_pending`` messages are held, the oldest are expired first when more arrive.
    """

    def __init__(
        self, timeout: float = 120.0, max_pending: int = 10_000, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.timeout = timeout
        self.max_pending = max_pending
        self._clock = clock
        self._pending: dict[MessageKey, Partial] = {}
        self._expired: list[Partial] = []

    @property
    def pending(self) -> int:
        return len(self._pending)

    def add(self, packet: Packet, now: float | None = None) -> Packet | None:
        if packet.pnum is None and packet.pno is None:
            return packet
        if packet.pnum is None or packet.pno is None or not 1 <= packet.pno <= packet.pnum:
            raise HJ212Error(
                f"inconsistent PNUM {packet.pnum} / PNO {packet.pno}", field="PNO", qn_rtn=QN_RTN_FLAG
            )
        now = self._clock() if now is None else now
        key = message_key(packet)
        partial = self._pending.get(key)
        if partial is None:
            partial = self._pending[key] = Partial(key, packet.pnum, now)
            if len(self._pending) > self.max_pending:
                oldest = next(iter(self._pending))
                self._expired.append(self._pending.pop(oldest))
        partial.parts.setdefault(packet.pno, packet)  # a repeated part keeps the first copy
        if len(partial.parts) < partial.pnum:
            return None
        del self._pending[key]
        return combine([partial.parts[number] for number in range(1, partial.pnum + 1)])

    def expire(self, now: float | None = None) -> list[Partial]:
        """Remove and return the messages older than ``timeout`` (and any evicted ones)."""
        now = self._clock() if now is None else now
        expired, self._expired = self._expired, []
        for key, partial in list(self._pending.items()):
            if now - partial.first_seen >= self.timeout:
                expired.append(self._pending.pop(key))
        return expired


def message_key(packet: Packet) -> MessageKey:
    # HJ/T 212-2005 parts may lack QN; their DataTime tells messages of one device apart.
    return (packet.mn, packet.st, packet.cn, packet.qn or packet.cp.get("DataTime"), packet.pnum)


def _is_plain(group: Group) -> bool:
    return all("-" not in key for key, _ in group)


def combine(parts: list[Packet]) -> Packet:
    """One packet from its parts in PNO order: CP groups concatenated, the plain groups the parts
    repeat (``DataTime=…``) kept once, D bit and PNUM/PNO cleared."""
    first = parts[0]
    groups = list(first.cp.groups)
    seen = {group for group in groups if _is_plain(group)}
    for part in parts[1:]:
        groups.extend(group for group in part.cp.groups if not (_is_plain(group) and group in seen))
    flag = first.flag & ~FLAG_SPLIT if first.flag is not None else None
    warnings = [warning for part in parts for warning in part.warnings]
    return first.replace(flag=flag, pnum=None, pno=None, cp=CP._from_groups(groups), warnings=warnings)


def split_packet(packet: Packet, max_cp: int | None = None) -> list[Packet]:
    """The inverse of ``combine``: parts that fit the limits (data segment of 1024 bytes, CP field
    of ``max_cp`` characters: 950, or 960 for HJ/T 212-2005), each repeating the leading plain
    groups. A packet that fits is returned alone and unchanged."""
    limit = max_cp or (MAX_CP_2005 if packet.version == Version.HJ212_2005 else MAX_CP)
    if _fits(packet, limit):
        return [packet]
    flag = (packet.flag if packet.flag is not None else 0) | FLAG_SPLIT
    # Sizes are measured with 4-digit PNUM/PNO, the widest the header can carry.
    probe = packet.replace(flag=flag, pnum=9999, pno=9999)
    groups = packet.cp.groups
    lead = 0
    while lead < len(groups) and _is_plain(groups[lead]):
        lead += 1
    common = list(groups[:lead])
    chunks: list[list[Group]] = []
    current: list[Group] = []
    for group in groups[lead:]:
        if not _fits(probe.replace(cp=CP._from_groups([*common, group])), limit):
            raise EncodeError(f"CP group {group[0][0]}… alone does not fit in a packet")
        if current and not _fits(probe.replace(cp=CP._from_groups([*common, *current, group])), limit):
            chunks.append(current)
            current = []
        current.append(group)
    chunks.append(current)
    return [
        packet.replace(flag=flag, pnum=len(chunks), pno=number, cp=CP._from_groups(common + chunk))
        for number, chunk in enumerate(chunks, start=1)
    ]


def _fits(packet: Packet, cp_limit: int) -> bool:
    segment = encode_segment(packet)
    cp_field = len(segment) - segment.index(b"CP=&&")
    return len(segment) <= MAX_SEGMENT and cp_field <= cp_limit
