"""Gateway packets → the hourly table, incrementally (issue 15 item 2).

The watermark is the last ``hj212_rawpacket`` id taken. Each run reads the minute (2051) and hourly
(2061) packets stored since, per device the span of data hours they touch, and recomputes those
hours in SQL straight from ``hj212_measurement``:

- minute data: the hour's mean of its valid minutes (flag N or none), valid with ≥ 45 of them
  (GB 3095-2012 表4, the kernel's ``validity``);
- the device's own hourly value (2061, ``Avg``) replaces it wherever present.

Then the audit state of those hours is re-applied, their days are rolled up and the anomaly rules
run over them. Packets are taken only once they are ``SETTLE`` old, so that a gateway transaction
still open (a lower id committed later) is not skipped.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta

from django.db import connection, transaction

from . import audit, daily
from .models import HourlyValue, PipelineState, Station
from .parameters import PARAMETERS

SETTLE = timedelta(seconds=60)
PACKETS_PER_RUN = 2_000_000  # bounds one run's work; the next run continues from the watermark
VALID_FLAGS = ("N", "")  # HJ 212-2017 数据标记: N 正常; F, M, S, D, C, T, B … are not valid data
MINUTES_FOR_HOUR = 45  # GB 3095-2012 表4: a 1-hour value needs 45 minutes (kernel: validity.hour_minutes)
WATERMARK = "gateway"

_CODES = ", ".join(f"'{p.hj212}'" for p in PARAMETERS)
_PARAMETER = "CASE m.code " + " ".join(f"WHEN '{p.hj212}' THEN {p.id}" for p in PARAMETERS) + " END"
_FLAGS = ", ".join(f"'{f}'" for f in VALID_FLAGS)
_COLUMNS = "station_id, time, parameter, value, flag, source, minutes, valid, audit"
_UPSERT = (
    "ON CONFLICT (station_id, time, parameter) DO UPDATE SET value = excluded.value, flag = excluded.flag, "
    "source = excluded.source, minutes = excluded.minutes, valid = excluded.valid"
)


def _hour_sql() -> str:
    if connection.vendor == "postgresql":
        return "date_trunc('hour', m.time)"
    return "substr(m.time, 1, 13) || ':00:00'"


def _bool(expression: str) -> str:
    return (
        f"({expression})"
        if connection.vendor == "postgresql"
        else f"CASE WHEN {expression} THEN 1 ELSE 0 END"
    )


def compute_hours(device_id: int, start: datetime, end: datetime) -> None:
    """Recompute the hourly values of the station of ``device_id`` for hours ``start`` … ``end``."""
    table = HourlyValue._meta.db_table
    hour = _hour_sql()
    ops = connection.ops
    span = [
        device_id,
        ops.adapt_datetimefield_value(start),
        ops.adapt_datetimefield_value(end + timedelta(hours=1)),
    ]
    ok = f"m.value IS NOT NULL AND m.flag IN ({_FLAGS})"
    minutes = (
        f"SELECT s.id, {hour}, {_PARAMETER}, AVG(CASE WHEN {ok} THEN m.value END), '', "
        f"{HourlyValue.Source.MINUTES}, SUM(CASE WHEN {ok} THEN 1 ELSE 0 END), "
        f"{_bool(f'SUM(CASE WHEN {ok} THEN 1 ELSE 0 END) >= {MINUTES_FOR_HOUR}')}, 0 "
        f"FROM hj212_measurement m JOIN air_station s ON s.device_id = m.device_id "
        f"WHERE m.device_id = %s AND m.time >= %s AND m.time < %s AND m.cn = '2051' AND m.kind = 'Avg' "
        f"AND m.code IN ({_CODES}) GROUP BY s.id, {hour}, {_PARAMETER}"
    )
    hourly = (
        f"SELECT s.id, {hour}, {_PARAMETER}, m.value, m.flag, {HourlyValue.Source.DEVICE_HOURLY}, NULL, "
        f"{_bool(ok)}, 0 "
        f"FROM hj212_measurement m JOIN air_station s ON s.device_id = m.device_id "
        f"WHERE m.device_id = %s AND m.time >= %s AND m.time < %s AND m.cn = '2061' AND m.kind = 'Avg' "
        f"AND m.code IN ({_CODES})"
    )
    with connection.cursor() as cursor:
        for select, upsert in (
            (minutes, f"{_UPSERT} WHERE {table}.source = {HourlyValue.Source.MINUTES}"),
            (hourly, _UPSERT),
        ):
            if connection.vendor == "postgresql" and not _has_hours(cursor, span):
                _copy_rows(cursor, select, span)
            else:
                cursor.execute(f"INSERT INTO {table} ({_COLUMNS}) {select} {upsert}", span)


def _has_hours(cursor, span: list) -> bool:
    """Whether the station of the device has any hourly row in the span."""
    cursor.execute(
        f"SELECT EXISTS (SELECT 1 FROM {HourlyValue._meta.db_table} h JOIN air_station s "
        "ON s.id = h.station_id WHERE s.device_id = %s AND h.time >= %s AND h.time < %s)",
        span,
    )
    return cursor.fetchone()[0]


def _copy_rows(cursor, select: str, span: list) -> None:
    """Rows of ``select`` into the hourly table through COPY: with no row there to conflict with, the
    upsert is a plain insert, and PostgreSQL's COPY writes it about twice as fast as INSERT … SELECT
    … ON CONFLICT. Binary COPY needs the exact column types, hence the casts."""
    typed = (
        "SELECT station_id, time, parameter::smallint, value, flag::varchar, source::smallint, "
        f"minutes::smallint, valid, audit::smallint FROM ({select}) AS n ({_COLUMNS})"
    )
    with cursor.cursor.copy(f"COPY ({typed}) TO STDOUT (FORMAT binary)", span) as reader:
        rows = b"".join(bytes(block) for block in reader)
    with cursor.cursor.copy(
        f"COPY {HourlyValue._meta.db_table} ({_COLUMNS}) FROM STDIN (FORMAT binary)"
    ) as writer:
        writer.write(rows)


def touched_spans(after_id: int, upto_id: int) -> dict[int, tuple[datetime, datetime]]:
    """Per device, the first and last data hour of its minute and hourly packets in (after, upto]."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT device_id, MIN(data_time), MAX(data_time) FROM hj212_rawpacket "
            "WHERE id > %s AND id <= %s AND cn IN ('2051', '2061') AND data_time IS NOT NULL "
            "GROUP BY device_id",
            [after_id, upto_id],
        )
        rows = cursor.fetchall()
    field = HourlyValue._meta.get_field("time")
    spans = {}
    for device_id, first, last in rows:
        first = field.to_python(first) if isinstance(first, str) else first
        last = field.to_python(last) if isinstance(last, str) else last
        first, last = (_aware(t).replace(minute=0, second=0, microsecond=0) for t in (first, last))
        spans[device_id] = (first, last)
    return spans


def _aware(moment: datetime) -> datetime:
    from datetime import UTC

    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def run(now: datetime) -> str:
    """One incremental run: packets settled since the watermark → hourly, audit, daily, anomalies."""
    from . import anomalies

    with transaction.atomic():
        state, _ = PipelineState.objects.select_for_update().get_or_create(name=WATERMARK)
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT MAX(id) FROM hj212_rawpacket WHERE id > %s AND id <= %s AND received_at < %s",
                [
                    state.last_packet_id,
                    state.last_packet_id + PACKETS_PER_RUN,
                    connection.ops.adapt_datetimefield_value(now - SETTLE),
                ],
            )
            upto = cursor.fetchone()[0]
        if upto is None:
            return "no new packets"
        spans = touched_spans(state.last_packet_id, upto)
        stations = dict(Station.objects.filter(device_id__in=list(spans)).values_list("device_id", "pk"))
        for device_id, (first, last) in spans.items():
            if device_id in stations:
                compute_hours(device_id, first, last)
        station_spans = {stations[d]: span for d, span in spans.items() if d in stations}
        after_hours(station_spans)
        found = anomalies.detect(station_spans)
        state.last_packet_id = upto
        state.save(update_fields=["last_packet_id", "updated_at"])
    return f"{len(station_spans)} stations, packets up to {upto}, {found} anomalies"


def after_hours(station_spans: dict[int, tuple[datetime, datetime]]) -> None:
    """Once hours were (re)written: their audit state, then the daily values of their days."""
    marked = set(
        audit.AuditMark.objects.filter(
            station_id__in=list(station_spans), revoked_at__isnull=True
        ).values_list("station_id", flat=True)
    )
    by_days: dict[tuple, list[int]] = defaultdict(list)
    for station_id, (first, last) in station_spans.items():
        if station_id in marked:
            audit.refresh(station_id, first, last)  # also rolls the days up
        else:
            by_days[(daily.local_day(first), daily.local_day(last))].append(station_id)
    for (first_day, last_day), ids in by_days.items():
        daily.rollup(ids, first_day, last_day)
