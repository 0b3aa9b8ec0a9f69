"""Power supervision benchmark: roll-ups and every alarm rule over one day of minute data of 20,000
meters (28.8 million readings), then the city overview's p95.

Builds 5,000 enterprises with four meters each (total supply, two production facilities, one
treatment facility serving both: 10,000 pairs), their thresholds and one local day of minute readings
generated in the database (a day shift with noise; one enterprise in twenty stops its treatment for
an hour, one in twenty-five idles it, one in thirty starts it late). Not timed. Then times:

- the roll-ups of the day (quarter hours from the readings, hours, the day),
- every enabled rule over the day in one run (treatment stopped, late start, early stop, idling,
  night stop), as ``lantian.power.alarms.evaluate`` does it, events written,
- the 14 data checks of the day,
- the incremental run of one more minute (what the periodic job does every minute),
- the city overview page as the city bureau, ``--requests`` times: median and p95 (nearest rank).

Targets: roll-ups + rules < 120 s on PostgreSQL; overview p95 < 300 ms.

    .venv/bin/python bench/power_rules.py [--meters 20000] [--requests 20]

Prints wall time and the CPU time of Python and of the PostgreSQL backend (the machine may be
shared: CPU time is the steadier figure). Runs on DATABASE_URL (default: the PostgreSQL database
lantian_power_bench on 127.0.0.1, created if missing and emptied of power data first).
"""

from __future__ import annotations

import argparse
import datetime
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))

RULES_TARGET = 120.0
OVERVIEW_TARGET = 0.300
METERS_PER_ENTERPRISE = 4
DEFAULT_DATABASE = "postgres://postgres@127.0.0.1:5432/lantian_power_bench"


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lantian.settings.test")
    url = os.environ.setdefault("DATABASE_URL", DEFAULT_DATABASE)
    if url == DEFAULT_DATABASE:
        import psycopg

        with psycopg.connect("postgres://postgres@127.0.0.1:5432/postgres", autocommit=True) as admin:
            if not admin.execute(
                "SELECT 1 FROM pg_database WHERE datname = 'lantian_power_bench'"
            ).fetchone():
                admin.execute("CREATE DATABASE lantian_power_bench")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def backend_cpu() -> float | None:
    """CPU seconds of this connection's PostgreSQL backend (same machine: /proc), None elsewhere.
    Parallel workers' CPU is not in it (they end with their query)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return None
    connection.ensure_connection()
    try:
        with open(f"/proc/{connection.connection.info.backend_pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def timed(label: str, function, *args, **kwargs):
    began, python, backend = time.perf_counter(), time.process_time(), backend_cpu()
    result = function(*args, **kwargs)
    seconds = time.perf_counter() - began
    cpu = f"cpu: python {time.process_time() - python:.2f} s"
    if backend is not None:
        cpu += f", postgres {backend_cpu() - backend:.2f} s"
    print(f"{label:<44} {seconds:8.2f} s   ({cpu})   {result if isinstance(result, str) else ''}", flush=True)
    return seconds, result


def clear() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        for table in (
            "power_alarmevent", "power_finding", "power_checkcount", "power_runningthreshold",
            "power_treatmentfacility_serves", "power_monitoringpoint", "power_treatmentfacility",
            "power_productionfacility", "power_powerprofile", "power_watermark",
        ):  # fmt: skip
            cursor.execute(f"DELETE FROM {table}")
        # the derived tables start empty (no dead rows of an earlier run in their indexes)
        for table in ("power_reading", "power_rollup"):
            cursor.execute(
                f"TRUNCATE {table}" if connection.vendor == "postgresql" else f"DELETE FROM {table}"
            )
    from auditlog.context import disable_auditlog

    from lantian.core.models import Organization, User

    with disable_auditlog():
        User.objects.filter(username="bench-power").delete()
        Organization.objects.filter(name__startswith="基准用电企业").delete()
        Organization.objects.filter(name="基准用电市局").delete()


def build_city(enterprises: int, day_start: datetime.datetime):
    """The archive in bulk, the readings generated in SQL; returns the bureau user."""
    from django.db import connection, transaction
    from django.utils import timezone

    from lantian.core.models import Division, Organization, Role, User
    from lantian.power import partitions
    from lantian.power.models import (
        MonitoringPoint,
        PowerProfile,
        ProductionFacility,
        RunningThreshold,
        TreatmentFacility,
    )

    Kind = MonitoringPoint.Kind
    with transaction.atomic():
        city = Organization.objects.create(name="基准用电市局", kind=Organization.Kind.REGULATOR)
        divisions = list(Division.objects.filter(code__in=["610302", "610303", "610323"]))
        orgs = Organization.objects.bulk_create(
            Organization(
                name=f"基准用电企业{n:05d}", kind=Organization.Kind.ENTERPRISE, parent=city,
                division=divisions[n % len(divisions)], credit_code=f"BENCH{n:013d}", path="", depth=1,
            )
            for n in range(enterprises)
        )  # fmt: skip
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE core_organization SET path = %s || id || '/' WHERE parent_id = %s",
                [city.path, city.pk],
            )
        PowerProfile.objects.bulk_create(
            PowerProfile(
                enterprise=org, credit_code=org.credit_code, industry="制造业", industry_small_category="2614"
            )
            for org in orgs
        )
        productions = ProductionFacility.objects.bulk_create(
            ProductionFacility(enterprise=org, code=f"SC0{k}", name=f"产线{k}")
            for org in orgs
            for k in (1, 2)
        )
        treatments = TreatmentFacility.objects.bulk_create(
            TreatmentFacility(enterprise=org, code="ZW01", name="治理设施") for org in orgs
        )
        through = TreatmentFacility.serves.through
        through.objects.bulk_create(
            through(treatmentfacility_id=treatments[i].pk, productionfacility_id=productions[2 * i + k].pk)
            for i in range(enterprises)
            for k in (0, 1)
        )
        points = []
        for i, org in enumerate(orgs):
            points.append(
                MonitoringPoint(enterprise=org, code="DB00", name="总表", kind=Kind.TOTAL, rated_power_kw=400)
            )
            for k in (0, 1):
                points.append(MonitoringPoint(
                    enterprise=org, code=f"DB0{k + 1}", name="产线电表", kind=Kind.PRODUCTION,
                    production_facility=productions[2 * i + k], rated_power_kw=100,
                ))  # fmt: skip
            points.append(MonitoringPoint(enterprise=org, code="DB03", name="治理电表", kind=Kind.TREATMENT,
                                          treatment_facility=treatments[i], rated_power_kw=60))  # fmt: skip
        points = MonitoringPoint.objects.bulk_create(points, batch_size=5000)
        valid_from = day_start - datetime.timedelta(days=30)
        RunningThreshold.objects.bulk_create(
            (RunningThreshold(point=p, valid_from=valid_from, threshold_kw=0.2 * p.rated_power_kw)
             for p in points if p.kind != Kind.TOTAL),
            batch_size=5000,
        )  # fmt: skip
        bureau = User.objects.create_user(username="bench-power", password="Bench@2026x", organization=city)
        bureau.roles.set([Role.objects.get(code="bureau_admin")])
    partitions.ensure_months(
        timezone.localdate(day_start), timezone.localdate(day_start) + datetime.timedelta(days=1)
    )
    # One local day: production 08:00–18:00, treatment 07:50–18:10, with noise; scenarios by enterprise.
    local = timezone.localtime(day_start)
    minute = f"((m.i + {local.hour * 60 + local.minute}) % 1440)"  # local minute of the day
    enterprise_of = "(p.enterprise_id)"
    on = f"({minute} >= 480 AND {minute} < 1080)"
    t_on = (
        f"({minute} >= 470 AND {minute} < 1090"
        f" AND NOT ({enterprise_of} % 20 = 0 AND {minute} >= 600 AND {minute} < 660)"
        f" AND NOT ({enterprise_of} % 30 = 1 AND {minute} < 505))"
    )
    idle = f"({enterprise_of} % 25 = 2 AND {minute} >= 720 AND {minute} < 840)"
    noise = "(1 + 0.1 * sin(p.id + m.i / 7.0))"  # m.i: minutes since the start
    power = (
        f"CASE p.kind WHEN 'production' THEN CASE WHEN {on} THEN 60 * {noise} ELSE 2 END "
        f"WHEN 'treatment' THEN CASE WHEN {idle} THEN 14 WHEN {t_on} THEN 36 * {noise} ELSE 1 END "
        f"ELSE CASE WHEN {on} THEN 170 * {noise} ELSE 20 END END"
    )
    start = int(day_start.timestamp())
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"""INSERT INTO power_reading (point_id, time, power_kw, energy_kwh)
                    SELECT p.id, to_timestamp({start} + m.i * 60), {power}, 1000 + m.i * 0.5
                    FROM power_monitoringpoint p CROSS JOIN generate_series(0, 1439) AS m(i)"""
            )
        else:
            cursor.execute(
                f"""WITH RECURSIVE m(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM m WHERE i < 1439)
                    INSERT INTO power_reading (point_id, time, power_kw, energy_kwh)
                    SELECT p.id, datetime({start} + m.i * 60, 'unixepoch'), {power}, 1000 + m.i * 0.5
                    FROM power_monitoringpoint p CROSS JOIN m"""
            )
    return bureau, len(points)


def reuse():
    """The previous run's city with its day of readings only, derived rows removed: (the bureau user,
    the meters, the day's start)."""
    from django.db import connection

    from lantian.core.models import User
    from lantian.power.models import AlarmEvent, MonitoringPoint

    with connection.cursor() as cursor:
        cursor.execute("SELECT MIN(time) FROM power_reading")
        day_start = cursor.fetchone()[0]
        cursor.execute("DELETE FROM power_reading WHERE time >= %s", [day_start + datetime.timedelta(days=1)])
        cursor.execute(
            "TRUNCATE power_rollup" if connection.vendor == "postgresql" else "DELETE FROM power_rollup"
        )
    AlarmEvent.objects.all().delete()
    return User.objects.get(username="bench-power"), MonitoringPoint.objects.count(), day_start


def percentile(values, share):
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, round(share * len(ordered) + 0.5) - 1))]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--meters", type=int, default=20_000)
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument(
        "--reuse", action="store_true",
        help="time again over the archive and readings of the previous run (no build; the overview's "
        "last quarter hour then has data only within 24 hours of that run)",
    )  # fmt: skip
    args = parser.parse_args()
    setup_django()
    from django.db import connection
    from django.db.models import Count
    from django.test import Client
    from django.urls import reverse
    from django.utils import timezone

    from lantian.power import alarms, checks, ingest
    from lantian.power.models import AlarmEvent, Watermark

    enterprises = max(1, args.meters // METERS_PER_ENTERPRISE)
    # the 24 hours up to now: the overview's last quarter hour has data
    day_start = timezone.now().replace(second=0, microsecond=0) - datetime.timedelta(days=1)
    print(
        f"database: {connection.vendor}; {enterprises} enterprises, {enterprises * 4} meters, 24 hours",
        flush=True,
    )
    if args.reuse:
        bureau, meters, day_start = reuse()
    else:
        clear()
        _seconds, (bureau, meters) = timed("build (not counted)", build_city, enterprises, day_start)
    readings = meters * 1440
    print(f"{readings:,} readings", flush=True)
    ingest.analyze()
    ingest.mark_dirty(day_start)
    rollup_s, _ = timed("roll-ups (15 min, hour, day)", ingest.rollup)
    Watermark.objects.update_or_create(name="alarms", defaults={"time": day_start, "state": {}})
    day_end = day_start + datetime.timedelta(days=1)
    alarms.CHUNK_PAIRS = max(alarms.CHUNK_PAIRS, 20_000)  # one pass over the day's readings
    rules_s, _ = timed(
        "every rule over the day", alarms.evaluate, day_end + datetime.timedelta(minutes=5), day_end
    )
    events = dict(AlarmEvent.objects.values_list("kind").annotate(n=Count("pk")).order_by())
    print(f"events: {events}")
    total = rollup_s + rules_s
    verdict = "OK" if total < RULES_TARGET else "over"
    print(f"roll-ups + rules: {total:.1f} s (target < {RULES_TARGET:.0f} s: {verdict}); "
          f"{readings / total / 1e6:.2f} M readings/s")  # fmt: skip
    checked = timezone.localdate(day_start)
    timed("14 data checks of a day", lambda: f"{sum(checks.run_checks(checked).values())} findings")
    # the periodic job's incremental work: one more minute
    from lantian.power.sql import db_time

    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO power_reading (point_id, time, power_kw, energy_kwh) "
            "SELECT id, %s, 1, 1 FROM power_monitoringpoint",
            [db_time(day_end)],
        )
    ingest.mark_dirty(day_end)
    alarms.CHUNK_PAIRS = 2000
    timed("incremental roll-up of one minute", ingest.rollup)
    timed(
        "incremental rules for one minute",
        alarms.evaluate,
        day_end + datetime.timedelta(minutes=5),
        day_end + datetime.timedelta(minutes=1),
    )
    client = Client()
    client.force_login(bureau)
    url = reverse("power:overview")
    assert client.get(url).status_code == 200
    durations = []
    python = time.process_time()
    for _ in range(args.requests):
        began = time.perf_counter()
        response = client.get(url)
        durations.append(time.perf_counter() - began)
        assert response.status_code == 200
    print(f"city overview: cpu python {time.process_time() - python:.2f} s for {args.requests} requests")
    p95 = percentile(durations, 0.95)
    print(
        f"city overview: median {statistics.median(durations) * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms "
        f"(target < {OVERVIEW_TARGET * 1000:.0f} ms: {'OK' if p95 < OVERVIEW_TARGET else 'over'})"
    )


if __name__ == "__main__":
    main()
