"""The standard tests of every registered model, generated from tests/generic.py cases."""

import io
from types import SimpleNamespace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from python_calamine import CalamineWorkbook

from lantian.core.registry import OBJECT_ACTIONS, registration_for
from lantian.core.scope import permission_name
from tests.conftest import make_user
from tests.generic import registered_cases, sample_filter_value

pytestmark = pytest.mark.django_db
CASES = registered_cases()


def by_id(case):
    return case.id


def page_urls(registration, obj):
    """(action, url) of every page the registration has, for ``obj`` where the action is per object."""
    return [(action, registration.url(action, obj)) for action in sorted(registration.actions)]


def xlsx_rows(response) -> list[list]:
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return CalamineWorkbook.from_filelike(io.BytesIO(response.content)).get_sheet_by_index(0).to_python()


@pytest.mark.parametrize("case", CASES, ids=by_id)
def test_every_page_needs_login(tree, client, case):
    for action, url in page_urls(registration_for(case.model), case.obj(tree)):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/login/"), action


@pytest.mark.parametrize("case", CASES, ids=by_id)
def test_every_page_is_forbidden_without_permission(tree, login, case):
    nobody = make_user("nobody", tree.county_a, "ops_staff")
    nobody.roles.clear()
    client = login(nobody)
    for action, url in page_urls(registration_for(case.model), case.obj(tree)):
        assert client.get(url).status_code == 403, action


@pytest.mark.parametrize("case", CASES, ids=by_id)
def test_member_sees_the_object_in_list_detail_and_export(tree, login, case):
    registration, obj = registration_for(case.model), case.obj(tree)
    client = login(getattr(tree, case.member))
    listing = client.get(registration.url("list"))
    assert listing.status_code == 200
    assert (
        obj.pk in {row["object"].pk for row in listing.context["rows"]}
        or listing.context["page_obj"].has_next()
    )
    if "detail" in registration.actions:
        assert client.get(registration.url("detail", obj)).status_code == 200
    rows = xlsx_rows(client.get(registration.url("export")))
    if registration.importer is None:  # an importable model exports its import's columns first:
        assert rows[0] == [h["label"] for h in listing.context["headers"]]  # test_export_round_trip.py
    assert len(rows) - 1 == listing.context["page_obj"].paginator.count


@pytest.mark.parametrize("case", [c for c in CASES if c.outsider], ids=by_id)
def test_a_user_of_another_organization_gets_404(tree, login, case):
    registration, obj = registration_for(case.model), case.obj(tree)
    outsider = getattr(tree, case.outsider)
    client = login(outsider)
    for action in sorted(registration.actions & OBJECT_ACTIONS):
        permitted = outsider.has_perm(permission_name(case.model, registration.permission_action(action)))
        status = client.get(registration.url(action, obj)).status_code
        assert status == (404 if permitted else 403), action
    listing = client.get(registration.url("list"))
    assert obj.pk not in {row["object"].pk for row in listing.context["rows"]}
    exported = xlsx_rows(client.get(registration.url("export")))
    assert len(exported) - 1 == listing.context["page_obj"].paginator.count


@pytest.mark.parametrize("case", CASES, ids=by_id)
def test_every_filter_answers(tree, login, case):
    registration = registration_for(case.model)
    if registration.filterset is None:
        return
    member = getattr(tree, case.member)
    form = registration.filterset(
        {}, queryset=case.model.objects.none(), request=SimpleNamespace(user=member)
    ).form
    client = login(member)
    for name, field in form.fields.items():
        value = sample_filter_value(field)
        response = client.get(registration.url("list"), {name: value})
        assert response.status_code == 200, name
        assert not response.context["filterset"].errors, (name, value, response.context["filterset"].errors)


@pytest.mark.parametrize("case", CASES, ids=by_id)
def test_no_column_is_missing_its_filter(case):
    registration = registration_for(case.model)
    table = registration.table(case.model)
    filterset = registration.filterset
    filters = set()
    if filterset is not None:
        filters = set(filterset.base_filters) | {f.field_name for f in filterset.base_filters.values()}
        filters |= set(getattr(filterset, "search_fields", ()))  # text columns are found by the search box
    missing = []
    for column in table.columns:
        field = column.field(case.model)
        first = column.accessor.split("__")[0]
        if (
            field is None
            or column.accessor in case.unfiltered
            or first in filters
            or column.accessor in filters
        ):
            continue
        missing.append(column.accessor)
    assert missing == [], (
        f"{case.id}: columns without a filter (add one, or list them in the case's unfiltered)"
    )


@pytest.mark.parametrize("case", [c for c in CASES if c.more], ids=by_id)
def test_list_query_count_does_not_grow_with_rows(tree, login, case):
    registration = registration_for(case.model)
    client = login(getattr(tree, case.member))
    case.more(tree, 1)  # at least one row, so the baseline runs every per-page query
    client.get(registration.url("list"))  # warm caches (content types, permissions)
    with CaptureQueriesContext(connection) as few:
        client.get(registration.url("list"))
    case.more(tree, 15)
    with CaptureQueriesContext(connection) as many:
        response = client.get(registration.url("list"))
    assert response.context["page_obj"].paginator.count >= 15
    assert len(many) <= len(few), [q["sql"] for q in many.captured_queries]


@pytest.mark.parametrize("case", [c for c in CASES if registration_for(c.model).importer], ids=by_id)
def test_import_template_and_a_bad_file(tree, login, case):
    """Every importable model: the template's headers are what the import reads back, an unknown
    column and a file without rows are reported, and nothing is written."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    registration = registration_for(case.model)
    client = login(tree.admin)
    template = client.get(registration.url("import_template"))
    headers = xlsx_rows(template)[0]
    assert headers and all(isinstance(h, str) and h for h in headers)
    count = case.model.objects.count()

    columns = [h.rstrip("*") for h in headers]

    def upload(content: str):
        file = SimpleUploadedFile("rows.csv", content.encode("utf-8"), content_type="text/csv")
        response = client.post(registration.url("import"), {"file": file, "dry_run": ""})
        assert response.status_code == 200
        return response.context

    unknown = upload(",".join([*columns, "不存在的列"]) + "\n" + ",".join(["x"] * (len(columns) + 1)) + "\n")
    assert [e.column for e in unknown["result"].errors][:1] == ["不存在的列"]
    empty = upload(",".join(columns) + "\n")
    said = [*empty["form"].errors.get("file", [])] + [
        e.message for e in getattr(empty.get("result"), "errors", [])
    ]
    assert said == ["文件中没有数据。"]
    assert case.model.objects.count() == count
