"""From the HJ 212 gateway's tables to power readings and their roll-ups, in SQL.

Watermark ``ingest``: the id of the last ``hj212_rawpacket`` read. Ids grow as packets are stored, but
a transaction that took an id may commit a little after a later one; so a run reads only packets
received more than ``SETTLE`` ago, which every gateway batch has committed by then (a batch commits
within a second or two), and never more than ``BATCH_PACKETS`` at once.

For every data packet (2011 real-time, 2051 minute) of a meter that is a monitoring point, the values
whose code the code map knows become one reading (the map's factor applied, then CT ratio on
currents, PT ratio on voltages, both on power and energy). A meter that sends currents, voltages and
power factor but no active power gets P = (Ua·Ia + Ub·Ib + Uc·Ic) · cos φ / 1000 kW. Codes the map does
not know are counted in ``UnknownCode``.

Watermark ``rollup``: ``time`` is the earliest data time written since the last roll-up (None: clean).
``rollup`` recomputes the 15-minute buckets from there, the hours from those and the local days from
the hours, replacing what was there.
"""

from __future__ import annotations

import datetime

from auditlog.context import disable_auditlog
from django.db import connection, transaction
from django.utils import timezone

from lantian.power import partitions
from lantian.power.models import Watermark
from lantian.power.sql import (
    BATCH_WORK_MEM,
    WORK_MEM_SQL,
    bucket,
    db_time,
    is_postgres,
    local_offset_seconds,
    upsert,
)

SETTLE = datetime.timedelta(seconds=30)
BATCH_PACKETS = 200_000
DATA_COMMANDS = ("2011", "2051")
VALUE_KINDS = ("Rtd", "Avg")
QUANTITIES = (
    "power_kw", "energy_kwh", "current_a", "current_b", "current_c",
    "voltage_a", "voltage_b", "voltage_c", "power_factor",
)  # fmt: skip
STEPS = (900, 3600, 86400)
READING_COLUMNS = ("point_id", "time", *QUANTITIES)


def watermark(name: str) -> Watermark:
    return Watermark.objects.select_for_update().get_or_create(name=name)[0]


def mark_dirty(since: datetime.datetime) -> None:
    """Roll-ups from ``since`` on are stale (readings were written there)."""
    with transaction.atomic():
        mark = watermark("rollup")
        if mark.time is None or since < mark.time:
            mark.time = since
            mark.save(update_fields=["time", "updated_at"])


def _packet_filter() -> str:
    commands = ", ".join(f"'{cn}'" for cn in DATA_COMMANDS)
    return f"p.id > %s AND p.id <= %s AND p.cn IN ({commands})"


def _pivot_sql() -> str:
    kinds = ", ".join(f"'{kind}'" for kind in VALUE_KINDS)
    values = ",\n".join(
        f"MAX(CASE WHEN c.quantity = '{quantity}' THEN m.value * c.factor END) AS {quantity}"
        for quantity in QUANTITIES
    )
    return f"""
        SELECT pt.id AS point_id, p.data_time AS time, pt.ct_ratio AS ct, pt.pt_ratio AS pt, {values}
        FROM hj212_rawpacket p
        JOIN power_monitoringpoint pt ON pt.device_id = p.device_id
        JOIN hj212_measurement m ON m.device_id = p.device_id AND m.cn = p.cn AND m.time = p.data_time
        JOIN power_codemapping c ON c.code = m.code
        WHERE {_packet_filter()} AND p.data_time IS NOT NULL AND m.kind IN ({kinds})
        GROUP BY pt.id, p.data_time, pt.ct_ratio, pt.pt_ratio
    """


def _readings_sql() -> str:
    derived = (
        "(v.voltage_a * v.current_a + v.voltage_b * v.current_b + v.voltage_c * v.current_c)"
        " * v.power_factor / 1000.0"
    )
    select = f"""
        SELECT v.point_id, v.time,
               COALESCE(v.power_kw, {derived}) * v.ct * v.pt,
               v.energy_kwh * v.ct * v.pt,
               v.current_a * v.ct, v.current_b * v.ct, v.current_c * v.ct,
               v.voltage_a * v.pt, v.voltage_b * v.pt, v.voltage_c * v.pt,
               v.power_factor
        FROM ({_pivot_sql()}) v
    """
    return upsert("power_reading", ("point_id", "time"), READING_COLUMNS, select)


def _unknown_codes_sql() -> str:
    kinds = ", ".join(f"'{kind}'" for kind in VALUE_KINDS)
    return f"""
        SELECT m.code, MIN(p.received_at), MAX(p.received_at), COUNT(*), MIN(p.mn)
        FROM hj212_rawpacket p
        JOIN power_monitoringpoint pt ON pt.device_id = p.device_id
        JOIN hj212_measurement m ON m.device_id = p.device_id AND m.cn = p.cn AND m.time = p.data_time
        LEFT JOIN power_codemapping c ON c.code = m.code
        WHERE {_packet_filter()} AND c.id IS NULL AND m.kind IN ({kinds})
        GROUP BY m.code
    """


def _record_unknown(rows) -> None:
    from lantian.power.models import UnknownCode

    known = {code.code: code for code in UnknownCode.objects.filter(code__in=[row[0] for row in rows])}
    for code, first, last, count, mn in rows:  # one row per unmapped code, not per value
        first, last = _aware(first), _aware(last)
        entry = known.get(code)
        if entry is None:
            UnknownCode.objects.create(
                code=code, first_seen=first, last_seen=last, values=count, example_mn=mn
            )
        else:
            entry.last_seen = max(entry.last_seen, last)
            entry.values += count
            entry.save(update_fields=["last_seen", "values"])


def _aware(value):
    if isinstance(value, str):
        value = datetime.datetime.fromisoformat(value)
    if timezone.is_naive(value):
        value = value.replace(tzinfo=datetime.UTC)
    return value


def ingest(now: datetime.datetime | None = None) -> str:
    """Read the packets stored since the watermark into readings (one SQL statement for the values)."""
    now = now or timezone.now()
    with transaction.atomic(), disable_auditlog():  # derived rows: the change log is for users' edits
        mark = watermark("ingest")
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT MAX(id) FROM hj212_rawpacket WHERE id > %s AND received_at < %s",
                [mark.position, db_time(now - SETTLE)],
            )
            settled = cursor.fetchone()[0]
            if settled is None:
                return "no new packets"
            upper = min(settled, mark.position + BATCH_PACKETS)
            bounds = [mark.position, upper]
            cursor.execute(
                f"SELECT MIN(p.data_time), MAX(p.data_time) FROM hj212_rawpacket p "
                f"JOIN power_monitoringpoint pt ON pt.device_id = p.device_id WHERE {_packet_filter()}",
                bounds,
            )
            first, last = cursor.fetchone()
            written = 0
            if first is not None:
                first, last = _aware(first), _aware(last)
                partitions.ensure_months(timezone.localdate(first), timezone.localdate(last))
                cursor.execute(_readings_sql(), bounds)
                written = cursor.rowcount
                cursor.execute(_unknown_codes_sql(), bounds)
                _record_unknown(cursor.fetchall())
                mark_dirty(first)
        mark.position = upper
        mark.save(update_fields=["position", "updated_at"])
    return f"{written} readings from packets up to id {upper}"


def _rollup_from_readings(cursor, since, offset) -> int:
    """Quarter hours from the readings. The running state is judged on the quarter's average power
    against the threshold in force at its start: the threshold is joined to the quarters, not to
    every reading."""
    start = bucket("r.time", 900, offset)
    select = f"""
        SELECT q.point_id, 900, q.start, q.samples, q.power_avg, q.power_min, q.power_max, q.energy_min,
               q.energy_max, CASE WHEN q.power_avg >= t.threshold_kw THEN q.samples ELSE 0 END
        FROM (
            SELECT r.point_id, {start} AS start, COUNT(r.power_kw) AS samples, AVG(r.power_kw) AS power_avg,
                   MIN(r.power_kw) AS power_min, MAX(r.power_kw) AS power_max,
                   MIN(r.energy_kwh) AS energy_min, MAX(r.energy_kwh) AS energy_max
            FROM power_reading r
            WHERE r.time >= %s
            GROUP BY r.point_id, {start}
        ) q
        LEFT JOIN power_runningthreshold t ON t.point_id = q.point_id AND q.start >= t.valid_from
             AND (t.valid_until IS NULL OR q.start < t.valid_until)
    """
    cursor.execute("DELETE FROM power_rollup WHERE step = 900 AND start >= %s", [db_time(since)])
    cursor.execute(f"INSERT INTO power_rollup ({ROLLUP_COLUMNS}) {select} {INSERT_ORDER}", [db_time(since)])
    return cursor.rowcount


ROLLUP_COLUMNS = (
    "point_id, step, start, samples, power_avg, power_min, power_max, energy_min, energy_max, running_samples"
)
# Rows are written in time order, as the minute job writes them: a quarter hour of every point (what
# the city overview reads) lies on a few pages, and each index is filled in passes instead of at random.
INSERT_ORDER = "ORDER BY 3, 1"


def _rollup_from_rollups(cursor, source: int, step: int, since, offset) -> int:
    start = bucket("u.start", step, offset)
    select = f"""
        SELECT u.point_id, {step}, {start}, SUM(u.samples),
               SUM(u.power_avg * u.samples)
                   / NULLIF(SUM(CASE WHEN u.power_avg IS NULL THEN 0 ELSE u.samples END), 0),
               MIN(u.power_min), MAX(u.power_max), MIN(u.energy_min), MAX(u.energy_max),
               SUM(u.running_samples)
        FROM power_rollup u
        WHERE u.step = {source} AND u.start >= %s
        GROUP BY u.point_id, {start}
    """
    cursor.execute(f"DELETE FROM power_rollup WHERE step = {step} AND start >= %s", [db_time(since)])
    cursor.execute(f"INSERT INTO power_rollup ({ROLLUP_COLUMNS}) {select} {INSERT_ORDER}", [db_time(since)])
    return cursor.rowcount


def floor_to(value: datetime.datetime, step: int, offset: int) -> datetime.datetime:
    seconds = int(value.timestamp()) + offset
    return datetime.datetime.fromtimestamp(seconds // step * step - offset, datetime.UTC)


def rollup(now: datetime.datetime | None = None, since: datetime.datetime | None = None) -> str:
    """Recompute the roll-ups from the earliest stale time (or ``since``) on."""
    with transaction.atomic(), disable_auditlog():  # derived rows: the change log is for users' edits
        mark = watermark("rollup")
        since = since or mark.time
        if since is None:
            return "nothing to roll up"
        offset = local_offset_seconds(since)
        # Each level starts at the start of its own bucket holding ``since``, so every bucket it
        # rewrites is computed whole from the level below.
        with connection.cursor() as cursor:
            if is_postgres():
                cursor.execute(WORK_MEM_SQL, [BATCH_WORK_MEM])
            counts = [
                _rollup_from_readings(cursor, floor_to(since, 900, offset), offset),
                _rollup_from_rollups(cursor, 900, 3600, floor_to(since, 3600, offset), offset),
                _rollup_from_rollups(cursor, 3600, 86400, floor_to(since, 86400, offset), offset),
            ]
        mark.time = None
        mark.save(update_fields=["time", "updated_at"])
    return "roll-ups from {}: {} quarter-hours, {} hours, {} days".format(since.isoformat(), *counts)


def analyze() -> None:
    """Fresh planner statistics after a bulk load (PostgreSQL): without them the planner takes a
    freshly loaded archive for a few rows and joins the readings row by row."""
    if is_postgres():
        with connection.cursor() as cursor:
            for table in (
                "power_reading", "power_rollup", "power_monitoringpoint", "power_runningthreshold",
                "power_treatmentfacility_serves", "power_productionfacility", "power_treatmentfacility",
            ):  # fmt: skip
                cursor.execute(f"ANALYZE {table}")
