"""Errors and deviations reported by the HJ 212 codec."""

from __future__ import annotations

# QnRtn values a platform answers with when it refuses a request (spec hj212.md, 9011 list;
# HJ 212-2017 table "请求命令返回表").
QN_RTN_PW = 3
QN_RTN_MN = 4
QN_RTN_ST = 5
QN_RTN_FLAG = 6
QN_RTN_QN = 7
QN_RTN_CN = 8
QN_RTN_CRC = 9
QN_RTN_UNKNOWN = 100


class HJ212Error(ValueError):
    """A frame or packet that cannot be accepted.

    ``reason`` says what is wrong, ``position`` is the byte offset in the frame (or, for the
    stream framer, in the stream) where the problem starts, ``field`` names the offending field
    when there is one and ``qn_rtn`` is the QnRtn code a 9011 reply would carry.
    """

    def __init__(
        self,
        reason: str,
        *,
        position: int | None = None,
        field: str | None = None,
        qn_rtn: int = QN_RTN_UNKNOWN,
    ) -> None:
        self.reason = reason
        self.position = position
        self.field = field
        self.qn_rtn = qn_rtn
        super().__init__(str(self))

    def __str__(self) -> str:
        if self.position is None:
            return self.reason
        return f"{self.reason} (at byte {self.position})"


class CRCError(HJ212Error):
    """The CRC written in the frame differs from the CRC of the data segment."""

    def __init__(self, given: int, computed: int, *, position: int | None = None, hint: str = "") -> None:
        self.given = given
        self.computed = computed
        reason = f"CRC mismatch: frame says {given:04X}, data segment gives {computed:04X}{hint}"
        super().__init__(reason, position=position, field="CRC", qn_rtn=QN_RTN_CRC)


class FramingError(HJ212Error):
    """Bytes in a TCP stream that do not belong to any frame: ``size`` of them, the first of which
    ``garbage`` holds (all of them unless the run was longer than the framer keeps)."""

    def __init__(
        self, reason: str, garbage: bytes, *, position: int | None = None, size: int | None = None
    ) -> None:
        self.garbage = garbage
        self.size = len(garbage) if size is None else size
        super().__init__(reason, position=position)


class EncodeError(HJ212Error):
    """A packet that cannot be written as a conforming frame."""


class Deviation(str):
    """A departure from the standard that lenient decoding accepted.

    It is a ``str`` (the human-readable message) with a machine-readable ``kind`` and the byte
    ``position`` in the frame where it was seen.
    """

    kind: str
    message: str
    position: int | None

    def __new__(cls, kind: str, message: str, position: int | None = None) -> Deviation:
        text = message if position is None else f"{message} (at byte {position})"
        self = super().__new__(cls, text)
        self.kind = kind
        self.message = message
        self.position = position
        return self

    def __getnewargs__(self) -> tuple[str, str, int | None]:  # copy and pickle
        return (self.kind, self.message, self.position)


class Report:
    """Where decoding problems go: strict mode raises them, lenient mode records deviations."""

    __slots__ = ("notes", "strict")

    def __init__(self, strict: bool) -> None:
        self.strict = strict
        self.notes: list[Deviation] = []

    def deviation(
        self,
        kind: str,
        message: str,
        position: int | None,
        *,
        field: str | None = None,
        qn_rtn: int = QN_RTN_UNKNOWN,
    ) -> None:
        if self.strict:
            raise HJ212Error(message, position=position, field=field, qn_rtn=qn_rtn)
        self.notes.append(Deviation(kind, message, position))

    def note(self, kind: str, message: str, position: int | None) -> None:
        """Something the standard allows but a vendor may want to hear about (both modes)."""
        self.notes.append(Deviation(kind, message, position))
