"""Control characters are refused in every text field of every registered model (issue 11.3), through
the edit page, the API and the import, with an error naming the field; multi-line fields keep their
line breaks (as LF) and tabs."""

import csv
import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from python_calamine import CalamineWorkbook

from lantian.core.api import object_url
from lantian.core.forms import current_data
from lantian.core.registry import registration_for
from lantian.core.validators import NoControlCharacters
from tests.core.editing import editor, snapshot, tried
from tests.generic import registered_cases

pytestmark = pytest.mark.django_db

# ESC, BEL, RIGHT-TO-LEFT OVERRIDE, SOH, STX (the row of the report), then DEL, a C1 control (NEL),
# LEFT-TO-RIGHT ISOLATE; tab only where a field is single-line.
HOSTILE = ["\x1b", "\x07", "\u202e", "\x01", "\x02", "\x7f", "\x85", "\u2066"]


def text_fields(registration, form) -> list[tuple[str, models.Field]]:
    """The model's free-text fields the edit form lets the user change."""
    found = []
    for name, form_field in form.fields.items():
        field = next((f for f in registration.model._meta.concrete_fields if f.name == name), None)
        text = isinstance(field, models.CharField | models.TextField) and not field.choices
        if text and not form_field.disabled:
            found.append((name, field))
    return found


def bad_value(field: models.Field, index: int) -> str:
    characters = HOSTILE if isinstance(field, models.TextField) else [*HOSTILE, "\t"]
    # Inside the text: a form strips whitespace (NEL among it) from both ends.
    return f"苯{characters[index % len(characters)]}甲"[: field.max_length or 10]


def says_control_character(messages, field) -> bool:
    return any("U+" in str(m) and str(field.verbose_name).lower() in str(m).lower() for m in messages)


CASES = [c for c in registered_cases() if "edit" in registration_for(c.model).actions]


def test_every_text_field_of_every_registered_model_carries_the_rule():
    from lantian.core.registry import registrations

    for registration in registrations():
        for field in registration.model._meta.concrete_fields:
            if isinstance(field, models.CharField | models.TextField):
                assert any(isinstance(v, NoControlCharacters) for v in field.validators), field


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_the_edit_page_and_the_api_refuse_control_characters(tree, login, case):
    registration, obj = registration_for(case.model), case.obj(tree)
    client, user = editor(tree, case, obj, login)
    form = registration.form(instance=obj, user=user, action="change")
    fields = text_fields(registration, form)
    api_url = object_url(obj) if registration.api else None
    before = snapshot(obj)
    for index, (name, field) in enumerate(fields):
        value = bad_value(field, index)
        data = current_data(form)
        data.setlist(name, [value])
        page = client.post(registration.url("edit", obj), data)
        assert page.status_code == 200, (case.id, name, repr(value))
        assert says_control_character(page.context["form"].errors.get(name, []), field), (case.id, name)
        if api_url:
            response = client.patch(api_url, json.dumps({name: value}), content_type="application/json")
            assert response.status_code == 400, (case.id, name, response.content[:300])
            assert says_control_character(response.json().get(name, []), field), (case.id, name)
        assert snapshot(obj) == before, (case.id, name)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_multi_line_fields_keep_line_breaks_and_tabs(tree, login, case):
    registration, obj = registration_for(case.model), case.obj(tree)
    client, user = editor(tree, case, obj, login)
    form = registration.form(instance=obj, user=user, action="change")
    for name, field in text_fields(registration, form):
        if not isinstance(field, models.TextField):
            continue
        data = current_data(form)
        data.setlist(name, ["第一行\r\n第二行\t备注"])

        def save(data=data, name=name):
            client.post(registration.url("edit", obj), data)
            return snapshot(obj)[name]

        # The browser's CRLF is stored as LF (lantian.core.forms.plain_line_breaks); the tab is kept.
        assert tried(save) == "第一行\n第二行\t备注", (case.id, name)


IMPORTED = [c for c in CASES if registration_for(c.model).importer]


@pytest.mark.parametrize("case", IMPORTED, ids=lambda c: c.id)
def test_the_import_refuses_control_characters_in_the_column_of_the_field(tree, login, case):
    """The list exported, a text column filled with a control character in every row, imported back:
    the column is reported and nothing changes."""
    registration = registration_for(case.model)
    case.obj(tree)
    client = login(tree.admin)
    exported = client.get(registration.url("export"))
    rows = CalamineWorkbook.from_filelike(io.BytesIO(exported.content)).get_sheet_by_index(0).to_python()
    headers = [str(h).rstrip("*") for h in rows[0]]
    columns = [
        c
        for c in registration.importer.columns(case.model)
        if isinstance(c.field, models.CharField | models.TextField) and not c.field.choices
        and not c.spec.secret and c.header in headers
    ]  # fmt: skip
    assert columns, f"{case.id}: no text column to import"
    before = {o.pk: snapshot(o) for o in case.model.objects.all()}
    for index, column in enumerate(columns):
        value = bad_value(column.field, index)
        position = headers.index(column.header)
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(rows[0])
        for row in rows[1:]:
            writer.writerow([value if i == position else cell for i, cell in enumerate(row)])
        upload = SimpleUploadedFile("rows.csv", out.getvalue().encode("utf-8"), content_type="text/csv")
        response = client.post(registration.url("import"), {"file": upload, "dry_run": ""})
        assert response.status_code == 200
        errors = [e for e in response.context["result"].errors if e.column == column.header]
        assert says_control_character([e.message for e in errors], column.field), (case.id, column.header)
        assert {o.pk: snapshot(o) for o in case.model.objects.all()} == before, case.id
