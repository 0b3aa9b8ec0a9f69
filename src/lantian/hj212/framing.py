"""Cutting a TCP byte stream into HJ 212 frames.

A frame is ``##`` + 4-digit length + data segment + 4 hex CRC + CR LF (spec hj212.md "Frame"). The
length field decides first; when it is wrong (devices that count characters instead of bytes, or
that send no CR LF) the framer falls back to the frame's natural end ``&&hhhh`` + CR LF / LF,
which cannot occur inside a plain data segment. Bytes between frames are reported as
``FramingError`` items (whitespace between frames is skipped silently). The buffer is bounded:
a frame start that does not resolve within ``max_frame`` bytes is dropped as garbage.
"""

from __future__ import annotations

from .errors import FramingError

MAX_FRAME = 2 + 4 + 9999 + 4 + 2  # the largest frame a 4-digit length field can describe
_WHITESPACE = b" \t\r\n\x00"
_HEX = b"0123456789abcdefABCDEF"


class StreamFramer:
    """Feed chunks, get complete frames (``bytes``) and ``FramingError`` items in stream order::

    framer = StreamFramer()
    for item in framer.feed(chunk):
        if isinstance(item, FramingError): ...  # garbage, item.garbage / item.position
        else: packet = decode(item)
    """

    def __init__(self, max_frame: int = MAX_FRAME) -> None:
        self.max_frame = max_frame
        self._buffer = bytearray()
        self._consumed = 0  # stream offset of _buffer[0]

    @property
    def buffered(self) -> int:
        """Bytes held while waiting for the rest of a frame."""
        return len(self._buffer)

    def feed(self, chunk: bytes | bytearray | memoryview) -> list[bytes | FramingError]:
        if not self._buffer and _is_one_frame(chunk):  # the usual read: one whole frame, nothing held
            self._consumed += len(chunk)
            return [chunk]
        self._buffer += chunk
        items: list[bytes | FramingError] = []
        while (item := self._next()) is not None:
            items.append(item)
        return items

    def flush(self) -> list[bytes | FramingError]:
        """Call when the peer has gone quiet: a frame that is complete by its length field but
        lacks CR LF (some devices send none and then wait for the answer) is released as-is."""
        items: list[bytes | FramingError] = []
        while self._buffer:
            items.extend(self.feed(b""))
            end = _length_end(self._buffer, 0)
            if end is None or len(self._buffer) != end or not self._buffer.startswith(b"##"):
                break
            items.append(self._take(end))
        return items

    def close(self) -> list[bytes | FramingError]:
        """End of stream: release what ``flush`` can; anything else left is an incomplete frame."""
        items = self.flush()
        rest = bytes(self._buffer).strip(_WHITESPACE)
        position = self._consumed
        self._take(len(self._buffer))
        if rest:
            items.append(FramingError("stream ended inside a frame", rest, position=position))
        return items

    # ------------------------------------------------------------------------------------------
    def _take(self, count: int) -> bytes:
        taken = bytes(self._buffer[:count])
        del self._buffer[:count]
        self._consumed += count
        return taken

    def _garbage(self, count: int, reason: str) -> FramingError:
        position = self._consumed
        return FramingError(reason, self._take(count), position=position)

    def _next(self) -> bytes | FramingError | None:
        buffer = self._buffer
        if buffer[:1].strip(_WHITESPACE) != buffer[:1]:  # checks one byte, not a copy of the buffer
            self._take(len(buffer) - len(buffer.lstrip(_WHITESPACE)))
        if not buffer:
            return None
        start = buffer.find(b"##")
        while start >= 0 and buffer[start + 2 : start + 3] == b"#":
            start += 1  # a run of '#': the frame starts at the last two
        if start < 0:
            keep = 1 if buffer.endswith(b"#") else 0  # may be the first half of "##"
            if len(buffer) > keep:
                return self._garbage(len(buffer) - keep, "bytes outside any frame")
            return None
        if start > 0:
            return self._garbage(start, "bytes outside any frame")
        end = self._frame_end()
        if end is None:
            if len(buffer) > self.max_frame:
                resync = buffer.find(b"##", 2)
                return self._garbage(resync if resync > 0 else len(buffer), "frame start without an end")
            return None
        if end < 0:  # a truncated frame followed by a new one at -end
            return self._garbage(-end, "truncated frame")
        return self._take(end)

    def _frame_end(self) -> int | None:
        """Length of the frame at the start of the buffer; None to wait for more bytes; -p when
        the frame is broken and a new one starts at p."""
        buffer = self._buffer
        end = _length_end(buffer, 0)
        if end is not None and buffer[end : end + 2] == b"\r\n":
            return end + 2
        natural = _natural_end(buffer, 6)
        restart = _next_frame_start(buffer)
        if restart is not None and (natural is None or restart < natural):
            if end is not None and (restart == end or (restart == end + 1 and buffer[end] == 0x0D)):
                return restart  # no terminator (or a lone CR), the next frame follows directly
            return -restart
        return natural


def _is_one_frame(chunk) -> bool:
    """``chunk`` is bytes holding exactly one frame whose length field is right: what ``_next`` would
    take whole, without buffering it first."""
    field = chunk[2:6]
    return (
        chunk.__class__ is bytes
        and chunk[:2] == b"##"
        and chunk[-2:] == b"\r\n"
        and len(field) == 4
        and field.isdigit()
        and int(field) + 12 == len(chunk)
    )


def _length_end(buffer: bytearray, start: int) -> int | None:
    """Where the CRC field of the frame at ``start`` ends according to its length field."""
    field = buffer[start + 2 : start + 6]
    if len(field) == 4 and field.isdigit():
        return start + 6 + int(field) + 4
    return None


def _natural_end(buffer: bytearray, begin: int) -> int | None:
    """End (after the line feed) of the first ``&&hhhh`` + CR LF / LF at or after ``begin``."""
    newline = buffer.find(b"\n", begin)
    while newline >= 0:
        crc_end = newline - 1 if buffer[newline - 1] == 0x0D else newline
        if (
            crc_end >= begin + 6
            and buffer[crc_end - 6 : crc_end - 4] == b"&&"
            and not bytes(buffer[crc_end - 4 : crc_end]).translate(None, _HEX)
        ):
            return newline + 1
        newline = buffer.find(b"\n", newline + 1)
    return None


def _next_frame_start(buffer: bytearray) -> int | None:
    """Start of a later, complete and well-formed frame, if the buffer holds one."""
    position = buffer.find(b"##", 2)
    while position > 0:
        end = _length_end(buffer, position)
        if end is not None and buffer[end : end + 2] == b"\r\n":
            return position
        position = buffer.find(b"##", position + 2)
    return None
