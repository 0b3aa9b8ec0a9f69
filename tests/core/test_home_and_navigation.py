"""Each role has its own home page and sees only the pages it may use."""

import pytest
from django.urls import reverse

from lantian.core.navigation import menu_for

pytestmark = pytest.mark.django_db


def menu_urls(user):
    return {item.url_name for group in menu_for(user) for item in group["items"]}


def test_navigation_per_role(tree):
    assert "core:changelog_list" in menu_urls(tree.admin)
    assert "core:changelog_list" not in menu_urls(tree.city_admin)
    assert {"core:organization_list", "core:user_list", "core:accessevent_list"} <= menu_urls(tree.city_admin)
    assert "core:organizationlink_list" in menu_urls(tree.ent_a1_admin)
    assert "core:accessevent_list" not in menu_urls(tree.ops)
    assert "core:user_list" in menu_urls(tree.ops)


def test_a_page_outside_the_role_is_forbidden(tree, login):
    client = login(tree.ops)
    assert client.get(reverse("core:accessevent_list")).status_code == 403
    assert client.get(reverse("core:organization_add")).status_code == 403


@pytest.mark.parametrize(
    ("username", "template", "expected"),
    [
        ("admin", "core/home/admin.html", "login_chart"),
        ("city", "core/home/regulator.html", "division_chart"),
        ("county_a", "core/home/regulator.html", "division_chart"),
        ("ent_a1", "core/home/enterprise.html", "providers"),
        ("agency", "core/home/provider.html", "clients"),
        ("ops", "core/home/provider.html", "clients"),
    ],
)
def test_home_page_per_role(tree, login, django_user_model, username, template, expected):
    client = login(django_user_model.objects.get(username=username))
    response = client.get("/")
    assert response.status_code == 200
    assert template in [t.name for t in response.templates]
    assert expected in response.context


def test_home_pages_show_only_what_is_in_scope(tree, login):
    client = login(tree.county_a_admin)
    context = client.get("/").context
    assert {name for name in context["division_chart"]["categories"]} == {"岐山县"}
    assert sum(context["division_chart"]["values"]) == 2
    client.post(reverse("logout"))
    client = login(tree.agency_admin)
    context = client.get("/").context
    assert [link.client.name for link in context["clients"]] == ["甲一化工"]


def test_chinese_is_the_default_and_english_is_switchable(tree, login):
    client = login(tree.county_a_admin)
    assert "组织机构" in client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert "Organizations" in client.get("/").content.decode()
