"""What the API shows of a registered model: one ModelSerializer generated per registration.

Fields: ``id``, ``url``, ``display`` (the row as text), then the model fields of the registration's
form, detail page and table; each relation as primary keys plus a read-only ``<name>_brief``
(``{id, display, url}``). Form fields that are not model fields (a new account's initial password)
are write-only. The password hash never appears.

These serializers only represent rows and document the schema: writes are validated by the
registration's form (see ``viewsets``), so no rule is written twice.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from lantian.core.api import object_url
from lantian.core.registry import Registration

HIDDEN_FIELDS = frozenset({"password"})

# form field → serializer field, for form-only (write-only) fields; anything else is text
FORM_ONLY_FIELDS = {
    forms.BooleanField: serializers.BooleanField,
    forms.IntegerField: serializers.IntegerField,
    forms.DecimalField: serializers.DecimalField,
    forms.DateField: serializers.DateField,
}


@extend_schema_field(OpenApiTypes.URI)
class ApiUrlField(serializers.Field):
    """The API URL of the object itself (null if its model has no detail endpoint)."""

    def __init__(self, **kwargs):
        super().__init__(source="*", read_only=True, allow_null=True, **kwargs)

    def to_representation(self, value):
        return object_url(value, self.context.get("request"))


class BriefSerializer(serializers.Serializer):
    """A related row in brief, so a client need not fetch it to show it."""

    id = serializers.IntegerField(source="pk", read_only=True)
    display = serializers.CharField(source="__str__", read_only=True)
    url = ApiUrlField()

    class Meta:
        ref_name = "Brief"


class RegisteredSerializer(serializers.ModelSerializer):
    url = ApiUrlField()
    display = serializers.CharField(source="__str__", read_only=True)

    joins: tuple[str, ...] = ()  # foreign keys shown, loaded with select_related
    prefetches: tuple[str, ...] = ()  # many-to-many fields shown, loaded with prefetch_related

    @classmethod
    def optimize(cls, queryset):
        """Load every relation the serializer shows in the same few queries, whatever the page size."""
        if cls.joins:
            queryset = queryset.select_related(*cls.joins)
        return queryset.prefetch_related(*cls.prefetches) if cls.prefetches else queryset


def _model_field(model: type[models.Model], name: str) -> models.Field | None:
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return None
    forward = field.concrete or (field.many_to_many and not field.auto_created)
    return field if forward and name not in HIDDEN_FIELDS else None


def shown_fields(registration: Registration) -> list[str]:
    """Model fields shown anywhere for the registration: form, detail page, table; in that order."""
    model = registration.model
    candidates = [
        *(registration.form.base_fields if registration.form else ()),
        *registration.detail_fields,
        *(column.accessor.split("__")[0] for column in registration.table.columns),
    ]
    return [name for name in dict.fromkeys(candidates) if _model_field(model, name) is not None]


def _form_only_field(field: forms.Field) -> serializers.Field:
    kind = next(
        (s for f, s in FORM_ONLY_FIELDS.items() if isinstance(field, f)),
        serializers.CharField,
    )
    options = {"write_only": True, "required": False, "label": field.label, "help_text": field.help_text}
    if kind is serializers.DecimalField:
        options.update(max_digits=field.max_digits, decimal_places=field.decimal_places)
    if isinstance(field.widget, forms.PasswordInput):
        options["style"] = {"input_type": "password"}
    return kind(**options)


_serializers: dict[type[models.Model], type[RegisteredSerializer]] = {}


def serializer_for(registration: Registration) -> type[RegisteredSerializer]:
    model = registration.model
    if model in _serializers:
        return _serializers[model]
    form_fields = dict(registration.form.base_fields) if registration.form else {}
    names = shown_fields(registration)
    attrs, fields, joins, prefetches = {}, ["id", "url", "display"], [], []
    for name in names:
        fields.append(name)
        field = _model_field(model, name)
        if field.is_relation:
            (prefetches if field.many_to_many else joins).append(name)
            attrs[f"{name}_brief"] = BriefSerializer(
                source=name, read_only=True, many=field.many_to_many, allow_null=field.null
            )
            fields.append(f"{name}_brief")
    for name, form_field in form_fields.items():
        if _model_field(model, name) is None and name not in HIDDEN_FIELDS:
            attrs[name] = _form_only_field(form_field)
            fields.append(name)
    attrs["Meta"] = type(
        "Meta",
        (),
        {
            "model": model,
            "fields": fields,
            "read_only_fields": [name for name in names if name not in form_fields],
            # Writes go through the form; the schema says which fields it requires.
            "extra_kwargs": {
                name: {"required": form_fields[name].required} for name in names if name in form_fields
            },
            "ref_name": f"{registration.app_label.title()}{model.__name__}",
        },
    )
    attrs.update(joins=tuple(joins), prefetches=tuple(prefetches), __module__=__name__)
    serializer = type(f"{model.__name__}Serializer", (RegisteredSerializer,), attrs)
    _serializers[model] = serializer
    return serializer
