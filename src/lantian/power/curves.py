"""What the enterprise view and an event's evidence show: current state per facility, the day's
curves of every point, the pair's minute curves around an episode. Bounded: one enterprise's points,
one day; an episode's window at most ``EVIDENCE_LIMIT``."""

from __future__ import annotations

import datetime

import numpy as np
from django.db.models import Q
from django.utils import timezone

from lantian.power import alarms
from lantian.power.models import (
    MonitoringPoint,
    ProductionFacility,
    Reading,
    RunningThreshold,
    TreatmentFacility,
)

CURRENT_WINDOW = datetime.timedelta(minutes=15)  # a reading older than this is not "current"
EVIDENCE_MARGIN = datetime.timedelta(minutes=30)
EVIDENCE_LIMIT = datetime.timedelta(days=3)


def thresholds_in_force(point_ids, moment) -> dict[int, float]:
    rows = RunningThreshold.objects.filter(point_id__in=point_ids, valid_from__lte=moment).filter(
        Q(valid_until__isnull=True) | Q(valid_until__gt=moment)
    )
    return dict(rows.values_list("point_id", "threshold_kw"))


def one_line(user, enterprise, now) -> dict:
    """Facilities with their points: current power, threshold, running state (facility: the sum of
    its points' power against the sum of their thresholds, as the rules read it)."""
    points = list(
        MonitoringPoint.objects.restrict(user, "view")
        .filter(enterprise=enterprise)
        .select_related("device", "production_facility", "treatment_facility")
        .order_by("kind", "code")
    )
    ids = [point.pk for point in points]
    latest: dict[int, Reading] = {}
    for reading in Reading.objects.filter(point_id__in=ids, time__gte=now - CURRENT_WINDOW).order_by("time"):
        latest[reading.point_id] = reading
    thresholds = thresholds_in_force(ids, now)
    for point in points:
        reading = latest.get(point.pk)
        point.current_kw = reading.power_kw if reading else None
        point.current_at = reading.time if reading else None
        point.threshold_kw = thresholds.get(point.pk)
        point.running = (
            None
            if point.current_kw is None or point.threshold_kw is None
            else point.current_kw >= point.threshold_kw
        )

    def facility_state(facility_points):
        if not facility_points or any(p.running is None for p in facility_points if p.is_active):
            return None
        active = [p for p in facility_points if p.is_active]
        return sum(p.current_kw for p in active) >= sum(p.threshold_kw for p in active)

    production = list(ProductionFacility.objects.restrict(user, "view").filter(enterprise=enterprise))
    treatment = list(
        TreatmentFacility.objects.restrict(user, "view")
        .filter(enterprise=enterprise)
        .prefetch_related("serves")
    )
    rows = []
    for facility in production:
        own = [p for p in points if p.production_facility_id == facility.pk]
        rows.append(
            {"facility": facility, "kind": "production", "points": own, "running": facility_state(own)}
        )
    for facility in treatment:
        own = [p for p in points if p.treatment_facility_id == facility.pk]
        rows.append(
            {
                "facility": facility,
                "kind": "treatment",
                "points": own,
                "running": facility_state(own),
                "serves": list(facility.serves.all()),
            }
        )
    totals = [p for p in points if p.kind == MonitoringPoint.Kind.TOTAL]
    return {"facilities": rows, "totals": totals, "points": points}


def day_bounds(day: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    start = timezone.make_aware(datetime.datetime.combine(day, datetime.time()))
    return start, start + datetime.timedelta(days=1)


def day_curves(user, enterprise, day: datetime.date) -> dict:
    """Every point's power through the local day, minute by minute, with its threshold steps."""
    start, end = day_bounds(day)
    points = list(
        MonitoringPoint.objects.restrict(user, "view")
        .filter(enterprise=enterprise)
        .select_related("production_facility", "treatment_facility")
        .order_by("kind", "code")
    )
    ids = [point.pk for point in points]
    series = {pk: [] for pk in ids}
    rows = Reading.objects.filter(point_id__in=ids, time__gte=start, time__lt=end).order_by("time")
    for point_id, time, power in rows.values_list("point_id", "time", "power_kw"):
        series[point_id].append([timezone.localtime(time).strftime("%H:%M"), power])
    steps = {pk: [] for pk in ids}
    thresholds = RunningThreshold.objects.filter(point_id__in=ids, valid_from__lt=end).filter(
        Q(valid_until__isnull=True) | Q(valid_until__gt=start)
    )
    for point_id, valid_from, value in thresholds.order_by("valid_from").values_list(
        "point_id", "valid_from", "threshold_kw"
    ):
        steps[point_id].append([timezone.localtime(max(valid_from, start)).strftime("%H:%M"), value])
    return {
        "day": day.isoformat(),
        "points": [
            {
                "id": point.pk,
                "name": str(point),
                "kind": point.kind,
                "kind_label": str(point.get_kind_display()),
                "facility": str(point.facility) if point.facility else "",
                "data": series[point.pk],
                "thresholds": steps[point.pk],
            }
            for point in points
        ],
    }


def _listed(values: np.ndarray) -> list:
    return [None if np.isnan(value) else round(float(value), 3) for value in values]


def event_evidence(event) -> dict:
    """The pair's facility power and thresholds by minute over the episode and a margin either side."""
    start = event.start - EVIDENCE_MARGIN
    end = min(event.end + EVIDENCE_MARGIN, start + EVIDENCE_LIMIT)
    pairs = alarms.Pairs(
        np.array([event.production_facility_id]),
        np.array([event.treatment_facility_id]),
        np.array([event.enterprise_id]),
        np.array([np.nan]),
    )
    production, treatment, p_threshold, t_threshold = alarms.load_series(pairs, start, end)
    minutes = [
        timezone.localtime(start + i * alarms.MINUTE).strftime("%m-%d %H:%M")
        for i in range(production.shape[1])
    ]
    return {
        "minutes": minutes,
        "production": {
            "name": str(event.production_facility),
            "power": _listed(production[0]),
            "threshold": _listed(p_threshold[0]),
        },
        "treatment": {
            "name": str(event.treatment_facility),
            "power": _listed(treatment[0]),
            "threshold": _listed(t_threshold[0]),
        },
        "episode": [
            timezone.localtime(event.start).strftime("%m-%d %H:%M"),
            timezone.localtime(event.end).strftime("%m-%d %H:%M"),
        ],
        "rule": event.parameters,
    }
