"""The statistics pages and the home page's archive panel read the seal-point roll-up (``SealPointCount``)
instead of counting the points: their figures equal a straightforward count of the points, unfiltered
and filtered by enterprise, unit and area, in every user's scope."""

import datetime
from collections import Counter

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from lantian.ldar.demo import build_archive, plant_layout
from lantian.ldar.home import archive as archive_panel
from lantian.ldar.models import Area, ProcessUnit, SealPoint


@pytest.fixture
def plants(tree):
    """Two plants of a few hundred points each, some of them no longer valid."""
    build_archive(tree.ent_a1, plant_layout(320))
    build_archive(tree.ent_a2, plant_layout(180, seed=7))
    every_seventh = list(SealPoint.objects.order_by("pk").values_list("pk", flat=True))[::7]
    SealPoint.objects.filter(pk__in=every_seventh).update(is_valid=False)
    return tree


def straightforward(points, enterprise_chosen: bool) -> dict[str, Counter]:
    """The valid points counted one by one in Python."""
    by_type, by_kind, by_unit = Counter(), Counter(), Counter()
    for point in points.filter(is_valid=True).select_related("seal_type", "unit", "enterprise"):
        by_type[point.seal_type.name] += 1
        by_kind["dynamic" if point.is_dynamic else "static"] += 1
        enterprise = point.enterprise.short_name or point.enterprise.name
        by_unit[point.unit.name if enterprise_chosen else f"{enterprise} · {point.unit.name}"] += 1
    return {"type": by_type, "dynamic": by_kind, "unit": by_unit}


def page_figures(response) -> dict[str, Counter]:
    assert response.status_code == 200
    breakdowns = {b.key: b for b in response.context["breakdowns"]}
    dynamic, static = (n for _label, n in breakdowns["dynamic"].rows)
    return {
        "type": Counter(dict(breakdowns["type"].rows)),
        "dynamic": Counter({"dynamic": dynamic, "static": static}),
        "unit": Counter(dict(breakdowns["unit"].rows)),
    }


def without_zeros(counts: dict[str, Counter]) -> dict[str, Counter]:
    return {key: Counter({k: n for k, n in c.items() if n}) for key, c in counts.items()}


def test_seal_point_page_equals_a_count_of_the_points_under_every_filter(plants, client, login):
    tree = plants
    login(tree.city_admin)
    url = reverse("ldar:statistics_sealpoints")
    points = SealPoint.objects.filter(enterprise__in=[tree.ent_a1, tree.ent_a2])
    figures = page_figures(client.get(url))
    assert without_zeros(figures) == without_zeros(straightforward(points, False))
    assert sum(figures["type"].values()) == points.filter(is_valid=True).count() > 400

    enterprise_points = points.filter(enterprise=tree.ent_a2)
    figures = page_figures(client.get(url, {"enterprise": tree.ent_a2.pk}))
    assert without_zeros(figures) == without_zeros(straightforward(enterprise_points, True))

    unit = ProcessUnit.objects.filter(enterprise=tree.ent_a1).order_by("code")[1]
    figures = page_figures(client.get(url, {"enterprise": tree.ent_a1.pk, "unit": unit.pk}))
    assert without_zeros(figures) == without_zeros(straightforward(points.filter(unit=unit), True))
    assert len(figures["type"]) > 1

    area = Area.objects.filter(unit__enterprise=tree.ent_a1).order_by("-pk")[0]
    figures = page_figures(client.get(url, {"area": area.pk}))
    assert without_zeros(figures) == without_zeros(straightforward(points.filter(area=area), False))
    assert sum(figures["unit"].values()) == points.filter(area=area, is_valid=True).count() > 0


def test_an_enterprise_counts_only_its_own_points(plants, client, login):
    tree = plants
    login(tree.ent_a1_admin)
    figures = page_figures(client.get(reverse("ldar:statistics_sealpoints")))
    own = SealPoint.objects.filter(enterprise=tree.ent_a1)
    assert without_zeros(figures) == without_zeros(straightforward(own, False))


@pytest.mark.parametrize("who", ["city_admin", "ent_a2_admin", "agency_admin"])
def test_the_home_archive_panel_equals_a_count_of_the_points(plants, who):
    tree = plants
    user = getattr(tree, who)
    visible = SealPoint.objects.restrict(user, "view").filter(is_valid=True)
    figures = {f.label: f.value for f in archive_panel(user).figures}
    expected = straightforward(visible, False)
    assert figures[_("valid seal points")] == visible.count() > 0
    assert figures[_("dynamic")] == expected["dynamic"]["dynamic"]
    assert figures[_("static")] == expected["dynamic"]["static"]
    for name, n in expected["type"].most_common(3):
        assert figures[name] == n


def detected_straightforward(records, enterprise_chosen: bool) -> dict[str, Counter]:
    """Distinct points per type, unit, area and leaking per type, from the readings one by one."""
    sets = {"type": {}, "unit": {}, "area": {}, "leaks": {}}
    for r in records.select_related("seal_type", "unit", "area", "enterprise"):
        enterprise = r.enterprise.short_name or r.enterprise.name
        unit = r.unit.name if enterprise_chosen else f"{enterprise} · {r.unit.name}"
        sets["type"].setdefault(r.seal_type.name, set()).add(r.seal_point_id)
        sets["unit"].setdefault(unit, set()).add(r.seal_point_id)
        sets["area"].setdefault(f"{r.unit.name} · {r.area.name}", set()).add(r.seal_point_id)
        if r.is_leak:
            sets["leaks"].setdefault(r.seal_type.name, set()).add(r.seal_point_id)
    return {key: Counter({label: len(points) for label, points in by.items()}) for key, by in sets.items()}


def detected_figures(response) -> dict[str, Counter]:
    assert response.status_code == 200
    return {b.key: Counter(dict(b.rows)) for b in response.context["breakdowns"]}


@pytest.fixture
def readings(tree, archive):
    """Two units of ent_a1 read twice in 2026 (April and September, some leaks), one point read once."""
    from tests.ldar.detection_factories import Detection, record
    from tests.ldar.factories import build_branch, moment

    detection = Detection(tree, archive)
    _unit, _area, _equipment, _group, points = build_branch(tree.ent_a1, "FCC", "催化裂化装置", points=6)
    for n, point in enumerate([*archive.points[:3], *points]):
        record(detection.cycle, point, 6100.0 if n % 4 == 1 else 40.0, at=moment(2026, 4, 10 + n, 9))
        if n != 2:
            record(detection.cycle, point, 6100.0 if n % 3 == 0 else 30.0, at=moment(2026, 6, 2 + n, 9))
    return detection


def test_detected_page_equals_distinct_points_counted_one_by_one(readings, tree, client, login):
    from lantian.ldar.models import DetectionRecord

    login(tree.city_admin)
    url = reverse("ldar:statistics_detected")
    for query, enterprise_chosen, start, end in (
        ({"date_from": "2026-01-01", "date_to": "2026-12-31"}, False, "2026-01-01", "2026-12-31"),
        ({"date_from": "2026-04-12", "date_to": "2026-06-03"}, False, "2026-04-12", "2026-06-03"),
        ({"enterprise": tree.ent_a1.pk, "date_from": "2026-01-01"}, True, "2026-01-01", "2026-12-31"),
    ):
        records = DetectionRecord.objects.filter(detected_on__range=(start, end))
        figures = detected_figures(client.get(url, query))
        assert figures == detected_straightforward(records, enterprise_chosen)
        assert sum(figures["type"].values()) == records.values("seal_point").distinct().count() > 3

    # a point whose readings carry two units in the period (its group moved): counted under both, as
    # a count of the readings' distinct points does
    moved = DetectionRecord.objects.filter(detected_on__month=6).order_by("pk").first()
    other = ProcessUnit.objects.exclude(pk=moved.unit_id).filter(enterprise=tree.ent_a1).first()
    DetectionRecord.objects.filter(pk=moved.pk).update(unit=other)
    records = DetectionRecord.objects.filter(detected_on__year=2026)
    figures = detected_figures(client.get(url, {"date_from": "2026-01-01", "date_to": "2026-12-31"}))
    assert figures == detected_straightforward(records, False)


def test_retested_page_counts_the_local_days_of_the_period(readings, tree, client, login):
    """Re-tests late on the period's last local day count, those just after midnight do not; the
    points below the threshold are counted beside all re-tested points."""
    from lantian.ldar.models import DetectionRecord, RetestRecord
    from tests.ldar.factories import moment

    leaks = list({r.seal_point_id: r for r in DetectionRecord.objects.filter(is_leak=True)}.values())
    assert len(leaks) >= 3  # readings of three different points
    for n, (leak, at, reading) in enumerate(
        (
            (leaks[0], moment(2026, 6, 30, 23, 50), 80.0),  # the last local day of the period
            (leaks[1], moment(2026, 7, 1, 0, 10), 90.0),  # the next day (still 30 June in UTC)
            (leaks[2], moment(2026, 6, 20, 9), 7000.0),  # still leaking
        )
    ):
        RetestRecord.objects.create(
            detection=leak,
            background=1.0,
            reading=reading,
            instrument=readings.instrument,
            operator="张伟",
            tested_at=at + datetime.timedelta(seconds=n),
        )
    login(tree.city_admin)
    response = client.get(
        reverse("ldar:statistics_retested"), {"date_from": "2026-04-01", "date_to": "2026-06-30"}
    )
    breakdowns = {b.key: Counter(dict(b.rows)) for b in response.context["breakdowns"]}
    local = timezone.get_default_timezone()
    retests = [
        r
        for r in RetestRecord.objects.select_related("seal_point__seal_type")
        if datetime.date(2026, 4, 1) <= r.tested_at.astimezone(local).date() <= datetime.date(2026, 6, 30)
    ]
    every, passed = {}, {}
    for r in retests:
        every.setdefault(r.seal_point.seal_type.name, set()).add(r.seal_point_id)
        if not r.is_leak:
            passed.setdefault(r.seal_point.seal_type.name, set()).add(r.seal_point_id)
    assert breakdowns["type"] == Counter({name: len(points) for name, points in every.items()})
    assert breakdowns["passed"] == Counter({name: len(points) for name, points in passed.items()})
    assert sum(breakdowns["type"].values()) == len({r.seal_point_id for r in retests}) >= 3
    assert sum(breakdowns["type"].values()) > sum(breakdowns["passed"].values())
