"""Air data pipeline benchmark: a year of hourly data for 90 stations (788,400 station-hours × 10
parameters = 7,884,000 values) stored in the HJ 212 gateway's tables as the stations' hourly packets
(2061), then taken into the air module's hourly table by the pipeline (target < 60 s), rolled up into
daily values and checked by the anomaly rules (each timed apart).

    .venv/bin/python bench/air_ingest.py [--days 365] [--stations 90]

Runs on a temporary SQLite file (the test settings), or on DATABASE_URL if it is set (e.g.
postgres://postgres@127.0.0.1:5432/lantian_air).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))

TARGET = 60.0


def setup_django(folder: str) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lantian.settings.test")
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{folder}/bench.sqlite3")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def network(stations: int):
    """A county bureau, its stations and their devices (fresh each run)."""
    from lantian.air.models import Station
    from lantian.core.models import Division, Organization
    from lantian.hj212.models import Device

    Station.objects.filter(code__startswith="BENCH").update(device=None)
    Station.objects.filter(code__startswith="BENCH").delete()
    bureau, _ = Organization.objects.get_or_create(
        name="基准县生态环境分局",
        defaults={"kind": "regulator", "division": Division.objects.get(code="610323")},
    )
    made = []
    for n in range(stations):
        device, _ = Device.objects.get_or_create(
            mn=f"BENCH{n:04d}",
            defaults={
                "name": f"基准站{n}",
                "organization": bureau,
                "password": "123456",
                "capture_cn": "2061",
                "interval": 3600,
            },
        )
        made.append(
            Station.objects.create(
                organization=bureau,
                kind="micro",
                code=f"BENCH{n:04d}",
                name=f"基准站{n}",
                latitude="34.44",
                longitude="107.62",
                device=device,
                active_from=date(2025, 1, 1),
            )
        )
    return made


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--stations", type=int, default=90)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        setup_django(folder)
        from django.db import connection, transaction
        from django.utils import timezone

        from lantian.air import anomalies, pipeline, synthetic
        from lantian.air.models import HourlyValue, PipelineState

        print(f"database: {connection.vendor}")
        stations = network(args.stations)
        first = date(2025, 1, 1)
        values = synthetic.generate(args.stations, first, args.days, seed=1)
        began = time.perf_counter()
        written = synthetic.write_gateway_hourly(
            [s.device_id for s in stations],
            [s.device.mn for s in stations],
            first,
            values,
            timezone.now() - timedelta(minutes=5),
        )
        print(
            f"gateway tables: {args.stations * args.days * 24:,} packets, {written:,} values "
            f"written in {time.perf_counter() - began:.1f} s (setup, not timed)"
        )
        with connection.cursor() as cursor:
            cursor.execute("SELECT MAX(id) FROM hj212_rawpacket")
            last = cursor.fetchone()[0]
        before = PipelineState.objects.filter(name=pipeline.WATERMARK).first()
        after_id = before.last_packet_id if before else 0

        with transaction.atomic():
            began = time.perf_counter()
            spans = pipeline.touched_spans(after_id, last)
            ids = dict((s.device_id, s.pk) for s in stations)
            for device_id, (start, end) in spans.items():
                pipeline.compute_hours(device_id, start, end)
            hourly_s = time.perf_counter() - began
            rows = HourlyValue.objects.filter(station__in=stations).count()
            began = time.perf_counter()
            station_spans = {ids[d]: span for d, span in spans.items() if d in ids}
            pipeline.after_hours(station_spans)
            daily_s = time.perf_counter() - began
            began = time.perf_counter()
            found = anomalies.detect(station_spans)
            anomaly_s = time.perf_counter() - began
            PipelineState.objects.update_or_create(name=pipeline.WATERMARK, defaults={"last_packet_id": last})
        verdict = "meets" if hourly_s < TARGET else "MISSES"
        print(
            f"hourly table: {rows:,} rows from the gateway tables in {hourly_s:.1f} s "
            f"({rows / hourly_s:,.0f} rows/s) — {verdict} the {TARGET:.0f} s target"
        )
        print(
            f"daily roll-up (raw and audited): {daily_s:.1f} s; "
            f"anomaly rules: {anomaly_s:.1f} s ({found} items)"
        )
        assert rows == written, (rows, written)


if __name__ == "__main__":
    sys.stdout.reconfigure(line_buffering=True)
    main()
