"""The guard rails run over stored readings (the kernel is ``lantian.ldar.guardrails``).

A work order is checked as a whole: all its readings are read in one query, the backgrounds and
calibrations of their days in two more, every enabled rule runs on the columns (numpy), and the work
order's flags are replaced in one transaction. This runs

- after every committed save of readings (``readings_saved``: pages, bulk edit, API, walk page,
  import), for the work orders written — a 100,000-row import is checked in bulk, not row by row;
- from the periodic job ``ldar.guardrails_recheck`` for the work orders checked before the latest
  change of a rule's parameters, never checked, or whose number of readings changed since (readings
  deleted, or written in bulk by a demo or a migration): changing a rule recomputes every flag within
  the job's interval.

Readings without a work order (no work order for their area yet) get the per-record rules on their own.
A flag never blocks saving: this runs after the commit, and a failure here is logged, not raised.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Count, F, Max, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lantian.core.periodic import periodic_job
from lantian.ldar import guardrails as kernel
from lantian.ldar.models import (
    BackgroundRecord,
    CalibrationRecord,
    DetectionInstrument,
    DetectionRecord,
    GuardRailFlag,
    GuardRailRule,
    WorkOrder,
    WorkOrderCheck,
)
from lantian.ldar.models.guardrails import default_parameters
from lantian.ldar.readings_saved import follow_readings

logger = logging.getLogger(__name__)

ORDERS_PER_BATCH = 50  # work orders read together (a plant area's order holds up to a few thousand readings)
LOOSE_CHUNK = 5000  # record ids per query when looking for readings without a work order
RECHECK_PER_RUN = 500  # work orders the periodic job rechecks per run (the rest on its next run)
FIELDS = (
    "pk",
    "work_order_id",
    "cycle_id",
    "enterprise_id",
    "agency_id",
    "operator",
    "instrument_id",
    "started_at",
    "ended_at",
    "background",
    "reading",
    "threshold",
    "wind_direction",
    "group__grid_x",
    "group__grid_y",
)


def active_rules() -> list[tuple[kernel.Rule, kernel.GuardRailSettings]]:
    """The enabled rules with their settings; a rule without a row runs with the kernel's defaults."""
    stored = {rule.code: rule for rule in GuardRailRule.objects.all()}
    rules = []
    for rule in kernel.RULES:
        row = stored.get(rule.code)
        if row is None:
            rules.append((rule, kernel.GuardRailSettings(**default_parameters(rule.code))))
        elif row.enabled:
            rules.append((rule, row.settings()))
    return rules


def to_reading(row, zone) -> kernel.Reading:
    """``zone``: the current time zone (``timezone.localtime``'s, looked up once for many rows)."""
    (pk, _order, _cycle, enterprise, _agency, operator, instrument, started, ended) = row[:9]
    background, reading, threshold, wind, x, y = row[9:]
    return kernel.Reading(
        id=pk,
        operator=operator,
        instrument=instrument,
        started_at=started.astimezone(zone),  # the plant's day decides the same-day rules
        ended_at=ended.astimezone(zone),
        background=background,
        reading=reading,
        threshold=threshold,
        enterprise=enterprise,
        wind=wind,
        x=x,
        y=y,
    )


def day_range(rows) -> tuple[datetime, datetime]:
    starts = [row[7] for row in rows]
    return min(starts) - timedelta(days=1), max(starts) + timedelta(days=1)


def backgrounds_for(rows) -> set[tuple]:
    """(enterprise, instrument, day) of every background measured around the readings' days."""
    if not rows:
        return set()
    low, high = day_range(rows)
    found = BackgroundRecord.objects.filter(
        enterprise_id__in={row[3] for row in rows},
        instrument_id__in={row[6] for row in rows},
        measured_at__range=(low, high),
    ).values_list("enterprise_id", "instrument_id", "measured_at")
    return {(enterprise, instrument, timezone.localdate(at)) for enterprise, instrument, at in found}


def calibrations_for(rows) -> list[tuple]:
    if not rows:
        return []
    low, high = day_range(rows)
    found = CalibrationRecord.objects.filter(
        instrument_id__in={row[6] for row in rows}, calibrated_at__range=(low, high)
    ).values_list("instrument_id", "calibrated_at", "passed")
    return [(instrument, timezone.localdate(at), passed) for instrument, at, passed in found]


def zero_suspects(orders: dict[int, list], rules) -> dict[int, list]:
    """The work orders whose share of zero readings could be flagged whatever the enterprise's history
    (it is at least ``zero_ratio`` × ``zero_floor_share``): only their history is worth a query."""
    settings = next((s for rule, s in rules if rule.code == "zero_readings"), None)
    if settings is None:
        return {}
    suspects = {}
    for order, rows in orders.items():
        zeros = sum(1 for row in rows if row[10] <= settings.zero_reading)
        if len(
            rows
        ) >= settings.zero_min_readings and zeros >= settings.zero_ratio * settings.zero_floor_share * len(
            rows
        ):
            suspects[order] = rows
    return suspects


def zero_history(orders: dict[int, list], rules) -> dict[int, float | None]:
    """Per work order, the share of zero readings in its enterprise's other readings (None: none)."""
    if not orders:
        return {}
    zero_reading = next(s.zero_reading for rule, s in rules if rule.code == "zero_readings")
    enterprises = {rows[0][3] for rows in orders.values() if rows}
    totals = (
        DetectionRecord.objects.filter(enterprise_id__in=enterprises)
        .values("enterprise_id", "work_order_id")
        .annotate(total=Count("pk"), zeros=Count("pk", filter=Q(reading__lte=zero_reading)))
    )
    by_enterprise = defaultdict(lambda: [0, 0])
    by_order = {}
    for row in totals:
        by_enterprise[row["enterprise_id"]][0] += row["total"]
        by_enterprise[row["enterprise_id"]][1] += row["zeros"]
        by_order[row["work_order_id"]] = (row["total"], row["zeros"])
    shares = {}
    for order, rows in orders.items():
        if not rows:
            continue
        total, zeros = by_enterprise[rows[0][3]]
        own_total, own_zeros = by_order.get(order, (0, 0))
        others = total - own_total
        shares[order] = (zeros - own_zeros) / others if others else None
    return shares


def run_rules(readings, rules, backgrounds, calibrations, history, *, per_record_only=False) -> list:
    columns = kernel.Columns(readings)
    flags = []
    for rule, settings in rules:
        if per_record_only and rule.per != "record":
            continue
        if rule.code == "missing_background":
            flags += rule.check(columns, backgrounds, settings)
        elif rule.code == "missing_calibration":
            flags += rule.check(columns, calibrations, settings)
        elif rule.code == "zero_readings":
            flags += rule.check(columns, settings, history)
        else:
            flags += rule.check(columns, settings)
    return flags


def stored_flags(flags, first_row, order_id, serials, now) -> list[GuardRailFlag]:
    rows = []
    for flag in flags:
        evidence = dict(flag.evidence)
        if "instrument" in evidence:
            evidence["instrument"] = serials.get(evidence["instrument"], str(evidence["instrument"]))
        whole = kernel.RULES_BY_CODE[flag.rule].per == "work order"
        rows.append(
            GuardRailFlag(
                enterprise_id=first_row[3],
                agency_id=first_row[4],
                cycle_id=first_row[2],
                work_order_id=order_id,
                rule=flag.rule,
                record_id=None if whole else flag.records[-1],
                other_record_id=flag.records[0] if not whole and len(flag.records) > 1 else None,
                record_count=len(flag.records),
                message=flag.message,
                evidence=evidence,
                found_at=now,
            )
        )
    return rows


def serials_of(rows) -> dict:
    return dict(
        DetectionInstrument.objects.filter(pk__in={row[6] for row in rows}).values_list("pk", "serial_number")
    )


def check_work_orders(order_ids: Iterable[int], now: datetime | None = None) -> int:
    """Check the work orders' readings and replace their flags; returns the number of flags stored."""
    order_ids = sorted(set(order_ids))
    now = now or timezone.now()
    rules = active_rules()
    zone = timezone.get_current_timezone()
    stored = 0
    for start in range(0, len(order_ids), ORDERS_PER_BATCH):
        batch = order_ids[start : start + ORDERS_PER_BATCH]
        orders = {pk: [] for pk in batch}
        for row in (
            DetectionRecord.objects.filter(work_order_id__in=batch)
            .values_list(*FIELDS)
            .iterator(chunk_size=20_000)
        ):
            orders[row[1]].append(row)
        every_row = [row for rows in orders.values() for row in rows]
        backgrounds, calibrations = backgrounds_for(every_row), calibrations_for(every_row)
        serials = serials_of(every_row)
        history = zero_history(zero_suspects(orders, rules), rules)
        new_flags, checks = [], []
        for order_id, rows in orders.items():
            if rows:
                readings = [to_reading(row, zone) for row in rows]
                flags = run_rules(readings, rules, backgrounds, calibrations, history.get(order_id))
                new_flags += stored_flags(flags, rows[0], order_id, serials, now)
                count = len(flags)
            else:
                count = 0
            checks.append(
                WorkOrderCheck(work_order_id=order_id, checked_at=now, records=len(rows), flags=count)
            )
        existing = set(WorkOrder.objects.filter(pk__in=batch).values_list("pk", flat=True))
        with transaction.atomic():
            GuardRailFlag.objects.filter(work_order_id__in=batch).delete()
            GuardRailFlag.objects.bulk_create(
                [f for f in new_flags if f.work_order_id in existing], batch_size=5000
            )
            WorkOrderCheck.objects.bulk_create(
                [c for c in checks if c.work_order_id in existing],
                update_conflicts=True,
                unique_fields=["work_order"],
                update_fields=["checked_at", "records", "flags"],
            )
        stored += len(new_flags)
    return stored


def loose_rows(record_ids: list[int]) -> list[tuple]:
    """The FIELDS of the records among ``record_ids`` that have no work order. Ids written together
    (an import) are mostly consecutive: they are then found by their range, not a long IN list."""
    loose = DetectionRecord.objects.filter(work_order__isnull=True)
    low, high = min(record_ids), max(record_ids)
    if high - low + 1 > 2 * len(record_ids):
        return list(loose.filter(pk__in=record_ids).values_list(*FIELDS))
    wanted = set(record_ids)
    return [row for row in loose.filter(pk__range=(low, high)).values_list(*FIELDS) if row[0] in wanted]


def check_loose_records(record_ids: Iterable[int], now: datetime | None = None) -> int:
    """Readings without a work order: the per-record rules over them, grouped by cycle."""
    record_ids = list(record_ids)
    rows = loose_rows(record_ids) if record_ids else []
    now = now or timezone.now()
    rules = active_rules()
    zone = timezone.get_current_timezone()
    by_cycle = defaultdict(list)
    for row in rows:
        by_cycle[row[2]].append(row)
    backgrounds, calibrations, serials = backgrounds_for(rows), calibrations_for(rows), serials_of(rows)
    new_flags = []
    for cycle_rows in by_cycle.values():
        readings = [to_reading(row, zone) for row in cycle_rows]
        flags = run_rules(readings, rules, backgrounds, calibrations, None, per_record_only=True)
        new_flags += stored_flags(flags, cycle_rows[0], None, serials, now)
    ids = [row[0] for row in rows]
    with transaction.atomic():
        GuardRailFlag.objects.filter(work_order__isnull=True, record_id__in=ids).delete()
        GuardRailFlag.objects.bulk_create(new_flags, batch_size=5000)
    return len(new_flags)


@follow_readings
def on_readings_saved(record_ids: frozenset[int], work_order_ids: frozenset[int]) -> None:
    check_work_orders(work_order_ids)
    ids = sorted(record_ids)
    for start in range(0, len(ids), LOOSE_CHUNK):
        check_loose_records(ids[start : start + LOOSE_CHUNK])


def stale_work_orders(limit: int = RECHECK_PER_RUN) -> list[int]:
    """Work orders whose flags may be out of date: readings never checked, a count of readings that is
    no longer the one checked (readings deleted, or written in bulk by no save path), or a check older
    than the latest change of a rule."""
    changed = GuardRailRule.objects.aggregate(latest=Max("updated_at"))["latest"]
    readings = (
        DetectionRecord.objects.filter(work_order=OuterRef("pk"))
        .order_by()
        .values("work_order")
        .annotate(n=Count("pk"))
        .values("n")
    )
    orders = WorkOrder.objects.annotate(readings=Coalesce(Subquery(readings), 0))
    never = Q(guardrail_check__isnull=True, readings__gt=0)
    recounted = Q(guardrail_check__isnull=False) & ~Q(guardrail_check__records=F("readings"))
    stale = never | recounted
    if changed is not None:
        stale |= Q(guardrail_check__checked_at__lt=changed)
    return list(orders.filter(stale).order_by("pk").values_list("pk", flat=True)[:limit])


@periodic_job(
    "ldar.guardrails_recheck",
    every=timedelta(minutes=10),
    description=_("Guard rails: recheck the work orders after a rule's parameters changed"),
)
def recheck(now: datetime) -> str:
    stale = stale_work_orders()
    flags = check_work_orders(stale, now=now)
    return f"{len(stale)} work orders rechecked, {flags} flags"
