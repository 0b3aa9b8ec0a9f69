"""The packet model: header fields of the data segment plus its CP."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from enum import IntEnum
from typing import Any

from .cp import CP
from .errors import Deviation

# Flag bits (spec hj212.md "Versions"; HJ 212-2017 数据段结构组成表, Flag = V5..V0 D A).
FLAG_ACK = 0x01  # A, bit 0: the receiver must answer
FLAG_SPLIT = 0x02  # D, bit 1: split packet carrying PNUM and PNO
VERSION_SHIFT = 2  # version number in bits 7..2
MAX_FLAG = 0xFF  # Flag is one byte


class Version(IntEnum):
    """Protocol version as coded in Flag bits 7..2 (spec hj212.md "Versions").

    A member equals its Flag value and also its year: ``Version.HJ212_2017 == 1 == 2017``.
    """

    HJ212_2005 = 0  # HJ/T 212-2005, or no version bits at all
    HJ212_2017 = 1
    HJ212_2025 = 2

    @property
    def year(self) -> int:
        return (2005, 2017, 2025)[self]

    def __eq__(self, other: object) -> bool:
        if isinstance(other, int) and not isinstance(other, Version) and other >= 2005:
            return self.year == other
        return int(self) == other

    def __ne__(self, other: object) -> bool:
        return not self == other

    __hash__ = IntEnum.__hash__

    @classmethod
    def of(cls, value: Version | int) -> Version:
        """Accepts a member, the Flag bit value (0, 1, 2) or the year (2005, 2017, 2025)."""
        if value.__class__ is cls:
            return value
        if value in (2005, 2017, 2025):
            return cls((2005, 2017, 2025).index(value))
        return cls(value)


def make_flag(version: Version | int, *, needs_ack: bool = False, split: bool = False) -> int:
    """Flag value for a version and the A and D bits: ``make_flag(2017, needs_ack=True) == 5``."""
    return (
        (Version.of(version) << VERSION_SHIFT) | (FLAG_ACK if needs_ack else 0) | (FLAG_SPLIT if split else 0)
    )


def new_qn(moment: datetime | None = None) -> str:
    """A request number ``YYYYMMDDhhmmsszzz`` (HJ 212-2017 数据段结构组成表, QN) from local time."""
    moment = moment or datetime.now()
    return moment.strftime("%Y%m%d%H%M%S") + f"{moment.microsecond // 1000:03d}"


class Packet:
    """One HJ 212 packet.

    ``flag`` carries the version and the A/D bits; ``version`` and ``needs_ack`` are derived from it
    and may also be given to the constructor, which then sets the corresponding bits. Fields that a
    frame does not carry are ``None`` (HJ/T 212-2005 packets may lack QN and Flag).

    Equality compares what travels in the frame (header fields, CP and unknown header fields kept in
    ``extras``); ``warnings`` (deviations accepted by lenient decoding), ``encrypted``,
    ``qn_in_cp`` (2005 layout with QN inside CP) and ``encoding`` describe how it was written.
    """

    __slots__ = (
        "cn",
        "cp",
        "encoding",
        "encrypted",
        "extras",
        "flag",
        "mn",
        "pno",
        "pnum",
        "pw",
        "qn",
        "qn_in_cp",
        "st",
        "warnings",
    )

    def __init__(
        self,
        qn: str | None = None,
        st: str | None = None,
        cn: str | None = None,
        pw: str | None = None,
        mn: str | None = None,
        flag: int | None = None,
        pnum: int | None = None,
        pno: int | None = None,
        cp: CP | str | Any = None,
        *,
        version: Version | int | None = None,
        needs_ack: bool | None = None,
        extras: Iterable[tuple[str, str]] = (),
        warnings: Iterable[Deviation | str] = (),
        qn_in_cp: bool = False,
        encrypted: bool = False,
        encoding: str = "utf-8",
    ) -> None:
        flag, pnum, pno = _number(flag), _number(pnum), _number(pno)
        if version is not None or needs_ack is not None:
            flag = _with_bits(flag, version, needs_ack, split=pnum is not None)
        self.qn = _text(qn)
        self.st = _text(st)
        self.cn = _text(cn)
        self.pw = _text(pw)
        self.mn = _text(mn)
        self.flag = flag
        self.pnum = pnum
        self.pno = pno
        self.cp = cp if isinstance(cp, CP) else CP(cp)
        self.extras = tuple(extras)
        self.warnings = list(warnings)
        self.qn_in_cp = qn_in_cp
        self.encrypted = encrypted
        self.encoding = encoding

    # -- derived ---------------------------------------------------------------------------------
    @property
    def version(self) -> Version | int:
        """``Version`` from Flag bits 7..2; HJ212_2005 without Flag; the raw number if unknown."""
        if self.flag is None:
            return Version.HJ212_2005
        bits = self.flag >> VERSION_SHIFT
        return Version(bits) if bits <= Version.HJ212_2025 else bits

    @property
    def needs_ack(self) -> bool:
        return self.flag is not None and bool(self.flag & FLAG_ACK)

    @property
    def is_split(self) -> bool:
        return self.flag is not None and bool(self.flag & FLAG_SPLIT)

    @property
    def resent(self) -> bool:
        """``RF=1``: re-sent (补传) data, HJ 212-2025, in the header or in CP."""
        if self.extras and dict(self.extras).get("RF") == "1":
            return True
        return "RF=" in self.cp.text and self.cp.get("RF") == "1"  # the test spares parsing CP

    @property
    def data_time(self) -> datetime | None:
        return self.cp.data_time

    # -- value semantics -------------------------------------------------------------------------
    def _key(self) -> tuple:
        return (
            self.qn,
            self.st,
            self.cn,
            self.pw,
            self.mn,
            self.flag,
            self.pnum,
            self.pno,
            self.cp,
            self.extras,
        )

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Packet):
            return self._key() == other._key()
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]  # mutable

    def replace(self, **changes: Any) -> Packet:
        """A copy with some attributes changed (like ``dataclasses.replace``)."""
        attributes = {name: getattr(self, name) for name in self.__slots__}
        attributes.update(changes)
        return Packet(**attributes)

    def __repr__(self) -> str:
        shown = ", ".join(
            f"{name}={getattr(self, name)!r}"
            for name in ("qn", "st", "cn", "pw", "mn", "flag", "pnum", "pno", "cp", "extras")
            if getattr(self, name) not in (None, ())
        )
        return f"Packet({shown})"


def _text(value: object) -> str | None:
    return None if value is None else str(value)  # ST and CN are often written as numbers


def _number(value: int | str | None) -> int | None:
    return None if value is None else int(value)


def _with_bits(
    flag: int | None, version: Version | int | None, needs_ack: bool | None, *, split: bool
) -> int:
    if flag is None:
        flag = FLAG_SPLIT if split else 0
        if version is None:
            version = Version.HJ212_2017
    if version is not None:
        flag = (flag & (FLAG_ACK | FLAG_SPLIT)) | (Version.of(version) << VERSION_SHIFT)
    if needs_ack is not None:
        flag = (flag | FLAG_ACK) if needs_ack else (flag & ~FLAG_ACK)
    return flag
