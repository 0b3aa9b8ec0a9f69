"""The organisation tree, administrative divisions and the credit-code check on organisations."""

import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError

from lantian.core.divisions import read_divisions
from lantian.core.models import Division, Organization, OrganizationLink
from tests.conftest import make_credit_code

pytestmark = pytest.mark.django_db


def test_paths_follow_the_tree(tree):
    assert tree.city.path == f"/{tree.city.pk}/" and tree.city.depth == 0
    assert tree.ent_a1.path == f"/{tree.city.pk}/{tree.county_a.pk}/{tree.ent_a1.pk}/"
    assert tree.ent_a1.depth == 2
    assert list(tree.ent_a1.ancestors()) == [tree.city, tree.county_a]
    assert set(tree.county_a.descendants()) == {tree.ent_a1, tree.ent_a2}


def test_moving_a_subtree_moves_its_descendants(tree):
    tree.county_a.parent = tree.county_b
    tree.county_a.save()
    tree.ent_a1.refresh_from_db()
    assert tree.ent_a1.path == f"/{tree.city.pk}/{tree.county_b.pk}/{tree.county_a.pk}/{tree.ent_a1.pk}/"
    assert tree.ent_a1.depth == 3
    assert set(tree.county_b.descendants()) == {tree.ent_b1, tree.county_a, tree.ent_a1, tree.ent_a2}


def test_an_organization_cannot_be_put_under_its_own_subordinate(tree):
    tree.county_a.parent = tree.ent_a1
    with pytest.raises(ValidationError) as error:
        tree.county_a.full_clean()
    assert "parent" in error.value.message_dict


def test_enterprise_needs_a_valid_credit_code(tree):
    org = Organization(name="无码企业", kind="enterprise", parent=tree.county_a)
    with pytest.raises(ValidationError) as error:
        org.full_clean()
    assert "credit_code" in error.value.message_dict

    code = make_credit_code("610323", "MA6XK0009")
    wrong = code[:-1] + ("0" if code[-1] != "0" else "1")
    org.credit_code = wrong
    with pytest.raises(ValidationError) as error:
        org.full_clean()
    assert "credit_code" in error.value.message_dict

    org.credit_code = code.lower()  # forms strip whitespace; the model normalises letter case
    org.full_clean()
    assert org.credit_code == code


def test_the_database_refuses_an_enterprise_without_credit_code_or_a_duplicate(tree):
    with pytest.raises(IntegrityError):
        Organization.objects.create(
            name="重复", kind="enterprise", parent=tree.county_a, credit_code=tree.ent_a1.credit_code
        )


def test_divisions_are_loaded_from_the_data_file():
    rows = read_divisions()
    assert Division.objects.count() == len(rows)
    baoji = Division.objects.get(code="610300")
    assert (baoji.name, baoji.level, baoji.parent.code) == ("宝鸡市", "city", "610000")
    assert Division.objects.get(code="419001").parent.code == "410000"
    assert Division.objects.get(code="110105").name == "朝阳区"
    assert {d.code[:2] for d in Division.objects.filter(level="province")} == {"11", "41", "61"}


def test_load_divisions_is_idempotent_and_repairs_a_changed_name():
    Division.objects.filter(code="610300").update(name="旧名")
    call_command("load_divisions", stdout=io.StringIO())
    assert Division.objects.get(code="610300").name == "宝鸡市"
    count = Division.objects.count()
    call_command("load_divisions", stdout=io.StringIO())
    assert Division.objects.count() == count


# --- link rules contributed by modules (lantian.core.links) ---


@pytest.fixture
def refuse_the_vendor():
    from django.core.exceptions import ValidationError

    from lantian.core import links

    calls = []

    def rule(link):
        calls.append((link.provider_id, link.client_id))
        if link.provider.kind == "vendor":
            raise ValidationError({"client": "运维单位暂停接单"})

    links.register_link_rule(rule)
    links.register_link_rule(rule)  # idempotent
    yield calls
    links.unregister_link_rule(rule)


def test_a_registered_link_rule_refuses_new_links(tree, refuse_the_vendor):
    from lantian.core.models import OrganizationLink

    with pytest.raises(ValidationError) as raised:
        OrganizationLink(provider=tree.vendor, client=tree.ent_a2).full_clean()
    assert raised.value.message_dict["client"] == ["运维单位暂停接单"]
    assert refuse_the_vendor == [(tree.vendor.pk, tree.ent_a2.pk)]


def test_link_rules_judge_new_relations_not_other_edits(tree, refuse_the_vendor):
    link = tree.ent_b1.provider_links.get(provider=tree.vendor)
    link.since = datetime.date(2024, 1, 1)
    link.full_clean()  # the same provider and client: the rules are not asked
    assert refuse_the_vendor == []
    link.client = tree.ent_a2
    with pytest.raises(ValidationError):
        link.full_clean()


def test_a_county_bureau_links_its_enterprise_to_an_agency_of_the_city(tree, client):
    """The agency is filed with the city, outside the county's tree: the county still chooses it and
    saves its own links, but cannot link another county's enterprise."""
    from django.urls import reverse

    link = OrganizationLink.objects.get(provider=tree.agency, client=tree.ent_a1)
    client.force_login(tree.county_a_admin)
    edit = reverse("core:organizationlink_edit", args=[link.pk])
    assert (
        client.post(
            edit, {"provider": tree.agency.pk, "client": tree.ent_a1.pk, "since": "2026-01-05"}
        ).status_code
        == 302
    )
    link.refresh_from_db()
    assert str(link.since) == "2026-01-05"
    add = reverse("core:organizationlink_add")
    assert client.post(add, {"provider": tree.vendor.pk, "client": tree.ent_a2.pk}).status_code == 302
    refused = client.post(add, {"provider": tree.vendor.pk, "client": tree.ent_b1.pk})
    assert refused.status_code == 200 and "client" in refused.context["form"].errors
    tree.agency.is_active = False
    tree.agency.save()
    offered = client.get(add).context["form"].fields["provider"].queryset
    assert tree.agency not in offered and tree.vendor in offered
