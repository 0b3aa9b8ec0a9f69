"""The demo county's air network (岐阳县, standing on 岐山县's real geography around 34.44N 107.62E):
nine invented township offices, 2 provincial, 18 township and 70 micro-stations with HJ 212 devices,
hourly data (a year at "full" scale, three days at "small") with diurnal and seasonal shapes, a
winter episode and a few faulty instruments, their daily values and anomalies, two audit marks,
benchmark counties and a township staff account. Idempotent."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

import numpy as np
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from lantian.core.demo import demo_account, demo_organization
from lantian.core.models import Organization
from lantian.hj212.models import Device

from . import anomalies, daily, synthetic
from .models import AuditMark, BenchmarkFigure, HourlyValue, Station
from .roles import TOWNSHIP_STAFF

CENTRE = (34.4437, 107.6213)
# invented names; offsets (km north, km east) from the county seat
TOWNSHIPS = (
    ("凤岗镇", 0.0, 0.0),
    ("蔡川镇", -8.5, -3.0),
    ("益丰镇", 6.0, -9.5),
    ("蒲原镇", -3.5, 10.0),
    ("青禾镇", 12.5, 4.0),
    ("枣园镇", -12.0, 9.0),
    ("雍北镇", 17.0, -4.5),
    ("故城镇", 2.5, 17.0),
    ("京川镇", 9.0, 13.5),
)
BENCHMARKS = (
    ("扶川县", "3.92", "37", "76.4"),
    ("眉岭县", "3.71", "35", "79.2"),
    ("麟原县", "3.28", "29", "85.6"),
)
KM_LAT, KM_LNG = 1 / 111.0, 1 / (111.0 * np.cos(np.radians(CENTRE[0])))
FAULTY = (5, 23, 41, 58, 77)  # positions in the station plan whose instruments misbehave


def device_mn(n: int) -> str:
    """The HJ 212 MN of the demo's station number ``n`` (1 … 90)."""
    return f"QYAQ61032300{n:04d}"


FAULTY_MNS = frozenset(device_mn(i + 1) for i in FAULTY)  # the live simulator's faulty stations


def _position(rng, north, east, spread):
    lat = CENTRE[0] + (north + rng.normal(0, spread)) * KM_LAT
    lng = CENTRE[1] + (east + rng.normal(0, spread)) * KM_LNG
    return Decimal(f"{lat:.6f}"), Decimal(f"{lng:.6f}")


def _stations(county) -> list[Station]:
    rng = np.random.default_rng(610323)
    offices = {
        name: demo_organization(
            f"岐阳县{name}人民政府", Organization.Kind.DIVISION, county, "610323", short_name=name
        )
        for name, _n, _e in TOWNSHIPS
    }
    plan = [
        ("provincial", county, "岐阳县监测站", 0.0, 0.0, 0.8),
        ("provincial", county, "岐阳县开发区", -6.0, 4.0, 0.8),
    ]
    for name, north, east in TOWNSHIPS:
        plan += [
            ("township", offices[name], f"{name}政府", north, east, 0.6),
            ("township", offices[name], f"{name}中学", north, east, 1.2),
        ]
    micro_names = ("村委会", "卫生院", "集镇", "工业点", "农贸市场", "小学", "加油站", "搅拌站")
    i = 0
    while len(plan) < 90:
        name, north, east = TOWNSHIPS[i % len(TOWNSHIPS)]
        plan.append(
            (
                "micro",
                offices[name],
                f"{name}{micro_names[i // len(TOWNSHIPS) % len(micro_names)]}",
                north,
                east,
                2.5,
            )
        )
        i += 1
    stations = []
    for n, (kind, org, name, north, east, spread) in enumerate(plan, start=1):
        code = {"provincial": "SK", "township": "XZ", "micro": "WZ"}[kind] + f"{n:03d}"
        device, _ = Device.objects.get_or_create(
            mn=device_mn(n),
            defaults={
                "name": name,
                "organization": county,
                "kind": Device.Kind.MICRO_STATION if kind == "micro" else Device.Kind.AIR_STATION,
                "password": "123456",
                "capture_cn": "2061",
                "interval": 3600,
            },
        )
        lat, lng = _position(rng, north, east, spread)
        station, _ = Station.objects.update_or_create(
            code=code,
            defaults={
                "organization": org,
                "kind": kind,
                "name": name,
                "latitude": lat,
                "longitude": lng,
                "device": device,
                "active_from": date(2024, 1, 1),
            },
        )
        stations.append(station)
    provincial = stations[0]
    for s in stations[2:]:
        reference = (
            provincial
            if s.kind == "township"
            else next(
                (t for t in stations if t.kind == "township" and t.organization_id == s.organization_id),
                provincial,
            )
        )
        if s.reference_station_id != reference.pk:
            s.reference_station = reference
            s.save(update_fields=["reference_station"])
    return stations, offices


def _data(stations: list[Station], days: int) -> int:
    if HourlyValue.objects.filter(station=stations[0]).exists():
        return 0
    today = timezone.localdate()
    first = today - timedelta(days=days - 1)
    values = synthetic.generate(len(stations), first, days, seed=2025, faulty=FAULTY)
    now_hour = timezone.localtime().hour
    for array in values.values():
        array[:, (days - 1) * 24 + now_hour :] = np.nan  # nothing from the future
    ids = [s.pk for s in stations]
    rows = synthetic.write_hourly(ids, first, values, source=HourlyValue.Source.DEVICE_HOURLY)
    daily.rollup(ids, first, today)
    end = timezone.make_aware(datetime.combine(today, datetime.min.time())) + timedelta(hours=now_hour)
    anomalies.detect({pk: (end - timedelta(days=days) + timedelta(hours=1), end) for pk in ids})
    return rows


def _marks(stations, user):
    from . import audit

    start = timezone.make_aware(
        datetime.combine(timezone.localdate() - timedelta(days=1), datetime.min.time())
    )
    for station, reason, hours, note in (
        (stations[FAULTY[0]], AuditMark.Reason.FAULT, 8, "PM2.5 切割头堵塞，数值恒定"),
        (stations[0], AuditMark.Reason.SAND_DUST, 24, "省站通报沙尘过程"),
    ):
        mark, created = AuditMark.objects.get_or_create(
            station=station,
            start=start,
            reason=reason,
            defaults={"end": start + timedelta(hours=hours - 1), "note": note, "created_by": user},
        )
        if created:
            audit.refresh(station.pk, mark.start, mark.end)


@transaction.atomic
def build_demo() -> list[str]:
    county = Organization.objects.get(name="渭川市生态环境局岐阳分局")
    stations, offices = _stations(county)
    days = 365 if settings.LANTIAN_DEMO_SCALE == "full" else 3
    rows = _data(stations, days)
    anomalies.rules()
    from lantian.core.models import User

    bureau = User.objects.filter(username="bureau").first()
    _marks(stations, bureau)
    last_year = timezone.localdate().year - 1
    for name, index, pm25, good in BENCHMARKS:
        BenchmarkFigure.objects.update_or_create(
            organization=county,
            county=name,
            year=last_year,
            month=0,
            defaults={"composite_index": Decimal(index), "pm25": Decimal(pm25), "good_ratio": Decimal(good)},
        )
    lines = [
        f"air: {len(stations)} stations in {len(offices)} townships, {rows} hourly values loaded",
        demo_account("township", "赵晓兰", offices["凤岗镇"], TOWNSHIP_STAFF),
        demo_account("airanalyst", "孟凡宇", county, "bureau_admin"),
    ]
    return lines
