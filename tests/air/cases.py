"""Test cases of the air models for the generated tests (tests/generic.py)."""

import itertools
from datetime import date, datetime, timedelta

from django.utils import timezone

from lantian.air.models import Anomaly, AnomalyRule, AuditMark, BenchmarkFigure, Station
from lantian.core.models import Organization
from tests.conftest import make_org, make_user
from tests.generic import Case, add_cases

SERIAL = itertools.count(1)
T0 = timezone.make_aware(datetime(2025, 6, 1))


def township(tree):
    """A township office under county A with a township-staff account, built once per tree."""
    if not hasattr(tree, "air_township"):
        tree.air_township = make_org("甲镇人民政府", Organization.Kind.DIVISION, tree.county_a, "610323")
        tree.air_staff = make_user("air_staff", tree.air_township, "air_township_staff")
        tree.air_other_township = make_org(
            "乙镇人民政府", Organization.Kind.DIVISION, tree.county_b, "610324"
        )
        tree.air_other_staff = make_user("air_other", tree.air_other_township, "air_township_staff")
    return tree.air_township


def station(tree, code=None, org=None, kind=Station.Kind.MICRO):
    n = next(SERIAL)
    return Station.objects.create(
        organization=org or township(tree),
        kind=kind,
        code=code or f"WZ{n:04d}",
        name=f"甲镇微站{n}",
        latitude="34.44",
        longitude="107.62",
        active_from=date(2025, 1, 1),
    )


def first_station(tree):
    if not hasattr(tree, "air_station"):
        tree.air_station = station(tree, "WZ-A")
    return tree.air_station


def _more_stations(tree, n):
    for _ in range(n):
        station(tree)


def _mark(tree):
    if not hasattr(tree, "air_mark"):
        tree.air_mark = AuditMark.objects.create(
            station=first_station(tree), start=T0, end=T0 + timedelta(hours=3), reason=AuditMark.Reason.FAULT
        )
    return tree.air_mark


def _more_marks(tree, n):
    s = first_station(tree)
    for i in range(n):
        AuditMark.objects.create(
            station=s,
            start=T0 + timedelta(days=i + 1),
            end=T0 + timedelta(days=i + 1),
            reason=AuditMark.Reason.CALIBRATION,
        )


def _anomaly(tree):
    if not hasattr(tree, "air_anomaly"):
        tree.air_anomaly = Anomaly.objects.create(
            station=first_station(tree),
            rule="negative",
            parameter=6,
            start=T0,
            end=T0,
            detail="负值 PM2.5 1h",
            status="open",
        )
    return tree.air_anomaly


def _more_anomalies(tree, n):
    s = first_station(tree)
    for i in range(n):
        moment = T0 + timedelta(hours=next(SERIAL))
        Anomaly.objects.create(
            station=s, rule="constant", parameter=1, start=moment, end=moment, detail=f"{i}", status="open"
        )


def _rule(tree):
    return AnomalyRule.objects.get_or_create(code="constant", defaults={"hours": 3, "threshold": 0})[0]


def _benchmark(tree):
    return BenchmarkFigure.objects.get_or_create(
        organization=tree.county_a, county="扶风县", year=2025, month=0, defaults={"composite_index": "3.85"}
    )[0]


def _more_benchmarks(tree, n):
    for _ in range(n):
        BenchmarkFigure.objects.create(
            organization=tree.county_a,
            county=f"对标县{next(SERIAL)}",
            year=2025,
            month=0,
            composite_index="4.01",
        )


add_cases(
    Case(
        Station,
        first_station,
        "county_a_admin",
        "county_b_admin",
        _more_stations,
        unfiltered=frozenset({"latitude", "longitude", "active_from", "active_until"}),
    ),
    Case(
        AuditMark,
        _mark,
        "county_a_admin",
        "county_b_admin",
        _more_marks,
        unfiltered=frozenset({"start", "end", "note", "revoked_at"}),
    ),
    Case(
        Anomaly,
        _anomaly,
        "county_a_admin",
        "county_b_admin",
        _more_anomalies,
        unfiltered=frozenset({"detail"}),
    ),
    Case(AnomalyRule, _rule, "county_a_admin", None, None, unfiltered=frozenset({"description"})),
    Case(
        BenchmarkFigure,
        _benchmark,
        "county_a_admin",
        "county_b_admin",
        _more_benchmarks,
        unfiltered=frozenset({"composite_index", "pm25", "pm10", "good_ratio"}),
    ),
)
