"""The statistics pages and the home page's archive panel read the seal-point roll-up (``SealPointCount``)
instead of counting the points: their figures equal a straightforward count of the points, unfiltered
and filtered by enterprise, unit and area, in every user's scope."""

from collections import Counter

import pytest
from django.urls import reverse
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
