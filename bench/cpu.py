"""CPU time of the processes a benchmark uses, where wall time on a shared machine says little."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path


def process_cpu(pids) -> float:
    """User + system CPU seconds of processes so far (Linux /proc; a process gone in between counts 0)."""
    ticks = 0
    for pid in pids:
        with contextlib.suppress(OSError):
            fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
            ticks += int(fields[11]) + int(fields[12])  # utime, stime
    return ticks / os.sysconf("SC_CLK_TCK")


def server_cpu() -> float:
    """CPU seconds of the PostgreSQL backend serving Django's connection, when that server runs on this
    machine; 0 on SQLite (it runs in this process: ``time.process_time()`` has it). Parallel workers'
    CPU is not in it (they end with their query)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return 0.0
    connection.ensure_connection()
    return process_cpu([connection.connection.info.backend_pid])
