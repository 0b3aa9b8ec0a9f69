"""An enterprise's emissions over a period (spec §4), computed in bulk with the vectorised kernel.

For every valid seal point of the enterprise:

- detected in the period (and accessible): the mid-point method over its readings, with the unit's and
  its area's shutdowns taken out (``standards.period_emissions_array``, once per unit and area). The
  *initial* figure uses the routine detections only — a leak's rate runs until the next detection; the
  figure *after repair* adds the re-tests, so a repaired leak's rate drops from its re-test on;
- inaccessible, or without a reading in the period: the average emission factor of its type and
  material state times the operating hours (both figures alike).

The coefficients are the installation's (``EmissionCoefficient``), the set the account names. Readings
are read with one query each for detections and re-tests; nothing is computed point by point in Python.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime, time, timedelta

import numpy as np
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from lantian.ldar import standards
from lantian.ldar.models import DetectionRecord, RetestRecord, SealPoint, UnitShutdown
from lantian.ldar.models.emissions import (
    CoefficientSet,
    EmissionAccount,
    PointEmission,
    coefficient_table,
)

INSERT_BATCH = 2000
REFINING_INDUSTRIES = frozenset({"refining"})


def coefficient_set_for(industry: str) -> str:
    """The guide's set for an enterprise's industry: refineries 石油炼制, every other 石油化工."""
    return CoefficientSet.REFINING if industry in REFINING_INDUSTRIES else CoefficientSet.PETROCHEMICAL


def period_bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """From the first day's midnight to the midnight after the last day, in the site's time zone."""
    zone = timezone.get_current_timezone()
    return (
        datetime.combine(start, time.min, zone),
        datetime.combine(end + timedelta(days=1), time.min, zone),
    )


@transaction.atomic
def compute_account(account: EmissionAccount) -> EmissionAccount:
    """Compute ``account``'s figures and point rows (replacing earlier ones) and save it."""
    begin, finish = period_bounds(account.start, account.end)
    table = coefficient_table()
    points = Points.of(account.enterprise_id)
    detections = Readings.of(
        DetectionRecord.objects.filter(
            seal_point__enterprise_id=account.enterprise_id, started_at__range=(begin, finish)
        ).values_list("seal_point_id", "started_at", "net_value"),
        points,
    )
    retests = Readings.of(
        RetestRecord.objects.filter(
            seal_point__enterprise_id=account.enterprise_id, tested_at__range=(begin, finish)
        ).values_list("seal_point_id", "tested_at", "net_value"),
        points,
    )
    everything = detections.plus(retests)
    stops = shutdowns_by_place(account.enterprise_id, begin, finish)

    initial = np.zeros(points.count)
    after = np.zeros(points.count)
    hours = np.zeros(points.count)
    for (unit_id, area_id), members in points.by_place().items():
        down = stops.get((unit_id, None), []) + (stops.get((unit_id, area_id), []) if area_id else [])
        hours[members] = standards.operating_hours(begin, finish, down)
        for readings, result in ((detections, initial), (everything, after)):
            local, times, values = readings.of_points(members)
            result[members] = standards.period_emissions_array(
                local, times, values, begin, finish,
                component_types=points.types[members], material_states=points.states[members],
                industry=account.coefficient_set, shutdowns=down, coefficients=table,
            )  # fmt: skip

    by_factor = ~points.accessible | (detections.counts == 0)
    factors = standards.average_factor_by_index(
        points.type_index, points.state_index, account.coefficient_set, table
    )
    initial[by_factor] = after[by_factor] = (factors * hours)[by_factor]
    methods = methods_of(points, detections, everything, by_factor)

    account.point_emissions.all().delete()
    PointEmission.objects.bulk_create(
        (
            PointEmission(
                account=account,
                seal_point_id=int(points.ids[i]),
                tag=points.tags[i],
                unit_id=int(points.units[i]),
                seal_type_id=int(points.seal_types[i]),
                material_state=points.states[i],
                method=methods[i][0],
                methods=",".join(methods[i]),
                readings=int(everything.counts[i]),
                hours=float(hours[i]),
                initial_kg=float(initial[i]),
                after_repair_kg=float(after[i]),
            )
            for i in range(points.count)
        ),
        batch_size=INSERT_BATCH,
    )
    account.points = points.count
    account.detected_points = int((~by_factor).sum())
    account.average_factor_points = int(by_factor.sum())
    account.initial_kg = float(initial.sum())
    account.after_repair_kg = float(after.sum())
    account.reduction_kg = account.initial_kg - account.after_repair_kg
    account.computed_at = timezone.now()
    account.save()
    return account


class Points:
    """The valid seal points of an enterprise as columns."""

    def __init__(self, rows: list[tuple]):
        self.count = len(rows)
        columns = list(zip(*rows, strict=True)) if rows else [()] * 8
        ids, tags, units, areas, seal_types, type_codes, states, accessible = columns
        self.ids = np.array(ids, dtype=np.int64)
        self.tags = list(tags)
        self.units = np.array(units, dtype=np.int64)
        self.areas = np.array([area or 0 for area in areas], dtype=np.int64)
        self.seal_types = np.array(seal_types, dtype=np.int64)
        known = set(standards.TYPE_CODES)
        # A type an administrator added outside the standard's list counts as "other sealing device".
        self.types = np.array([code if code in known else "other" for code in type_codes], dtype="U20")
        self.states = np.array(states, dtype="U20")
        self.accessible = np.array(accessible, dtype=bool)
        self.type_index = np.array([standards.TYPE_CODES.index(t) for t in self.types], dtype=np.intp)
        self.state_index = np.array([standards.MATERIAL_STATES.index(s) for s in self.states], dtype=np.intp)
        self.position = {int(pk): i for i, pk in enumerate(self.ids)}

    @classmethod
    def of(cls, enterprise_id: int) -> Points:
        return cls(
            list(
                SealPoint.objects.filter(enterprise_id=enterprise_id, is_valid=True)
                .order_by("pk")
                .values_list(
                    "pk",
                    "tag",
                    "unit_id",
                    "area_id",
                    "seal_type_id",
                    "seal_type__code",
                    "material_state",
                    "accessible",
                )
            )
        )

    def by_place(self) -> dict[tuple[int, int | None], np.ndarray]:
        places = defaultdict(list)
        for i, (unit, area) in enumerate(zip(self.units.tolist(), self.areas.tolist(), strict=True)):
            places[unit, area or None].append(i)
        return {place: np.array(members, dtype=np.intp) for place, members in places.items()}


class Readings:
    """Readings as columns: the point's position, the time (UTC, datetime64) and the net value."""

    def __init__(self, points: np.ndarray, times: np.ndarray, values: np.ndarray, count: int):
        self.points, self.times, self.values = points, times, values
        self.counts = np.bincount(points, minlength=count) if points.size else np.zeros(count, dtype=np.int64)

    @classmethod
    def of(cls, rows, points: Points) -> Readings:
        positions, times, values = [], [], []
        for point_id, moment, value in rows.iterator(chunk_size=10_000):
            at = points.position.get(point_id)
            if at is None or value is None:  # an invalid point's old readings
                continue
            positions.append(at)
            times.append(moment.astimezone(UTC).replace(tzinfo=None))
            values.append(value)
        return cls(
            np.array(positions, dtype=np.int64),
            np.array(times, dtype="datetime64[us]"),
            np.array(values, dtype=np.float64),
            points.count,
        )

    def plus(self, other: Readings) -> Readings:
        return Readings(
            np.concatenate([self.points, other.points]),
            np.concatenate([self.times, other.times]),
            np.concatenate([self.values, other.values]),
            self.counts.size,
        )

    def of_points(self, members: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The readings of ``members`` with the points renumbered 0… in ``members``' order."""
        local = np.full(self.counts.size, -1, dtype=np.int64)
        local[members] = np.arange(members.size)
        mine = local[self.points] >= 0 if self.points.size else np.zeros(0, dtype=bool)
        return local[self.points[mine]], self.times[mine], self.values[mine]


def shutdowns_by_place(enterprise_id: int, begin: datetime, finish: datetime) -> dict:
    """(unit, area or None) → the stops overlapping the period; a stop still open lasts to its end."""
    stops = defaultdict(list)
    rows = UnitShutdown.objects.filter(enterprise_id=enterprise_id, start__lt=finish).filter(
        Q(end__isnull=True) | Q(end__gt=begin)
    )
    for unit_id, area_id, start, end in rows.values_list("unit_id", "area_id", "start", "end"):
        stops[unit_id, area_id].append((start, end or finish))
    return dict(stops)


def methods_of(points: Points, detections: Readings, everything: Readings, by_factor: np.ndarray) -> list:
    """Per point: the method of its highest routine reading first, then every other method one of its
    readings (re-tests included) was charged by; the average factor for the points without."""
    method_names = standards.emission_method_array(everything.values) if everything.values.size else []
    seen: list[set] = [set() for _ in range(points.count)]
    for at, method in zip(everything.points.tolist(), list(method_names), strict=True):
        seen[at].add(str(method))
    highest = np.full(points.count, -1.0)
    if detections.values.size:
        np.maximum.at(highest, detections.points, detections.values)
    result = []
    for i in range(points.count):
        if by_factor[i]:
            result.append((standards.AVERAGE_FACTOR,))
            continue
        first = str(standards.emission_method(highest[i]))
        result.append((first, *sorted(seen[i] - {first})))
    return result
