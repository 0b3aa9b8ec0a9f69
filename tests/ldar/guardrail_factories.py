"""Walks of readings in the ``detection`` work order for the guard-rail tests: ``n`` new points of the
archive's group, read one after another by one operator, written in bulk (derived as the import does)."""

import datetime

import numpy as np

from lantian.ldar.models import DetectionRecord, SealPoint
from lantian.ldar.models.detection import thresholds_of
from tests.ldar.factories import moment, more_points


def walk(
    d,
    readings,
    *,
    dwell=None,
    gap=30.0,
    operator="王强",
    start=None,
    backgrounds=None,
    winds=None,
    group=None,
    seed=1,
) -> list[DetectionRecord]:
    """One operator's readings (``readings`` in μmol/mol, gas points: threshold 5000), ``gap`` seconds
    between them; dwell times random 20–50 s unless given."""
    rng = np.random.default_rng(seed)
    n = len(readings)
    group = group or d.archive.group
    more_points(group, n)
    taken = set(DetectionRecord.objects.values_list("seal_point_id", flat=True))
    points = [p for p in SealPoint.objects.filter(group=group).order_by("-pk") if p.pk not in taken][:n]
    dwell = rng.uniform(20, 50, n) if dwell is None else np.broadcast_to(np.asarray(dwell, float), (n,))
    backgrounds = rng.uniform(0.8, 2.6, n).round(1) if backgrounds is None else backgrounds
    winds = rng.choice(["东", "东北", "北", "西北", "南"], n) if winds is None else winds
    clock = start or moment(2026, 4, 8, 13)
    groups, thresholds, orders = {group.pk: group}, thresholds_of([d.cycle.enterprise_id]), {}
    orders[(d.cycle.pk, d.order.plan.area_id)] = d.order.pk
    rows = []
    for i, point in enumerate(points):
        record = DetectionRecord(
            cycle=d.cycle,
            seal_point=point,
            background=float(backgrounds[i]),
            reading=float(readings[i]),
            instrument=d.instrument,
            operator=operator,
            started_at=clock,
            ended_at=clock + datetime.timedelta(seconds=float(dwell[i])),
            wind_direction=str(winds[i]),
        )
        record._groups, record._thresholds, record._orders = groups, thresholds, orders
        record.derive()
        rows.append(record)
        clock = record.ended_at + datetime.timedelta(seconds=gap)
    return DetectionRecord.objects.bulk_create(rows)


def honest_readings(n, seed=3):
    """Net readings as a survey finds them: most a few μmol/mol, a long tail, none near 5000."""
    rng = np.random.default_rng(seed)
    return (2.0 + rng.lognormal(np.log(20), 1.0, n)).round(1)
