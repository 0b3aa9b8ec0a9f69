"""Who sees and changes which filing (ldar spec §9 [14]): a filing belongs to its agency; the bureau
over it reads and reviews it; another agency never sees it (404); enterprises have no filing pages."""

import pytest
from django.urls import reverse

from lantian.agencies.models import AgencyFiling, FilingArchive, StaffMember
from lantian.core.models import Attachment
from lantian.core.navigation import menu_for
from tests.agencies.helpers import api_url, archive_of, as_user, id_number, signed_in

pytestmark = pytest.mark.django_db


def test_another_agency_never_sees_a_filing_or_its_rows(tree, filing, rival):
    client = signed_in(tree.rival_admin)
    member = filing.staff.get()
    archive = archive_of(filing, tree.city_admin)
    for url in (
        filing.get_absolute_url(),
        reverse("agencies:agencyfiling_edit", args=[filing.pk]),
        member.get_absolute_url(),
        reverse("agencies:staffmember_edit", args=[member.pk]),
        filing.instruments.get().get_absolute_url(),
        archive.get_absolute_url(),
        reverse("agencies:agencyfiling_revise", args=[filing.pk]),
        reverse("core:review_action", args=["agencies", "agencyfiling", filing.pk, "submit"]),
        reverse("core:attachment_add", args=["agencies", "staffmember", member.pk]),
    ):
        response = (
            client.post(url)
            if "revise" in url or "/review/" in url or "attachments" in url
            else client.get(url)
        )
        assert response.status_code == 404, url
    listing = client.get(reverse("agencies:agencyfiling_list"))
    assert [row["object"] for row in listing.context["rows"]] == [tree.rival_filing]
    assert not client.get(reverse("agencies:staffmember_list")).context["rows"]
    api = as_user(tree.rival_admin)
    assert api.get(api_url(AgencyFiling, filing.pk)).status_code == 404
    assert api.get(api_url(StaffMember, member.pk)).status_code == 404
    assert api.get(api_url(FilingArchive, archive.pk)).status_code == 404
    assert [row["id"] for row in api.get(api_url(AgencyFiling)).json()["results"]] == [tree.rival_filing.pk]


def test_the_attachments_of_a_staff_member_are_as_private_as_the_member(
    tree, filing, rival, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    member = filing.staff.get()
    owner = signed_in(tree.agency_admin)
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (60, 80), (200, 210, 230)).save(buffer, "PNG")
    png = buffer.getvalue()

    owner.post(
        reverse("core:attachment_add", args=["agencies", "staffmember", member.pk]),
        {"file": SimpleUploadedFile("张伟.png", png)},
    )
    attachment = Attachment.objects.for_object(member).get()
    assert owner.get(attachment.get_absolute_url()).status_code == 200
    assert signed_in(tree.city_admin).get(attachment.get_absolute_url()).status_code == 200
    assert signed_in(tree.rival_admin).get(attachment.get_absolute_url()).status_code == 404


@pytest.mark.parametrize("outsider", ["county_b_admin", "county_a_admin"])
def test_a_bureau_that_is_not_over_the_agency_gets_404(tree, filing, outsider):
    assert signed_in(getattr(tree, outsider)).get(filing.get_absolute_url()).status_code == 404


def test_enterprises_and_vendors_have_no_filing_pages(tree, filing):
    for user in (tree.ent_a1_admin, tree.ops):
        client = signed_in(user)
        assert client.get(reverse("agencies:agencyfiling_list")).status_code == 403
        assert client.get(filing.get_absolute_url()).status_code == 403
        assert not [
            group
            for group in menu_for(user)
            if any(i.url_name.startswith("agencies:") for i in group["items"])
        ]


def test_an_agency_files_only_for_itself(tree, rival):
    client = signed_in(tree.agency_admin)
    form = client.get(reverse("agencies:agencyfiling_add")).context["form"]
    assert list(form.fields["agency"].queryset) == [tree.agency]
    assert form.initial["agency"] == tree.agency.pk
    body = {"agency": tree.rival.pk, "legal_representative": "某", "laboratory_address": "某地",
            "cma_number": "221612059999", "cma_valid_until": "2030-01-01", "contact_person": "某",
            "contact_phone": "1"}  # fmt: skip
    response = client.post(reverse("agencies:agencyfiling_add"), body)
    assert "agency" in response.context["form"].errors
    response = client.post(reverse("agencies:agencyfiling_add"), {**body, "agency": tree.agency.pk})
    filing = AgencyFiling.objects.get(agency=tree.agency)
    assert response["Location"] == filing.get_absolute_url() and filing.status == "draft"
    response = client.post(reverse("agencies:agencyfiling_add"), {**body, "cma_number": "221612058888"})
    assert "agency" in response.context["form"].errors  # one filing per agency


def test_an_agency_cannot_add_rows_to_another_agencys_filing(tree, filing, rival):
    body = {
        "filing": filing.pk,
        "name": "王五",
        "gender": "male",
        "id_number": id_number(777),
        "position": "检测员",
    }
    response = signed_in(tree.rival_admin).post(reverse("agencies:staffmember_add"), body)
    assert "filing" in response.context["form"].errors
    response = as_user(tree.rival_admin).post(api_url(StaffMember), body, format="json")
    assert response.status_code == 400 and "filing" in response.json()
    assert filing.staff.count() == 1


def test_the_bureau_reads_but_does_not_edit(tree, filing):
    client = signed_in(tree.city_admin)
    page = client.get(filing.get_absolute_url())
    assert page.status_code == 200 and page.context["edit_url"] is None
    assert client.get(reverse("agencies:agencyfiling_edit", args=[filing.pk])).status_code == 403
    assert client.get(reverse("agencies:agencyfiling_export")).status_code == 200


def test_staff_identity_numbers_are_checked(tree, filing):
    client = signed_in(tree.agency_admin)
    body = {"filing": filing.pk, "name": "王五", "gender": "male", "id_number": "110105194912310021",
            "position": "检测员", "certificate_number": "LDAR-1"}  # fmt: skip
    errors = client.post(reverse("agencies:staffmember_add"), body).context["form"].errors
    assert "X" in errors["id_number"][0] and "certificate_name" in errors
    body.update(id_number="11010519491231002x", certificate_name="LDAR检测员证")
    response = client.post(reverse("agencies:staffmember_add"), body)
    assert response.status_code == 302
    assert filing.staff.get(name="王五").id_number == "11010519491231002X"


def test_my_filing_leads_an_agency_to_its_filing_or_to_the_add_page(tree, rival):
    client = signed_in(tree.agency_admin)
    assert client.get(reverse("agencies:my_filing"))["Location"] == reverse("agencies:agencyfiling_add")
    response = signed_in(tree.rival_admin).get(reverse("agencies:my_filing"))
    assert response["Location"] == tree.rival_filing.get_absolute_url()
    assert signed_in(tree.admin).get(reverse("agencies:my_filing"))["Location"] == reverse(
        "agencies:agencyfiling_list"
    )


def test_the_menu(tree):
    def entries(user):
        return [
            item.url_name
            for group in menu_for(user)
            for item in group["items"]
            if item.url_name.startswith("agencies:")
        ]

    assert entries(tree.agency_admin) == [
        "agencies:agencyfiling_list",
        "agencies:my_filing",
        "agencies:filingarchive_list",
    ]
    assert entries(tree.city_admin) == [
        "agencies:agencyfiling_list", "agencies:pending_filings", "agencies:filingarchive_list"
    ]  # fmt: skip
    group = next(
        g for g in menu_for(tree.agency_admin) if any(i.url_name == "agencies:my_filing" for i in g["items"])
    )
    assert group["icon"] == "certificate"


def test_the_filing_page_shows_the_company_and_every_kind_of_row(tree, filing):
    from tests.agencies.helpers import document_of, training_of

    document_of(filing, title="营业执照（副本）")
    training_of(filing, topic="HJ 733 操作培训")
    page = signed_in(tree.agency_admin).get(filing.get_absolute_url()).content.decode()
    for text in ("检测公司", filing.cma_number, "张伟", "TVA2020", "营业执照（副本）", "HJ 733 操作培训"):
        assert text in page
    for key in ("staff", "instruments", "documents", "training"):
        assert f'data-add="{key}"' in page
