"""Monthly partitions of ``power_reading`` on PostgreSQL (declarative range partitioning on ``time``).

The ``power.partitions`` job creates the current month's partition and ``AHEAD`` months after it;
the ingest also makes sure the months of the data it writes exist (a meter may send old data).
Partition bounds are local months (Asia/Shanghai). There is no default partition: a row outside every
partition is refused loudly rather than landing somewhere it must later be moved out of.
"""

from __future__ import annotations

import datetime
import zoneinfo

from django.conf import settings
from django.db import connection

from lantian.power.sql import is_postgres

AHEAD = 2  # months created beyond the current one


def month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def next_month(day: datetime.date) -> datetime.date:
    return (day.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)


def partition_name(month: datetime.date) -> str:
    return f"power_reading_{month:%Y%m}"


def existing_partitions() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
            "JOIN pg_class p ON p.oid = i.inhparent WHERE p.relname = 'power_reading'"
        )
        return {row[0] for row in cursor.fetchall()}


def ensure_months(first: datetime.date, last: datetime.date) -> list[str]:
    """Create the missing monthly partitions from ``first``'s month to ``last``'s; their names."""
    if not is_postgres():
        return []
    zone = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    existing = existing_partitions()
    created = []
    month = month_start(first)
    with connection.cursor() as cursor:
        while month <= last:
            name = partition_name(month)
            following = next_month(month)
            if name not in existing:
                lower = datetime.datetime.combine(month, datetime.time(), zone)
                upper = datetime.datetime.combine(following, datetime.time(), zone)
                cursor.execute(
                    f"CREATE TABLE IF NOT EXISTS {name} PARTITION OF power_reading "
                    f"FOR VALUES FROM ('{lower.isoformat()}') TO ('{upper.isoformat()}')"
                )
                created.append(name)
            month = following
    return created


def ensure_ahead(today: datetime.date) -> list[str]:
    last = month_start(today)
    for _ in range(AHEAD):
        last = next_month(last)
    return ensure_months(today, last)
