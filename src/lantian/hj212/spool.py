"""The gateway's local append-only journal, used while the database is unavailable.

Records are appended and fsync'ed before the packets are acknowledged, so an acknowledged packet is
either in the database or here. Each record is ``length (4 bytes) + CRC-32 (4 bytes) + payload``;
a torn record at the end of a segment (the process was killed while writing it) fails its length or
CRC check and is dropped: it was never acknowledged. Segments are replayed in order and deleted
only after the database committed them; replaying one twice is harmless because storage keeps a
packet once per MN + QN + CN.

One gateway process owns one slot directory (an exclusive ``flock``); a restarted process takes the
first free slot and so finds what a killed predecessor left there.
"""

from __future__ import annotations

import fcntl
import json
import os
import struct
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

HEADER = struct.Struct(">II")  # payload length, CRC-32 of the payload
MAX_RECORD = 64 * 1024


@dataclass(slots=True)
class SpoolRecord:
    frame: bytes
    received_at: datetime
    peer: str = ""

    def dump(self) -> bytes:
        head = json.dumps([self.received_at.isoformat(), self.peer]).encode()
        return struct.pack(">H", len(head)) + head + self.frame

    @classmethod
    def load(cls, payload: bytes) -> SpoolRecord:
        (size,) = struct.unpack_from(">H", payload)
        received_at, peer = json.loads(payload[2 : 2 + size])
        return cls(payload[2 + size :], datetime.fromisoformat(received_at), peer)


class SpoolBusy(RuntimeError):
    pass


class Spool:
    def __init__(self, directory: Path, segment_records: int = 5000):
        self.directory = Path(directory)
        self.segment_records = segment_records  # a replay step stores one segment
        self.directory.mkdir(parents=True, exist_ok=True)
        self._lock = open(self.directory / ".lock", "a+b")  # noqa: SIM115 — held for the process's life
        try:
            fcntl.flock(self._lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self._lock.close()
            raise SpoolBusy(f"{self.directory} is in use by another gateway process") from None
        self._active = None
        self._active_path: Path | None = None
        self._active_count = 0

    @classmethod
    def claim(cls, root: Path, slots: int = 64) -> Spool:
        """The first slot directory under ``root`` that no other process holds."""
        for number in range(slots):
            try:
                return cls(Path(root) / f"slot-{number}")
            except SpoolBusy:
                continue
        raise SpoolBusy(f"all {slots} spool slots under {root} are in use")

    def close(self) -> None:
        if self._active is not None:
            self._active.close()
            self._active = None
        self._lock.close()

    # -- writing -------------------------------------------------------------------------------
    def append(self, records: list[SpoolRecord]) -> None:
        """Append and fsync: when this returns, the records survive a crash."""
        if self._active is None:
            self._active_path = self._next_segment_path()
            self._active = open(self._active_path, "ab")  # noqa: SIM115
        chunks = []
        for record in records:
            payload = record.dump()
            chunks.append(HEADER.pack(len(payload), zlib.crc32(payload)) + payload)
        self._active.write(b"".join(chunks))
        self._active.flush()
        os.fsync(self._active.fileno())
        self._active_count += len(records)
        if self._active_count >= self.segment_records:
            self.rotate()

    def rotate(self) -> None:
        """Close the segment being written so that it can be replayed."""
        if self._active is not None:
            self._active.close()
            self._active = None
            self._active_path = None
            self._active_count = 0

    # -- replaying -----------------------------------------------------------------------------
    def segments(self) -> list[Path]:
        return sorted(self.directory.glob("segment-*.log"))

    @property
    def pending(self) -> bool:
        return bool(self.segments())

    def closed_segments(self) -> list[Path]:
        return [path for path in self.segments() if path != self._active_path]

    @staticmethod
    def read(path: Path) -> Iterator[SpoolRecord]:
        data = path.read_bytes()
        offset = 0
        while offset + HEADER.size <= len(data):
            length, crc = HEADER.unpack_from(data, offset)
            payload = data[offset + HEADER.size : offset + HEADER.size + length]
            if length > MAX_RECORD or len(payload) != length or zlib.crc32(payload) != crc:
                return  # a torn tail: never acknowledged
            yield SpoolRecord.load(payload)
            offset += HEADER.size + length

    def _next_segment_path(self) -> Path:
        existing = self.segments()
        number = int(existing[-1].stem.split("-")[1]) + 1 if existing else 1
        return self.directory / f"segment-{number:012d}.log"
