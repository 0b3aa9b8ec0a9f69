"""An edit page saved unchanged leaves its object unchanged (issue 12.2), for every registered model.

The object has every field its form edits filled; the page is read as a browser reads it (an
``<input type=date>`` whose value is not ISO shows blank and posts nothing) and posted back.
"""

import datetime
import re
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from django import forms
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models
from django.utils import timezone

from lantian.core.registry import registration_for
from tests.core.editing import editor, snapshot
from tests.generic import registered_cases

pytestmark = pytest.mark.django_db

# The value sanitisation of the HTML standard: a value that does not parse is the empty string.
VALID_VALUE = {
    "date": re.compile(r"\d{4}-\d{2}-\d{2}"),
    "datetime-local": re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?"),
    "time": re.compile(r"\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?"),
    "number": re.compile(r"-?(\d+|\d*\.\d+)([eE][-+]?\d+)?"),
}
NOT_SUBMITTED = {"submit", "button", "image", "reset", "file"}


class BrowserForm(HTMLParser):
    """The data a browser submits for the page's edit form (``<form method=post novalidate>``)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.data: dict[str, list[str]] = {}
        self.inside = False
        self.select = None  # (name, multiple, [(value, selected)]) while inside a <select>
        self.option = None
        self.textarea = None  # (name, [text])

    def add(self, name, value):
        self.data.setdefault(name, []).append(value)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and attrs.get("method") == "post" and "novalidate" in attrs:
            self.inside = True
        if not self.inside or "disabled" in attrs or tag not in {"input", "select", "option", "textarea"}:
            if tag == "option" and self.select is not None:  # a disabled option
                self.option = None
            return
        name = attrs.get("name")
        if tag == "input" and name:
            kind = attrs.get("type", "text").lower()
            value = attrs.get("value", "")
            if kind in NOT_SUBMITTED:
                return
            if kind in {"checkbox", "radio"}:
                if "checked" in attrs:
                    self.add(name, attrs.get("value", "on"))
                return
            if kind in VALID_VALUE and not VALID_VALUE[kind].fullmatch(value):
                value = ""
            elif kind != "hidden":
                value = value.replace("\r", "").replace("\n", "")
            self.add(name, value)
        elif tag == "select" and name:
            self.select = (name, "multiple" in attrs, [])
        elif tag == "option" and self.select is not None:
            self.option = [attrs.get("value"), "selected" in attrs, []]
            self.select[2].append(self.option)
        elif tag == "textarea" and name:
            self.textarea = (name, [])

    def handle_data(self, data):
        if self.textarea is not None:
            self.textarea[1].append(data)
        elif self.option is not None:
            self.option[2].append(data)

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "textarea" and self.textarea is not None:
            name, parts = self.textarea
            text = "".join(parts)
            self.add(name, (text[1:] if text.startswith("\n") else text).replace("\n", "\r\n"))
            self.textarea = None
        elif tag == "option":
            self.option = None
        elif tag == "select" and self.select is not None:
            name, multiple, options = self.select
            values = [(v if v is not None else "".join(t).strip()) for v, chosen, t in options if chosen]
            if not values and not multiple and options:
                value, _chosen, text = options[0]
                values = [value if value is not None else "".join(text).strip()]
            self.data.setdefault(name, []).extend(values)
            self.select = None


def browser_post_data(html: str) -> dict[str, list[str]]:
    parser = BrowserForm()
    parser.feed(html)
    return parser.data


def candidates(field: models.Field, form_field, index: int) -> list:
    """Values to try for an empty model field; dates increase in field order (start before end)."""
    day = datetime.date(2025, 3, 1) + datetime.timedelta(days=index)
    if field.is_relation:
        return [o.pk for o in form_field.queryset[:5]]
    if field.choices:
        return [value for value, _label in field.flatchoices if value not in ("", None)][:3]
    # Seconds, so that a widget rendering minutes only (and so saving a changed time) is caught.
    if isinstance(field, models.DateTimeField):
        return [timezone.make_aware(datetime.datetime.combine(day, datetime.time(8, 30, 15)))]
    if isinstance(field, models.DateField):
        return [day]
    if isinstance(field, models.TimeField):
        return [datetime.time(8, 30, 15)]
    if isinstance(field, models.BooleanField):
        return [True]
    if isinstance(field, models.IntegerField | models.DecimalField | models.FloatField):
        return [1, 10, Decimal("1.5")]
    if isinstance(field, models.EmailField):
        return ["lantian@example.com"]
    if isinstance(field, models.URLField):
        return ["https://example.com/"]
    if isinstance(field, models.CharField | models.TextField):
        return ["测试内容", "13800138000", "A001", "1"]
    return []


def fill_every_field(obj, form) -> list[str]:
    """Fill each empty field the form edits with a value its model field accepts; the names left empty."""
    empty = []
    for index, (name, form_field) in enumerate(form.fields.items()):
        try:
            field = obj._meta.get_field(name)
        except FieldDoesNotExist:
            continue
        if form_field.disabled or isinstance(field, models.FileField):
            continue
        if field.many_to_many:
            if not getattr(obj, name).exists() and form_field.queryset.exists():
                getattr(obj, name).add(form_field.queryset.first())
            continue
        if getattr(obj, field.attname) not in (None, ""):
            continue
        for value in candidates(field, form_field, index):
            try:
                setattr(obj, field.attname, field.clean(value, obj))
                break
            except ValidationError:
                continue
        else:
            empty.append(name)
    obj.save()
    return empty


CASES = [c for c in registered_cases() if "edit" in registration_for(c.model).actions]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_an_edit_page_saved_unchanged_changes_nothing(tree, login, case):
    registration, obj = registration_for(case.model), case.obj(tree)
    client, user = editor(tree, case, obj, login)
    form = registration.form(instance=obj, user=user, action="change")
    left_empty = fill_every_field(obj, form)
    dated = [n for n, f in form.fields.items() if isinstance(f.widget, forms.DateInput | forms.DateTimeInput)]
    assert not set(dated) & set(left_empty), (case.id, left_empty)
    before = snapshot(obj)
    url = registration.url("edit", obj)
    page = client.get(url)
    assert page.status_code == 200
    data = browser_post_data(page.content.decode())
    for name in dated:
        if not form.fields[name].disabled:
            assert data.get(name, [""])[0], f"{case.id}: {name} is rendered blank for the browser"
    response = client.post(url, data)
    assert response.status_code == 302, (case.id, response.context and response.context["form"].errors)
    assert snapshot(obj) == before, case.id
