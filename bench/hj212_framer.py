"""Benchmark: the gateway's stream framer on normal traffic and on hostile input.

Hostile input must cost about what its size says, whatever it is: ten times the bytes, about ten
times the time (a penetration test once stalled the gateway for minutes with ``x##`` from four
connections, because every read searched the whole buffer again). For each input the benchmark feeds
a stream of N bytes and one of 10 N bytes in the same reads and prints MB/s and the ratio of the two
times; a ratio well above 10 means the work grows faster than the input.

Run: .venv/bin/python bench/hj212_framer.py [bytes, default 2000000]
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))  # runnable without installing
sys.path.insert(0, str(Path(__file__).resolve().parent))

from hj212_codec import minute_frame
from lantian.hj212 import StreamFramer

FRAME = minute_frame()
# name → (the repeated pattern, bytes per read)
INPUTS = {
    "minute packets, one per read": (FRAME, len(FRAME)),
    "minute packets, 1460-byte reads": (FRAME, 1460),
    "minute packets, 7-byte reads": (FRAME, 7),
    "x## in 3-byte reads (the attack)": (b"x##", 3),
    "x## in 1460-byte reads": (b"x##", 1460),
    "a frame start that never ends, 1-byte reads": (b"##0100" + b"x" * 97, 1),
    "hashes only, 2-byte reads": (b"##", 2),
    "length fields without ends, 7-byte reads": (b"##0099a", 7),
    "natural ends and hashes, 5-byte reads": (b"&&0000\n##1", 5),
}
RATIO_LIMIT = 13  # above this, report the input as not linear


def reads(pattern: bytes, read: int, total: int) -> list[bytes]:
    if read == len(pattern):
        return [pattern] * (total // read)
    stream = (pattern * (total // len(pattern) + 1))[:total]
    return [stream[start : start + read] for start in range(0, total, read)]


def seconds_to_frame(chunks: list[bytes]) -> tuple[float, int]:
    framer = StreamFramer()
    feed = framer.feed
    started = time.process_time()
    for chunk in chunks:
        feed(chunk)
    return time.process_time() - started, framer.buffered


def main() -> int:
    total = int(sys.argv[1]) if len(sys.argv) > 1 else 2_000_000
    print(f"StreamFramer: {total:,} and {10 * total:,} bytes of each input, CPU time")
    print(f"{'input':46} {'MB/s':>8} {'MB/s (10x)':>11} {'time ratio':>11} {'most held':>10}")
    worst = 0.0
    for name, (pattern, read) in INPUTS.items():
        small, held_small = seconds_to_frame(reads(pattern, read, total))
        large, held_large = seconds_to_frame(reads(pattern, read, 10 * total))
        ratio = large / max(small, 1e-9)
        worst = max(worst, ratio)
        print(
            f"{name:46} {total / small / 1e6:8.1f} {10 * total / large / 1e6:11.1f} {ratio:11.1f}"
            f" {max(held_small, held_large):10}"
        )
    verdict = "linear" if worst <= RATIO_LIMIT else "NOT LINEAR"
    print(f"worst ratio for 10x the bytes: {worst:.1f} ({verdict}; about 10 expected)")
    return 0 if worst <= RATIO_LIMIT else 1


if __name__ == "__main__":
    sys.exit(main())
