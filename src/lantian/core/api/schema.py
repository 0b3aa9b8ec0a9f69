"""OpenAPI documentation of the registered models' endpoints: one tag per model, a summary per action."""

import copy

from django.utils.translation import gettext as _
from django_filters import ModelChoiceFilter
from drf_spectacular.contrib.django_filters import DjangoFilterExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import build_basic_type, build_parameter_type
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter


class FilterExtension(DjangoFilterExtension):
    """Documents a filterset's filters without touching them, and also documents a model-choice
    filter that works through a method (e.g. the organisations "within" a given one): its value is
    the chosen row's primary key."""

    priority = 1

    def resolve_filter_field(self, auto_schema, model, filterset_class, field_name, filter_field):
        # drf-spectacular reads ``filter_field.field`` of the filterset's class-level filters, and
        # django-filter caches that form field on the filter. Built outside any filterset, it has no
        # label and the default empty choice, and every later filterset's deep copy would reuse it:
        # list pages would show "Kind" instead of 类型 for every user. Document a copy instead.
        filter_field = copy.deepcopy(filter_field)
        if isinstance(filter_field, ModelChoiceFilter) and filter_field.method:
            return [
                build_parameter_type(
                    name=field_name,
                    required=filter_field.extra["required"],
                    location=OpenApiParameter.QUERY,
                    description=str(filter_field.label or ""),
                    schema=build_basic_type(OpenApiTypes.INT),
                )
            ]
        return super().resolve_filter_field(auto_schema, model, filterset_class, field_name, filter_field)


class RegisteredAutoSchema(AutoSchema):
    def _names(self) -> dict[str, str]:
        meta = self.view.registration.model._meta
        return {"model": str(meta.verbose_name), "models": str(meta.verbose_name_plural)}

    def get_tags(self):
        return [self._names()["models"]]

    def get_summary(self):
        summaries = {
            "list": _("List %(models)s"),
            "retrieve": _("Show one %(model)s"),
            "create": _("Create a %(model)s"),
            "update": _("Replace a %(model)s"),
            "partial_update": _("Change fields of a %(model)s"),
            "destroy": _("Delete a %(model)s"),
        }
        return summaries[self.view.action] % self._names()

    def get_description(self):
        descriptions = {
            "list": _(
                "Only the rows your account may see. The filters are those of the list page; "
                "the same query string selects the same rows."
            ),
            "retrieve": _("404 if the row does not exist or lies outside your scope."),
            "create": _(
                "Validated by the same form as the add page; errors come back as 400 by field. "
                "Fields left out take their defaults."
            ),
            "update": _(
                "Validated by the same form as the edit page. Fields left out take their defaults; "
                "use PATCH to change only some fields."
            ),
            "partial_update": _(
                "Validated by the same form as the edit page; fields left out keep their values."
            ),
            "destroy": _("409 if the row is still in use."),
        }
        return descriptions[self.view.action]
