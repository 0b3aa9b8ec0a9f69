"""Cutting a TCP byte stream into HJ 212 frames, in time linear in the bytes whatever they are.

A frame is ``##`` + 4-digit length + data segment + 4 hex CRC + CR LF (spec hj212.md "Frame"). The
length field decides first; when it is wrong (devices that count characters instead of bytes, or
that send no CR LF) the framer falls back to the frame's natural end ``&&hhhh`` + CR LF / LF,
which cannot occur inside a plain data segment, or to the start of a later, well-formed frame.
Bytes between frames are reported as ``FramingError`` items (whitespace between frames is skipped
silently); consecutive garbage within one read is one item holding a sample of it and its size.

Hostile input (a device, or anyone, sending ``x##`` for minutes) must not cost more per byte than
frames do: every byte is searched once for ``##`` and once for a line feed, whatever the reads look
like, and what the searches found (frame starts, natural ends) is kept rather than looked for again.
The buffer is bounded: a frame is at most ``MAX_FRAME`` bytes (the standard's 1024-byte data
segment), so a frame start that does not resolve within that many bytes is dropped as garbage.
"""

from __future__ import annotations

import heapq
import re
from collections import deque

from .codec import MAX_SEGMENT
from .errors import FramingError

MAX_FRAME = 2 + 4 + MAX_SEGMENT + 4 + 2  # "##", length, data segment, CRC, CR LF: 1036 bytes
GARBAGE_SAMPLE = MAX_FRAME  # bytes of a garbage run kept in its FramingError, for the operators
_WHITESPACE = b" \t\r\n\x00"
_HEX = b"0123456789abcdefABCDEF"
_LEADING_WHITESPACE = re.compile(rb"[ \t\r\n\x00]*")
_FRAME_START = re.compile(rb"##(?:[0-9]|$)")  # "##" + the length field (or what may become one)
_NEXT_FRAME_START = re.compile(rb"##[0-9]")


def _search(buffer: bytearray, needle: bytes | re.Pattern, start: int) -> int:
    """Where ``needle`` (bytes or a pattern) is first found from ``start``, -1 if nowhere: every search
    of the framer goes through here (tests count the bytes it looks at)."""
    if isinstance(needle, re.Pattern):
        found = needle.search(buffer, start)
        return -1 if found is None else found.start()
    return buffer.find(needle, start)


class StreamFramer:
    """Feed chunks, get complete frames (``bytes``) and ``FramingError`` items in stream order::

    framer = StreamFramer()
    for item in framer.feed(chunk):
        if isinstance(item, FramingError): ...  # garbage: item.garbage (a sample), item.size
        else: packet = decode(item)

    ``discarded`` counts the garbage bytes dropped so far.
    """

    def __init__(self, max_frame: int = MAX_FRAME) -> None:
        self.max_frame = max_frame
        self.discarded = 0
        self._buffer = bytearray()
        self._consumed = 0  # stream offset of _buffer[0]; the positions below are stream offsets
        self._hashes_from = 0  # "##" searched for up to here
        self._lines_from = 0  # line feeds searched for up to here
        self._waiting: list[tuple[int, int]] = []  # heap (bytes needed, start): starts to check
        self._complete: list[int] = []  # heap: starts of complete, well-formed frames
        self._ends: deque[tuple[int, int]] = deque()  # (CRC end, frame end) of "&&hhhh" CR LF / LF

    @property
    def buffered(self) -> int:
        """Bytes held while waiting for the rest of a frame (never more than ``max_frame``)."""
        return len(self._buffer)

    @property
    def held_from(self) -> int:
        """Stream offset of the first byte held: while it stays the same, so does the frame waited for."""
        return self._consumed

    def feed(self, chunk: bytes | bytearray | memoryview) -> list[bytes | FramingError]:
        if not self._buffer and self._is_one_frame(chunk):  # the usual read: one whole frame
            self._consumed += len(chunk)
            return [chunk]
        self._buffer += chunk
        items: list[bytes | FramingError] = []
        while (item := self._next()) is not None:
            items.append(item)
        return _merge_garbage(items)

    def flush(self) -> list[bytes | FramingError]:
        """Call when the peer has gone quiet: a frame that is complete by its length field but
        lacks CR LF (some devices send none and then wait for the answer) is released as-is."""
        items = self.feed(b"")
        buffer = self._buffer
        if buffer.startswith(b"##") and self._length_end() == len(buffer):
            items.append(self._take(len(buffer)))
        return items

    def close(self) -> list[bytes | FramingError]:
        """End of stream: release what ``flush`` can; anything else left is an incomplete frame."""
        items = self.flush()
        rest = bytes(self._buffer).strip(_WHITESPACE)
        if rest:
            sample = rest[:GARBAGE_SAMPLE]
            items.append(
                FramingError("stream ended inside a frame", sample, position=self._consumed, size=len(rest))
            )
            self.discarded += len(rest)
        self._drop(len(self._buffer))
        return items

    # ------------------------------------------------------------------------------------------
    def _is_one_frame(self, chunk) -> bool:
        """``chunk`` is bytes holding exactly one frame whose length field is right: what ``_next``
        would take whole, without buffering it first."""
        field = chunk[2:6]
        return (
            chunk.__class__ is bytes
            and chunk[:2] == b"##"
            and chunk[-2:] == b"\r\n"
            and len(field) == 4
            and field.isdigit()
            and int(field) + 12 == len(chunk) <= self.max_frame
        )

    def _drop(self, count: int) -> None:
        del self._buffer[:count]  # from the front of a bytearray: no copy of the rest
        self._consumed += count
        if not self._buffer:  # nothing found so far can matter any more
            self._waiting.clear()
            self._complete.clear()
            self._ends.clear()

    def _take(self, count: int) -> bytes:
        taken = bytes(self._buffer[:count])
        self._drop(count)
        return taken

    def _garbage(self, count: int, reason: str) -> FramingError:
        error = FramingError(
            reason, bytes(self._buffer[: min(count, GARBAGE_SAMPLE)]), position=self._consumed, size=count
        )
        self.discarded += count
        self._drop(count)
        return error

    def _next(self) -> bytes | FramingError | None:
        buffer = self._buffer
        if not buffer:
            return None
        if buffer[0] in _WHITESPACE:
            self._drop(_LEADING_WHITESPACE.match(buffer).end())
            if not buffer:
                return None
        if not _FRAME_START.match(buffer):
            return self._garbage_to_next_start("bytes outside any frame")
        end = self._frame_end()
        if end is None:
            if len(buffer) > self.max_frame:
                return self._garbage_to_next_start("frame start without an end")
            return None
        if end < 0:  # a truncated frame followed by a new one at -end
            return self._garbage(-end, "truncated frame")
        return self._take(end)

    def _garbage_to_next_start(self, reason: str) -> FramingError | None:
        """The bytes up to the next frame start (``##`` and a digit; of a run of '#', the last two),
        or all of them but a '#' or "##" at the end, which may begin a frame."""
        buffer = self._buffer
        start = _search(buffer, _NEXT_FRAME_START, 1)
        if start < 0:
            start = len(buffer) - (2 if buffer.endswith(b"##") else 1 if buffer.endswith(b"#") else 0)
        return self._garbage(start, reason) if start > 0 else None

    def _length_end(self) -> int | None:
        """Where the CRC field of the frame at the head ends according to its length field."""
        field = self._buffer[2:6]
        if len(field) == 4 and field.isdigit():
            return 6 + int(field) + 4
        return None

    def _frame_end(self) -> int | None:
        """Length of the frame at the head of the buffer; None to wait for more bytes; -p when the
        frame is broken and a new one starts at p."""
        buffer, limit = self._buffer, self.max_frame
        end = self._length_end()
        if end is not None and end + 2 <= limit and buffer[end : end + 2] == b"\r\n":
            return end + 2
        self._scan()
        natural = self._natural_end()
        restart = self._restart()
        if restart is not None and (natural is None or restart < natural):
            directly = end is not None and (restart == end or (restart == end + 1 and buffer[end] == 0x0D))
            if directly and restart <= limit:
                return restart  # no terminator (or a lone CR), the next frame follows directly
            return -restart
        return natural if natural is not None and natural <= limit else None

    # -- what the searches found, relative to the head ------------------------------------------
    def _scan(self) -> None:
        """Search the bytes not searched yet for frame starts and natural frame ends."""
        buffer, base = self._buffer, self._consumed
        stop = base + len(buffer)
        position = _search(buffer, b"##", max(self._hashes_from, base) - base)
        while position >= 0:
            start = base + position
            heapq.heappush(self._waiting, (start + 6, start))  # its length field, first
            position = _search(buffer, b"##", position + 1)
        self._hashes_from = max(stop - 1, base)  # a '#' at the end may be the first half of "##"
        newline = _search(buffer, b"\n", max(self._lines_from, base) - base)
        while newline >= 0:
            crc_end = newline - 1 if newline and buffer[newline - 1] == 0x0D else newline
            if (
                crc_end >= 6
                and buffer[crc_end - 6 : crc_end - 4] == b"&&"
                and not bytes(buffer[crc_end - 4 : crc_end]).translate(None, _HEX)
            ):
                self._ends.append((base + crc_end, base + newline + 1))
            newline = _search(buffer, b"\n", newline + 1)
        self._lines_from = stop

    def _natural_end(self) -> int | None:
        ends, head = self._ends, self._consumed
        while ends and ends[0][0] < head + 12:  # "##" + length + "&&" + CRC at least
            ends.popleft()
        return ends[0][1] - head if ends else None

    def _restart(self) -> int | None:
        """Where a later, complete and well-formed frame starts, relative to the head, if one does."""
        buffer, head = self._buffer, self._consumed
        available, waiting, complete = head + len(buffer), self._waiting, self._complete
        while waiting and waiting[0][0] <= available:
            needed, start = heapq.heappop(waiting)
            if start < head + 2:
                continue  # the head's own, or before it
            at = start - head
            if needed == start + 6:  # its length field has arrived
                field = buffer[at + 2 : at + 6]
                if field.isdigit() and int(field) + 12 <= self.max_frame:
                    heapq.heappush(waiting, (start + int(field) + 12, start))
            elif buffer[at + needed - start - 2 : at + needed - start] == b"\r\n":
                heapq.heappush(complete, start)
        while complete and complete[0] < head + 2:
            heapq.heappop(complete)
        return complete[0] - head if complete else None


def _merge_garbage(items: list[bytes | FramingError]) -> list[bytes | FramingError]:
    """Consecutive garbage items as one: its reason and position are the first's, its sample the
    first ``GARBAGE_SAMPLE`` bytes, its size the sum."""
    if len(items) < 2:
        return items
    merged: list[bytes | FramingError] = []
    run: list[FramingError] = []
    for item in items:
        if isinstance(item, FramingError):
            run.append(item)
            continue
        if run:
            merged.append(_one_error(run))
            run = []
        merged.append(item)
    if run:
        merged.append(_one_error(run))
    return merged


def _one_error(run: list[FramingError]) -> FramingError:
    if len(run) == 1:
        return run[0]
    sample, held = [], 0
    for error in run:
        if held >= GARBAGE_SAMPLE:
            break
        sample.append(error.garbage)
        held += len(error.garbage)
    first = run[0]
    return FramingError(
        first.reason,
        b"".join(sample)[:GARBAGE_SAMPLE],
        position=first.position,
        size=sum(error.size for error in run),
    )
