"""A small power archive in the ``tree`` fixture's enterprises, and readings written in bulk."""

from __future__ import annotations

import datetime
import itertools
from dataclasses import dataclass

import numpy as np
from django.db import connection
from django.utils import timezone

from lantian.hj212.models import Device
from lantian.power import partitions
from lantian.power.models import (
    AlarmEvent,
    AlarmRule,
    Finding,
    MonitoringPoint,
    PowerProfile,
    ProductionFacility,
    RunningThreshold,
    TreatmentFacility,
)
from lantian.power.sql import db_time

SERIAL = itertools.count(1)
Kind = MonitoringPoint.Kind
EPOCH = timezone.make_aware(datetime.datetime(2026, 1, 1))


def device(enterprise, mn=None) -> Device:
    mn = mn or f"TP{next(SERIAL):08d}"
    return Device.objects.create(
        mn=mn, name=mn, organization=enterprise, kind=Device.Kind.POWER_METER, st="31", password="123456"
    )


def point(
    enterprise, kind, facility=None, code=None, threshold=10.0, rated=100.0, **fields
) -> MonitoringPoint:
    code = code or f"DB{next(SERIAL)}"
    created = MonitoringPoint.objects.create(
        enterprise=enterprise,
        code=code,
        name=f"{code}电表",
        kind=kind,
        production_facility=facility if kind == Kind.PRODUCTION else None,
        treatment_facility=facility if kind == Kind.TREATMENT else None,
        device=fields.pop("device", None) or device(enterprise),
        rated_power_kw=rated,
        networked_on=fields.pop("networked_on", datetime.date(2026, 1, 1)),
        **fields,
    )
    if threshold is not None and kind != Kind.TOTAL:
        RunningThreshold.objects.create(point=created, valid_from=EPOCH, threshold_kw=threshold)
    return created


@dataclass
class Plant:
    """An enterprise's complete archive: profile, a production facility served by a treatment
    facility, and a total, a production and a treatment point."""

    enterprise: object
    profile: PowerProfile
    production: ProductionFacility
    treatment: TreatmentFacility
    total_point: MonitoringPoint
    production_point: MonitoringPoint
    treatment_point: MonitoringPoint


def plant(enterprise, prefix="", small_category="2614") -> Plant:
    profile = PowerProfile.objects.create(
        enterprise=enterprise,
        credit_code=enterprise.credit_code,
        industry="化学原料和化学制品制造业",
        industry_small_category=small_category,
        address="渭川市",
    )
    production = ProductionFacility.objects.create(enterprise=enterprise, code=f"{prefix}SC01", name="反应釜")
    treatment = TreatmentFacility.objects.create(
        enterprise=enterprise, code=f"{prefix}ZW01", name="活性炭吸附"
    )
    treatment.serves.set([production])
    return Plant(
        enterprise,
        profile,
        production,
        treatment,
        point(enterprise, Kind.TOTAL, code=f"{prefix}ZB01", rated=500.0),
        point(enterprise, Kind.PRODUCTION, production, code=f"{prefix}SC01-DB"),
        point(enterprise, Kind.TREATMENT, treatment, code=f"{prefix}ZW01-DB"),
    )


def plant_of(tree, enterprise) -> Plant:
    """The plant of one of the tree's enterprises, built once per test."""
    cache = tree.__dict__.setdefault("power_plants", {})
    if enterprise.pk not in cache:
        cache[enterprise.pk] = plant(enterprise)
    return cache[enterprise.pk]


def write_readings(point_id, start, power, energy=None) -> None:
    """Minute readings of one point from ``start`` (power and optional energy arrays; NaN: missing)."""
    power = np.asarray(power, dtype=float)
    times = [start + datetime.timedelta(minutes=i) for i in range(len(power))]
    partitions.ensure_months(timezone.localdate(times[0]), timezone.localdate(times[-1]))
    energy = np.full(len(power), np.nan) if energy is None else np.asarray(energy, dtype=float)
    rows = [
        (point_id, db_time(t), None if np.isnan(p) else float(p), None if np.isnan(e) else float(e))
        for t, p, e in zip(times, power, energy, strict=True)
    ]
    with connection.cursor() as cursor:
        cursor.executemany(
            "INSERT INTO power_reading (point_id, time, power_kw, energy_kwh) VALUES (%s, %s, %s, %s)", rows
        )


def event_of(plant: Plant, start=None) -> AlarmEvent:
    rule = AlarmRule.objects.get(code="treatment_stopped_30")
    start = start or EPOCH + datetime.timedelta(hours=next(SERIAL))
    return AlarmEvent.objects.create(
        enterprise=plant.enterprise,
        rule=rule,
        kind=rule.kind,
        production_facility=plant.production,
        treatment_facility=plant.treatment,
        start=start,
        end=start + datetime.timedelta(minutes=45),
        ongoing=False,
        parameters={"code": rule.code, "minutes": rule.minutes},
    )


def finding_of(plant: Plant) -> Finding:
    return Finding.objects.create(
        check_code="negative_power",
        day=datetime.date(2026, 1, 1) + datetime.timedelta(days=next(SERIAL) % 300),
        enterprise=plant.enterprise,
        point=plant.production_point,
        detail="-3 kW",
    )
