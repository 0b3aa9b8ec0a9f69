"""The live view's figures: the latest hour's real-time AQI of every visible station, and a
station's last 72 hours (issue 15 item 5). Real-time reports use the kernel's ``realtime_aqi``
(2012: PM from the 24-hour moving mean; 2026: from the 1-hour value), so up to 24 hours before the
reported hours are read, of each pollutant only those its report is made of (``realtime_hours``)."""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

import numpy as np
from django.core.cache import cache
from django.db.models import Max, OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import get_language

from . import daily
from .models import HourlyValue, PipelineState, Station
from .parameters import BY_ID, BY_KEY, POLLUTANT_IDS
from .pipeline import WATERMARK
from .standards import POLLUTANTS, realtime_aqi, realtime_hours
from .standards.levels import LEVELS

HISTORY = 24  # hours read before the reported hour (24-hour moving means)
CACHE_SECONDS = 60  # the live page asks every minute
STATION_FIELDS = (
    "pk",
    "code",
    "name",
    "kind",
    "latitude",
    "longitude",
    "organization__name",
    "organization__short_name",
)


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
    needed = realtime_hours(rules)
    first_hours = {BY_KEY[p].id: HISTORY + 1 - needed[p] for p in needed}
    values = daily.hours_array(station_ids, start, hours + HISTORY, first_hours=first_hours)
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
    """The live table of the user's stations, computed once per scope, rule set and state of the data:
    new packets taken by the pipeline (its watermark) or a new latest hour give a new key at once;
    other writes to the hourly table (imports) show within ``CACHE_SECONDS``."""
    stations = list(
        Station.objects.restrict(user, "view")
        .select_related("organization")
        .only(*STATION_FIELDS)
        .order_by("code")
    )
    end = latest_hour([s.pk for s in stations])
    key = _cache_key(stations, rules, end)
    data = cache.get(key)
    if data is None:
        data = _snapshot(stations, rules, end)
        cache.set(key, data, CACHE_SECONDS)
    return data


def _cache_key(stations, rules: str, end: datetime | None) -> str:
    watermark = PipelineState.objects.filter(name=WATERMARK).values_list("last_packet_id", flat=True).first()
    shown = [[_field(s, name) for name in STATION_FIELDS] for s in stations]
    state = repr((rules, get_language(), end, watermark, shown))
    return "air:live:" + hashlib.sha256(state.encode()).hexdigest()


def _field(station, name: str):
    value = station
    for part in name.split("__"):
        value = getattr(value, part)
    return value


def _snapshot(stations, rules: str, end: datetime | None) -> dict:
    kinds = {value: str(label) for value, label in Station.Kind.choices}
    if end is None:
        return {"hour": None, "rules": rules, "stations": [_row(s, kinds, None, None, 0) for s in stations]}
    values, report, _ = reports([s.pk for s in stations], end, 1, rules)
    primary = report.aqi.primary
    return {
        "hour": timezone.localtime(end + timedelta(hours=1)).isoformat(),  # labelled by its end
        "rules": rules,
        "stations": [
            _row(s, kinds, values[i, :, -1], (report.aqi.aqi, primary), i) for i, s in enumerate(stations)
        ],
    }


def _row(station, kinds, values, report, i) -> dict:
    row = {
        "id": station.pk,
        "code": station.code,
        "name": station.name,
        "kind": kinds[station.kind],
        "township": station.organization.short_name or station.organization.name,
        "lat": float(station.latitude),
        "lng": float(station.longitude),
        "series_url": f"/air/stations/{station.pk}/series/",
    }
    if values is None:
        row.update(_level(np.nan), values={}, primary=[])
        return row
    aqi, primary = report
    row.update(_level(aqi[i, -1]))
    row["values"] = {
        BY_ID[pid].key: _number(values[k], BY_ID[pid].decimals) for k, pid in enumerate(POLLUTANT_IDS)
    }
    row["primary"] = [p for p in POLLUTANTS if primary[p][i, -1]]
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
