"""The city overview's figures, from the last complete quarter hour's roll-ups and the events, each
one aggregate query within the user's scope (``restrict``)."""

from __future__ import annotations

import datetime

from django.db.models import Count, F, Min, Q
from django.urls import reverse

from lantian.core.models import Organization
from lantian.hj212.models import OFFLINE_AFTER_MISSED_INTERVALS
from lantian.power.ingest import floor_to
from lantian.power.models import AlarmEvent, MonitoringPoint, PowerProfile, Rollup, TreatmentFacility
from lantian.power.sql import local_offset_seconds

QUARTER = 900
LISTED = 50  # rows of "production without treatment" shown; the count is of all


def last_quarter(now: datetime.datetime) -> datetime.datetime:
    return floor_to(now, QUARTER, local_offset_seconds(now)) - datetime.timedelta(seconds=QUARTER)


def running_points(points, quarter, kind: str):
    """Roll-ups of the quarter of ``points`` of ``kind`` running most of it."""
    return Rollup.objects.filter(
        step=QUARTER,
        start=quarter,
        point__in=points.filter(kind=kind).values("pk"),
        running_samples__gt=F("samples") / 2.0,
    )


def production_without_treatment(user, now) -> tuple[datetime.datetime, list[tuple[int, int]]]:
    """(the quarter, [(production facility id, enterprise id)]) of production facilities running
    while none of the treatment facilities serving them runs: one query, the facilities' running
    state never leaves the database."""
    quarter = last_quarter(now)
    points = MonitoringPoint.objects.restrict(user, "view").filter(is_active=True)
    producing = running_points(points, quarter, MonitoringPoint.Kind.PRODUCTION).values(
        "point__production_facility_id"
    )
    treating = running_points(points, quarter, MonitoringPoint.Kind.TREATMENT).values(
        "point__treatment_facility_id"
    )
    rows = (
        TreatmentFacility.serves.through.objects.filter(
            productionfacility_id__in=producing,
            treatmentfacility__in=TreatmentFacility.objects.restrict(user, "view").values("pk"),
        )
        .values("productionfacility_id")
        .annotate(
            enterprise=Min("treatmentfacility__enterprise_id"),
            running=Count("pk", filter=Q(treatmentfacility_id__in=treating)),
        )
        .filter(running=0)
        .order_by("productionfacility_id")
        .values_list("productionfacility_id", "enterprise")
    )
    return quarter, list(rows)


def online_enterprises(user, now) -> tuple[int, int]:
    """(enterprises in the power archive, those with a meter heard within three intervals)."""
    profiles = PowerProfile.objects.restrict(user, "view")
    points = MonitoringPoint.objects.restrict(user, "view").filter(device__isnull=False)
    # One condition per distinct reporting interval (a handful): heard within three of them.
    intervals = points.values_list("device__interval", flat=True).distinct().order_by()
    heard = Q(pk__in=[])
    for interval in intervals:
        window = datetime.timedelta(seconds=interval * OFFLINE_AFTER_MISSED_INTERVALS)
        heard |= Q(device__interval=interval, device__last_seen_at__gte=now - window)
    online = points.filter(heard).values("enterprise_id")
    return profiles.count(), profiles.filter(enterprise_id__in=online).count()


def city_overview(user, now) -> dict:
    from lantian.power.models import ProductionFacility

    total, online = online_enterprises(user, now)
    quarter, uncovered = production_without_treatment(user, now)
    listed = uncovered[:LISTED]
    facilities = ProductionFacility.objects.in_bulk([production for production, _enterprise in listed])
    events = AlarmEvent.objects.restrict(user, "view")
    open_events = events.filter(status__in=AlarmEvent.OPEN_STATUSES)
    by_district = (
        open_events.values("enterprise__division_id", "enterprise__division__name")
        .annotate(n=Count("pk"), ongoing=Count("pk", filter=Q(ongoing=True)))
        .order_by("-n", "enterprise__division__name")
    )
    event_list = reverse("power:alarmevent_list")
    enterprise_ids = {enterprise for _production, enterprise in listed}
    names = dict(Organization.objects.filter(pk__in=enterprise_ids).values_list("pk", "name"))
    return {
        "enterprises": total,
        "online": online,
        "quarter": quarter,
        "quarter_end": quarter + datetime.timedelta(seconds=QUARTER),
        "uncovered_count": len(uncovered),
        "uncovered": [
            {
                "facility": facilities.get(production),
                "enterprise": names.get(enterprise, ""),
                "url": reverse("power:enterprise", args=[enterprise]),
            }
            for production, enterprise in listed
        ],
        "open_events": open_events.count(),
        "by_district": [
            {
                "name": row["enterprise__division__name"] or "—",
                "count": row["n"],
                "ongoing": row["ongoing"],
                "url": f"{event_list}?is_open=true&division={row['enterprise__division_id'] or ''}",
            }
            for row in by_district
        ],
        "event_list": f"{event_list}?is_open=true",
    }
