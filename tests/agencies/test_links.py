"""The gate (ldar spec §5): only a testing agency whose filing is approved is linked to enterprises for
detection work — in the form, the API and the import, which all validate the link with the model."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from lantian.agencies import approval
from lantian.core import review
from lantian.core.excel.importing import import_sheet
from lantian.core.excel.reading import read_sheet
from lantian.core.excel.spec import ImportField, ImportSpec
from lantian.core.links import link_rules
from lantian.core.models import OrganizationLink
from lantian.core.registry import registration_for
from tests.agencies.helpers import api_url, as_user, filing_of, signed_in

pytestmark = pytest.mark.django_db


def refusal(tree, link) -> ValidationError:
    with pytest.raises(ValidationError) as raised:
        link.full_clean()
    return raised.value


def test_the_rule_is_registered_with_the_core():
    assert approval.approved_filing_required in link_rules()


def test_an_agency_without_a_filing_is_refused(tree):
    error = refusal(tree, OrganizationLink(provider=tree.agency, client=tree.ent_a2))
    (message,) = error.message_dict["provider"]
    assert "检测公司" in message
    assert error.error_dict["provider"][0].code == "agency_not_approved"


@pytest.mark.parametrize("status", ["draft", "submitted", "rejected"])
def test_an_agency_whose_filing_is_not_approved_is_refused_and_told_the_status(tree, status):
    from lantian.core.models import ReviewStatus
    from tests.agencies.helpers import put_in

    put_in(filing_of(tree.agency), status)
    (message,) = refusal(tree, OrganizationLink(provider=tree.agency, client=tree.ent_a2)).message_dict[
        "provider"
    ]
    assert str(ReviewStatus(status).label) in message


def test_an_approved_agency_is_linked(tree, approved):
    link = OrganizationLink(provider=tree.agency, client=tree.ent_a2, since=datetime.date(2026, 1, 1))
    link.full_clean()
    link.save()


def test_operations_vendors_need_no_filing(tree):
    OrganizationLink(provider=tree.vendor, client=tree.ent_a2).full_clean()


def test_an_existing_link_keeps_its_date_editable_but_not_its_client(tree):
    link = tree.ent_a1.provider_links.get(provider=tree.agency)  # made before the gate (fixtures)
    link.since = datetime.date(2025, 3, 1)
    link.full_clean()
    link.client = tree.ent_a2
    assert "provider" in refusal(tree, link).message_dict


def test_a_revised_filing_closes_the_gate_until_it_is_approved_again(tree, approved):
    approval.revise(approved, tree.agency_admin, "人员变更")
    assert (
        "provider" in refusal(tree, OrganizationLink(provider=tree.agency, client=tree.ent_a2)).message_dict
    )
    review.submit(approved, tree.agency_admin)
    review.approve(approved, tree.city_admin)
    OrganizationLink(provider=tree.agency, client=tree.ent_a2).full_clean()


# --- the three ways in ---


def test_the_form_refuses_an_unapproved_agency_with_the_reason(tree):
    client = signed_in(tree.city_admin)
    url = reverse("core:organizationlink_add")
    response = client.post(url, {"provider": tree.agency.pk, "client": tree.ent_a2.pk, "since": "2026-01-01"})
    assert response.status_code == 200
    assert "检测公司" in response.context["form"].errors["provider"][0]
    assert not OrganizationLink.objects.filter(client=tree.ent_a2).exists()


def test_the_form_links_an_approved_agency(tree, approved):
    client = signed_in(tree.city_admin)
    response = client.post(
        reverse("core:organizationlink_add"), {"provider": tree.agency.pk, "client": tree.ent_a2.pk}
    )
    assert response.status_code == 302
    assert OrganizationLink.objects.filter(provider=tree.agency, client=tree.ent_a2).exists()


def test_the_api_refuses_an_unapproved_agency_with_400(tree):
    body = {"provider": tree.agency.pk, "client": tree.ent_a2.pk}
    response = as_user(tree.city_admin).post(api_url(OrganizationLink), body, format="json")
    assert response.status_code == 400 and "检测公司" in response.json()["provider"][0]
    assert not OrganizationLink.objects.filter(client=tree.ent_a2).exists()


def test_the_api_links_an_approved_agency(tree, approved):
    body = {"provider": tree.agency.pk, "client": tree.ent_a2.pk}
    assert as_user(tree.city_admin).post(api_url(OrganizationLink), body, format="json").status_code == 201


@pytest.fixture
def link_import(monkeypatch):
    """Service links have no import page in the core yet; the engine is the same for every model, and
    it validates each row with ``full_clean``, so give the model an import spec for this test."""
    spec = ImportSpec(
        fields=(ImportField("provider", lookup=("name",)), ImportField("client", lookup=("name",)), "since"),
        keys=(("provider", "client", "since"),),
    )
    monkeypatch.setattr(registration_for(OrganizationLink), "importer", spec)

    def run(tree):
        content = f"provider,client,since\n{tree.agency.name},{tree.ent_a2.name},2026-01-01\n".encode()
        return import_sheet(OrganizationLink, read_sheet("links.csv", content), user=tree.city_admin)

    return run


def test_the_import_refuses_an_unapproved_agency(tree, link_import):
    result = link_import(tree)
    assert len(result.errors) == 1 and "检测公司" in result.errors[0].message
    assert not OrganizationLink.objects.filter(client=tree.ent_a2).exists()


def test_the_import_links_an_approved_agency(tree, approved, link_import):
    result = link_import(tree)
    assert result.ok and result.created == 1
    assert OrganizationLink.objects.filter(provider=tree.agency, client=tree.ent_a2).exists()
