"""The 14 data checks (``check_list.CHECK_LIST``): each a set-based query for a day.

Completeness checks read the archive as it is when they run; quality checks read the day's daily
roll-ups (local day). Each finding is reported once, under its most specific check: an enterprise
without any point is not also "without a total meter", a facility without a meter is not also
"without a threshold".

``run_checks(day, enterprise_ids=None)`` replaces the findings of that day (of those enterprises only,
when an enterprise re-checks its own after fixing them) and recounts the day's trend figures.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable

from auditlog.context import disable_auditlog
from django.db import transaction
from django.db.models import Count, Exists, F, OuterRef, Q, Sum
from django.utils import timezone

from lantian.power.check_list import CHECK_LIST
from lantian.power.models import (
    CheckCount,
    Finding,
    MonitoringPoint,
    PowerProfile,
    ProductionFacility,
    Rollup,
    RunningThreshold,
    TreatmentFacility,
)

DAY = 86400
CONSTANT_MIN_SAMPLES = 60
MAX_LOAD_HOURS = 25  # daily energy above this many hours at the day's maximum power is impossible
RATED_HOURS = 24
RATED_MARGIN = 1.2
SUB_METER_TOLERANCE = 1.05

Point = MonitoringPoint.Kind


def day_start(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time()))


def _profiles(enterprises):
    profiles = PowerProfile.objects.all()
    return profiles if enterprises is None else profiles.filter(enterprise_id__in=enterprises)


def _scoped(queryset, enterprises, path="enterprise_id"):
    return queryset if enterprises is None else queryset.filter(**{f"{path}__in": enterprises})


def _points_of(field: str):
    return MonitoringPoint.objects.filter(is_active=True, **{field: OuterRef("pk")})


def no_points(day, enterprises):
    any_point = MonitoringPoint.objects.filter(enterprise_id=OuterRef("enterprise_id"))
    for enterprise in (
        _profiles(enterprises).filter(~Exists(any_point)).values_list("enterprise_id", flat=True)
    ):
        yield {"enterprise_id": enterprise}


def no_total_meter(day, enterprises):
    any_point = MonitoringPoint.objects.filter(enterprise_id=OuterRef("enterprise_id"))
    total = any_point.filter(kind=Point.TOTAL)
    rows = (
        _profiles(enterprises)
        .filter(Exists(any_point), ~Exists(total))
        .values_list("enterprise_id", flat=True)
    )
    for enterprise in rows:
        yield {"enterprise_id": enterprise}


def production_without_meter(day, enterprises):
    rows = _scoped(ProductionFacility.objects.all(), enterprises).filter(
        ~Exists(_points_of("production_facility"))
    )
    for pk, enterprise in rows.values_list("pk", "enterprise_id"):
        yield {"enterprise_id": enterprise, "production_facility_id": pk}


def treatment_without_meter(day, enterprises):
    rows = _scoped(TreatmentFacility.objects.all(), enterprises).filter(
        ~Exists(_points_of("treatment_facility"))
    )
    for pk, enterprise in rows.values_list("pk", "enterprise_id"):
        yield {"enterprise_id": enterprise, "treatment_facility_id": pk}


def facility_without_threshold(day, enterprises):
    moment = timezone.now()
    in_force = RunningThreshold.objects.filter(point=OuterRef("pk"), valid_from__lte=moment).filter(
        Q(valid_until__isnull=True) | Q(valid_until__gt=moment)
    )
    points = _scoped(MonitoringPoint.objects.filter(is_active=True), enterprises).filter(
        kind__in=(Point.PRODUCTION, Point.TREATMENT)
    )
    lacking = points.filter(~Exists(in_force)).values_list(
        "enterprise_id", "production_facility_id", "treatment_facility_id"
    )
    for enterprise, production, treatment in sorted(set(lacking), key=str):
        yield {
            "enterprise_id": enterprise,
            "production_facility_id": production,
            "treatment_facility_id": treatment,
        }


def small_category_missing(day, enterprises):
    for enterprise in (
        _profiles(enterprises).filter(industry_small_category="").values_list("enterprise_id", flat=True)
    ):
        yield {"enterprise_id": enterprise}


def credit_code_empty(day, enterprises):
    for enterprise in _profiles(enterprises).filter(credit_code="").values_list("enterprise_id", flat=True):
        yield {"enterprise_id": enterprise}


def _daily(day, enterprises):
    """The day's daily roll-ups, with their point's enterprise, kind and rated power."""
    rows = Rollup.objects.filter(step=DAY, start=day_start(day))
    if enterprises is not None:
        rows = rows.filter(point__enterprise_id__in=enterprises)
    return rows


def _point_findings(rows, detail: Callable | None = None):
    for row in rows.values(
        "point_id", "point__enterprise_id", "energy_min", "energy_max", "power_min", "power_max"
    ):
        yield {
            "enterprise_id": row["point__enterprise_id"],
            "point_id": row["point_id"],
            "detail": detail(row) if detail else "",
        }


def no_data_since_networked(day, enterprises):
    reported = Rollup.objects.filter(
        point_id=OuterRef("pk"), step=DAY, start__lt=day_start(day + datetime.timedelta(days=1))
    )
    points = _scoped(
        MonitoringPoint.objects.filter(is_active=True, device__isnull=False, networked_on__lte=day),
        enterprises,
    ).filter(~Exists(reported))
    for pk, enterprise in points.values_list("pk", "enterprise_id"):
        yield {"enterprise_id": enterprise, "point_id": pk}


def negative_energy(day, enterprises):
    yield from _point_findings(
        _daily(day, enterprises).filter(energy_min__lt=0), lambda row: f"{row['energy_min']:g} kWh"
    )


def negative_power(day, enterprises):
    yield from _point_findings(
        _daily(day, enterprises).filter(power_min__lt=0), lambda row: f"{row['power_min']:g} kW"
    )


def constant_power(day, enterprises):
    rows = _daily(day, enterprises).filter(
        samples__gte=CONSTANT_MIN_SAMPLES, power_max=F("power_min"), power_max__gt=0
    )
    yield from _point_findings(rows, lambda row: f"{row['power_max']:g} kW")


def _energy(row) -> str:
    return f"{row['energy_max'] - row['energy_min']:g} kWh"


def energy_over_max_load(day, enterprises):
    energy = F("energy_max") - F("energy_min")
    rows = _daily(day, enterprises).filter(energy_max__gt=F("energy_min")).alias(energy=energy)
    rows = rows.filter(Q(power_max__isnull=True) | Q(energy__gt=MAX_LOAD_HOURS * F("power_max")))
    yield from _point_findings(rows, _energy)


def energy_abnormally_large(day, enterprises):
    energy = F("energy_max") - F("energy_min")
    rows = (
        _daily(day, enterprises)
        .alias(energy=energy)
        .filter(
            point__rated_power_kw__isnull=False,
            energy__gt=RATED_HOURS * RATED_MARGIN * F("point__rated_power_kw"),
        )
    )
    yield from _point_findings(rows, _energy)


def sub_meters_exceed_total(day, enterprises):
    energy = F("energy_max") - F("energy_min")
    totals = (
        _daily(day, enterprises)
        .values("point__enterprise_id")
        .annotate(
            total=Sum(energy, filter=Q(point__kind=Point.TOTAL)),
            parts=Sum(energy, filter=Q(point__kind__in=(Point.PRODUCTION, Point.TREATMENT))),
        )
        .order_by()
    )
    for row in totals:
        if (
            row["total"] is not None
            and row["parts"] is not None
            and row["parts"] > SUB_METER_TOLERANCE * row["total"]
        ):
            yield {
                "enterprise_id": row["point__enterprise_id"],
                "detail": f"{row['parts']:g} kWh > {row['total']:g} kWh",
            }


CHECKS: dict[str, Callable] = {code: globals()[code] for code, *_rest in CHECK_LIST}


def run_checks(day: datetime.date, enterprise_ids=None, codes=None) -> dict[str, int]:
    """Run the checks for ``day`` (all, or ``codes``), over every enterprise or ``enterprise_ids``;
    replace their findings and recount the day. Returns the day's counts per check."""
    codes = list(codes or CHECKS)
    now = timezone.now()
    with transaction.atomic(), disable_auditlog():  # derived rows: not users' edits
        for code in codes:
            found = list(CHECKS[code](day, enterprise_ids))
            stale = Finding.objects.filter(check_code=code, day=day)
            if enterprise_ids is not None:
                stale = stale.filter(enterprise_id__in=enterprise_ids)
            stale.delete()
            Finding.objects.bulk_create(Finding(check_code=code, day=day, **row) for row in found)
        counts = dict.fromkeys(CHECKS, 0)
        for row in Finding.objects.filter(day=day).values("check_code").annotate(n=Count("pk")).order_by():
            counts[row["check_code"]] = row["n"]
        CheckCount.objects.filter(day=day).delete()
        CheckCount.objects.bulk_create(
            CheckCount(check_code=code, day=day, count=count, run_at=now) for code, count in counts.items()
        )
    return counts
