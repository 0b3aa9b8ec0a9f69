"""Benchmark: HJ 212 decode + CRC check of a realistic minute packet on one core.

Target (specs/hj212.md "Targets"): at least 100,000 packets/s for a typical ~400-byte minute packet.
Run: .venv/bin/python bench/hj212_codec.py [seconds]
"""

from __future__ import annotations

import statistics
import sys
import time
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))  # runnable without installing

from lantian.hj212 import CP, Packet, Version, decode, encode

TARGET = 100_000  # packets/s, specs/hj212.md "Targets"

# An ambient-air station's minute data (CN 2051): six pollutants and three weather parameters,
# each with its average and data flag, as stations send them every minute.
AIR_MINUTE = {
    "a34004": "35.2",  # PM2.5, μg/m³
    "a34002": "61.0",  # PM10, μg/m³
    "a21026": "8.4",  # SO2, μg/m³
    "a21004": "27.9",  # NO2, μg/m³
    "a21005": "0.612",  # CO, mg/m³
    "a05024": "88.0",  # O3, μg/m³
    "a01001": "24.6",  # temperature, ℃
    "a01002": "63.1",  # humidity, %
    "a01006": "101.32",  # pressure, kPa
}


def minute_frame() -> bytes:
    packet = Packet(
        qn="20240601085900123",
        st="22",
        cn="2051",
        pw="123456",
        mn="010000A8900016F000169DC0",
        version=Version.HJ212_2017,
        needs_ack=True,
        cp=CP(
            data_time=datetime(2024, 6, 1, 8, 58),
            values={code: {"Avg": value, "Flag": "N"} for code, value in AIR_MINUTE.items()},
        ),
    )
    return encode(packet)


def rate(work, frame: bytes, seconds: float) -> float:
    """Packets per second of ``work(frame)``: the best of several short rounds on this core."""
    rounds = []
    deadline = time.perf_counter() + seconds
    batch = 20_000
    while time.perf_counter() < deadline or len(rounds) < 3:
        started = time.perf_counter()
        for _ in range(batch):
            work(frame)
        rounds.append(batch / (time.perf_counter() - started))
    return max(rounds), statistics.median(rounds)


def main() -> None:
    seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 3.0
    frame = minute_frame()
    packet = decode(frame)
    assert packet.cn == "2051" and len(packet.cp.measurements()) == len(AIR_MINUTE)

    best, median = rate(decode, frame, seconds)
    print(f"frame: {len(frame)} bytes, CN 2051 minute data, {len(AIR_MINUTE)} codes")
    print(
        f"decode + CRC check: {best:,.0f} packets/s (median of rounds {median:,.0f}); target ≥ {TARGET:,}/s"
    )
    print("  " + ("meets the target" if best >= TARGET else "BELOW the target"))

    def decode_and_extract(raw: bytes) -> None:
        decode(raw).cp.measurements()

    best_full, _ = rate(decode_and_extract, frame, seconds / 2)
    print(f"decode + CRC + measurements(): {best_full:,.0f} packets/s (what the gateway does; no target)")


if __name__ == "__main__":
    main()
