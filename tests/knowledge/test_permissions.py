"""Everyone reads the knowledge base; bureau administrators keep it."""

import pytest
from rest_framework.test import APIClient

from lantian.core.navigation import menu_for
from lantian.knowledge.models import Document

pytestmark = pytest.mark.django_db

ENTRY = {
    "title": "测试导则",
    "number": "HJ 8888—2030",
    "category": "guide",
    "issuer": "生态环境部",
    "issued_on": "2030-01-02",
    "effective_on": "2030-03-01",
    "abolished_on": "",
    "keywords": "",
    "summary": "",
    "full_text": "",
}


def gb37822():
    return Document.objects.get(number="GB 37822-2019")


@pytest.mark.parametrize("who", ["ent_a1_admin", "agency_admin", "ops", "county_a_admin", "admin"])
def test_every_role_reads_and_exports(tree, login, who):
    client = login(getattr(tree, who))
    assert client.get("/knowledge/documents/").status_code == 200
    assert client.get(gb37822().get_absolute_url()).status_code == 200
    assert client.get("/knowledge/documents/export/").status_code == 200
    menu = {item.url_name for group in menu_for(getattr(tree, who)) for item in group["items"]}
    assert {"knowledge:document_list", "core:help"} <= menu


def test_an_enterprise_reads_but_cannot_edit(tree, login):
    client = login(tree.ent_a1_admin)
    obj = gb37822()
    detail = client.get(obj.get_absolute_url())
    assert detail.context["edit_url"] is None and detail.context["delete_url"] is None
    listing = client.get("/knowledge/documents/")
    assert listing.context["add_url"] is None and listing.context["import_url"] is None
    for url in ("/knowledge/documents/add/", f"/knowledge/documents/{obj.pk}/edit/",
                f"/knowledge/documents/{obj.pk}/delete/", "/knowledge/documents/import/"):  # fmt: skip
        assert client.get(url).status_code == 403, url
    assert client.post("/knowledge/documents/add/", ENTRY).status_code == 403
    assert client.post(f"/knowledge/documents/{obj.pk}/delete/").status_code == 403
    assert Document.objects.filter(pk=obj.pk).exists()
    # Nor attach a file to it: attachments follow the change right.
    upload = client.post(f"/core/objects/knowledge/document/{obj.pk}/attachments/", {})
    assert upload.status_code == 403


def test_a_bureau_adds_edits_and_deletes(tree, login):
    client = login(tree.county_a_admin)
    response = client.post("/knowledge/documents/add/", ENTRY)
    assert response.status_code == 302, response.content.decode()[:2000]
    created = Document.objects.get(title="测试导则")
    assert created.number == "HJ 8888-2030"  # the dash normalised
    assert response["Location"] == created.get_absolute_url()
    response = client.post(
        f"/knowledge/documents/{created.pk}/edit/", {**ENTRY, "abolished_on": "2031-01-01"}
    )
    assert response.status_code == 302
    created.refresh_from_db()
    assert str(created.abolished_on) == "2031-01-01"
    assert client.post(f"/knowledge/documents/{created.pk}/delete/").status_code == 302
    assert not Document.objects.filter(pk=created.pk).exists()


def test_the_form_checks_dates_and_numbers(tree, login):
    client = login(tree.county_a_admin)
    response = client.post(
        "/knowledge/documents/add/",
        {**ENTRY, "number": "GB 37822－2019", "effective_on": "2029-01-01", "abolished_on": "2028-01-01"},
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["effective_on"] and form.errors["abolished_on"]
    response = client.post("/knowledge/documents/add/", {**ENTRY, "number": "GB 37822－2019"})
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["number"]  # a duplicate, once normalised


def test_the_api_lets_a_bureau_write_and_an_enterprise_only_read(tree):
    enterprise, bureau = APIClient(), APIClient()
    enterprise.force_authenticate(tree.ent_a1_admin)
    bureau.force_authenticate(tree.county_a_admin)
    body = {**ENTRY, "abolished_on": None, "issued_on": "2030-01-02", "effective_on": "2030-03-01"}
    assert enterprise.post("/api/knowledge/documents/", body, format="json").status_code == 403
    response = bureau.post("/api/knowledge/documents/", body, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["number"] == "HJ 8888-2030"


def test_a_bureau_attaches_the_standard_text_and_everyone_downloads_it(tree, client, login):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from lantian.core.models import Attachment

    obj = gb37822()
    pdf = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
    bureau = login(tree.county_a_admin)
    response = bureau.post(
        f"/core/objects/knowledge/document/{obj.pk}/attachments/",
        {"file": SimpleUploadedFile("GB37822-2019.pdf", pdf, content_type="application/pdf")},
    )
    assert response.status_code == 302
    (attachment,) = Attachment.objects.all()
    client.logout()
    enterprise = login(tree.ent_a1_admin)
    assert "GB37822-2019.pdf" in enterprise.get(obj.get_absolute_url()).content.decode()
    download = enterprise.get(f"/core/attachments/{attachment.pk}/")
    assert download.status_code == 200 and b"".join(download.streaming_content) == pdf
