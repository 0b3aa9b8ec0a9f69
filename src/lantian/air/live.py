"""The live view's figures: the latest hour's real-time AQI of every visible station, and a
station's last 72 hours (issue 15 item 5). Real-time reports use the kernel's ``realtime_aqi``
(2012: PM from the 24-hour moving mean; 2026: from the 1-hour value), so 24 hours are read."""

from __future__ import annotations

from datetime import datetime, timedelta

import numpy as np
from django.db.models import Max, OuterRef, Subquery
from django.utils import timezone

from . import daily
from .models import HourlyValue, Station
from .parameters import BY_ID, POLLUTANT_IDS
from .standards import POLLUTANTS, realtime_aqi
from .standards.levels import LEVELS

HISTORY = 24  # hours read before the reported hour (24-hour moving means)


def latest_hour(station_ids: list[int]) -> datetime | None:
    """The newest hour any of the stations has: one index seek per station on (station, time), not
    a scan of the hourly table."""
    if not station_ids:
        return None
    newest = HourlyValue.objects.filter(station_id=OuterRef("pk")).order_by("-time").values("time")[:1]
    return (
        Station.objects.filter(pk__in=station_ids)
        .annotate(newest=Subquery(newest))
        .aggregate(latest=Max("newest"))["latest"]
    )


def reports(station_ids: list[int], end: datetime, hours: int, rules: str):
    """Values (stations, 6, hours) ending with the hour starting at ``end`` and their real-time AQI."""
    start = end - timedelta(hours=hours + HISTORY - 1)
    values = daily.hours_array(station_ids, start, hours + HISTORY)
    hourly = {BY_ID[pid].key: values[:, i] for i, pid in enumerate(POLLUTANT_IDS)}
    report = realtime_aqi(hourly, rules)
    return values[:, :, HISTORY:], report, start + timedelta(hours=HISTORY)


def _level(aqi: float) -> dict:
    if np.isnan(aqi):
        return {"aqi": None, "level": 0, "category": "", "color": "#9aa0ac"}
    value = int(aqi)
    level = next((lv for lv in LEVELS if value <= lv.upper), LEVELS[-1])
    return {
        "aqi": value,
        "level": level.number,
        "category": level.category,
        "color": "#{:02x}{:02x}{:02x}".format(*level.color),
    }


def _number(x: float, decimals: int):
    return None if np.isnan(x) else round(float(x), decimals)


def snapshot(user, rules: str) -> dict:
    stations = list(
        Station.objects.restrict(user, "view")
        .select_related("organization")
        .only(
            "pk",
            "code",
            "name",
            "kind",
            "latitude",
            "longitude",
            "organization__name",
            "organization__short_name",
        )
        .order_by("code")
    )
    ids = [s.pk for s in stations]
    end = latest_hour(ids)
    if end is None:
        return {"hour": None, "rules": rules, "stations": [_row(s, None, None, 0) for s in stations]}
    values, report, _ = reports(ids, end, 1, rules)
    return {
        "hour": timezone.localtime(end + timedelta(hours=1)).isoformat(),  # labelled by its end
        "rules": rules,
        "stations": [_row(s, values[i, :, -1], report, i) for i, s in enumerate(stations)],
    }


def _row(station, values, report, i) -> dict:
    row = {
        "id": station.pk,
        "code": station.code,
        "name": station.name,
        "kind": station.get_kind_display(),
        "township": station.organization.short_name or station.organization.name,
        "lat": float(station.latitude),
        "lng": float(station.longitude),
        "series_url": f"/air/stations/{station.pk}/series/",
    }
    if values is None:
        row.update(_level(np.nan), values={}, primary=[])
        return row
    aqi = report.aqi.aqi[i, -1]
    row.update(_level(aqi))
    row["values"] = {
        BY_ID[pid].key: _number(values[k], BY_ID[pid].decimals) for k, pid in enumerate(POLLUTANT_IDS)
    }
    row["primary"] = [p for p in POLLUTANTS if report.aqi.primary[p][i, -1]]
    return row


def series(station: Station, rules: str, hours: int = 72) -> dict:
    end = latest_hour([station.pk])
    if end is None:
        return {"times": [], "series": {}, "aqi": []}
    values, report, start = reports([station.pk], end, hours, rules)
    times = [
        timezone.localtime(start + timedelta(hours=h + 1)).isoformat() for h in range(hours)
    ]  # hour ends
    aqi = report.aqi.aqi[0, HISTORY:]
    return {
        "times": times,
        "series": {
            BY_ID[pid].key: [_number(v, BY_ID[pid].decimals) for v in values[0, k]]
            for k, pid in enumerate(POLLUTANT_IDS)
        },
        "aqi": [None if np.isnan(a) else int(a) for a in aqi],
    }
