"""The generic list machinery: bulk edit and delete, column choice, htmx refresh, export and its job."""

import io

import pytest
from django.urls import reverse
from python_calamine import CalamineWorkbook

from lantian.core.excel.spec import read_only_header
from lantian.core.models import AccessEvent, Job, Organization, TablePreference
from tests.conftest import make_org

pytestmark = pytest.mark.django_db


def sheet(content: bytes) -> list[list]:
    return CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0).to_python()


def test_bulk_edit_sets_the_ticked_fields_on_every_selected_row(tree, login):
    client = login(tree.county_a_admin)
    url = reverse("core:organization_bulk_edit")
    pks = [tree.ent_a1.pk, tree.ent_a2.pk]
    form = client.post(url, {"pk": pks})
    assert form.status_code == 200 and "contact_person" in form.context["form"].fields
    response = client.post(
        url,
        {
            "pk": pks,
            "apply": "1",
            "_apply": ["contact_person"],
            "contact_person": "统一联系人",
            "name": "不应改名",
        },
    )
    assert response.status_code == 302
    assert set(Organization.objects.filter(pk__in=pks).values_list("contact_person", "name")) == {
        ("统一联系人", "甲一化工"), ("统一联系人", "甲二石化"),
    }  # fmt: skip


def test_bulk_edit_is_all_or_nothing(tree, login):
    client = login(tree.county_a_admin)
    pks = [tree.ent_a1.pk, tree.county_a.pk]  # the county bureau cannot be moved under its own enterprise
    client.post(
        reverse("core:organization_bulk_edit"),
        {
            "pk": pks,
            "apply": "1",
            "_apply": ["parent", "contact_person"],
            "parent": tree.ent_a2.pk,
            "contact_person": "X",
        },
    )
    assert not Organization.objects.filter(contact_person="X").exists()


def test_bulk_edit_ignores_rows_outside_scope(tree, login):
    client = login(tree.county_a_admin)
    client.post(
        reverse("core:organization_bulk_edit"),
        {"pk": [tree.ent_b1.pk], "apply": "1", "_apply": ["contact_person"], "contact_person": "越权"},
    )
    tree.ent_b1.refresh_from_db()
    assert tree.ent_b1.contact_person == ""


def test_bulk_delete_confirms_then_deletes_all_or_none(tree, login):
    a = make_org("待删一", Organization.Kind.DEPARTMENT, tree.county_a)
    b = make_org("待删二", Organization.Kind.DEPARTMENT, tree.county_a)
    client = login(tree.county_a_admin)
    url = reverse("core:organization_bulk_delete")
    confirm = client.post(url, {"pk": [a.pk, b.pk]})
    assert confirm.status_code == 200 and set(confirm.context["objects"]) == {a, b}
    # An enterprise with accounts is protected: nothing is deleted.
    client.post(url, {"pk": [a.pk, tree.ent_a1.pk], "confirm": "1"})
    assert Organization.objects.filter(pk=a.pk).exists()
    client.post(url, {"pk": [a.pk, b.pk], "confirm": "1"})
    assert not Organization.objects.filter(pk__in=[a.pk, b.pk]).exists()


def test_chosen_columns_are_kept_and_used_by_the_export(tree, login):
    client = login(tree.county_a_admin)
    url = reverse("core:organization_list")
    client.post(url, {"columns": ["credit_code", "name"]})
    assert TablePreference.objects.get(user=tree.county_a_admin).columns == ["credit_code", "name"]
    page = client.get(url)
    assert [h["label"] for h in page.context["headers"]] == ["统一社会信用代码", "名称"]
    rows = sheet(client.get(reverse("core:organization_export")).content)
    # the import's columns the choice shows, and those of the keys that find each row on re-import
    assert rows[0] == ["名称*", "上级单位", "统一社会信用代码"]
    everything = sheet(client.get(reverse("core:organization_export"), {"columns": "all"}).content)
    assert len(everything[0]) == len(page.context["table"].columns)
    client.post(url, {"reset": "1"})
    assert not TablePreference.objects.exists()


def test_export_keeps_the_filters_and_real_types(tree, login):
    client = login(tree.city_admin)
    response = client.get(reverse("core:organization_export"), {"kind": "enterprise", "columns": "all"})
    rows = sheet(response.content)
    header = rows[0]
    assert sorted(row[header.index("名称*")] for row in rows[1:]) == sorted(
        ["甲一化工", "甲二石化", "乙一热电"]
    )
    import datetime

    assert isinstance(rows[1][header.index(read_only_header("创建时间"))], datetime.datetime)
    assert AccessEvent.objects.filter(
        kind="export", user=tree.city_admin, detail__contains="kind=enterprise"
    ).exists()


def test_htmx_requests_get_only_the_table(tree, login):
    client = login(tree.county_a_admin)
    response = client.get(reverse("core:organization_list"), {"kind": "enterprise"}, HTTP_HX_REQUEST="true")
    assert response.templates[0].name == "generic/object_table.html"
    assert "<html" not in response.content.decode()


def test_a_large_export_runs_as_a_job_for_its_owner_only(tree, login, settings, client):
    settings.LANTIAN_EXPORT_INLINE_ROWS = 2
    client = login(tree.city_admin)
    response = client.get(reverse("core:organization_export"), {"kind": "enterprise"})
    job = Job.objects.get(owner=tree.city_admin)
    assert response["Location"] == job.get_absolute_url()
    assert (job.status, job.progress) == ("succeeded", 100)
    rows = sheet(b"".join(client.get(reverse("core:job_result", args=[job.pk])).streaming_content))
    assert len(rows) == 1 + 3
    client.post(reverse("logout"))
    other = login(tree.county_a_admin)
    assert other.get(job.get_absolute_url()).status_code == 404
    assert other.get(reverse("core:job_result", args=[job.pk])).status_code == 404


def test_a_failing_job_reports_its_error(tree):
    from lantian.core.jobs import start_job

    job = start_job(tree.city_admin, "broken", "tests.core.test_generic_views.broken_task", rows=3)
    assert job.status == "failed" and "3 rows are wrong" in job.message and job.errors == ["row 1", "row 2"]


def broken_task(run, rows):
    run.progress(1, rows)
    run.fail(f"{rows} rows are wrong", ["row 1", "row 2"])


def test_bulk_actions_never_return_to_another_site(tree, login):
    client = login(tree.county_a_admin)
    response = client.post(
        reverse("core:organization_bulk_delete"),
        {"pk": [tree.ent_b1.pk], "return_url": "https://evil.example/"},
    )
    assert response["Location"] == reverse("core:organization_list")
    confirm = client.post(
        reverse("core:organization_bulk_edit"), {"pk": [tree.ent_a1.pk], "return_url": "javascript:alert(1)"}
    )
    assert confirm.context["return_url"] == reverse("core:organization_list")
    kept = client.post(
        reverse("core:organization_bulk_edit"),
        {"pk": [tree.ent_a1.pk], "return_url": "/core/organizations/?kind=enterprise"},
    )
    assert kept.context["return_url"] == "/core/organizations/?kind=enterprise"
