"""One generic viewset for every registered model (ARCHITECTURE rules 1 and 2).

Rows come from ``restrict(user, action)`` with the action of the HTTP method, so a row outside the
user's scope is 404. Lists are narrowed by the registration's filterset and ordered like its table.
Writes are bound to the registration's form, saved in a transaction, re-checked against the scope
and rolled back if they left it, exactly like ``ObjectEditView.post``.
"""

from __future__ import annotations

import contextvars
import json
from collections.abc import Mapping

from auditlog.context import set_actor
from axes.helpers import get_client_ip_address
from django import forms
from django.core.exceptions import NON_FIELD_ERRORS
from django.db import transaction
from django.db.models import ProtectedError
from django.http import QueryDict
from django.shortcuts import get_object_or_404
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import mixins, status, viewsets
from rest_framework.exceptions import APIException, MethodNotAllowed, PermissionDenied, ValidationError
from rest_framework.filters import BaseFilterBackend
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.settings import api_settings

from lantian.core.api.permissions import RegisteredModelPermission, method_action
from lantian.core.api.schema import RegisteredAutoSchema
from lantian.core.api.serializers import serializer_for
from lantian.core.registry import Registration
from lantian.core.review import locked_reason
from lantian.core.views.generic import ObjectListView, OutOfScope, still_in_scope


class Pagination(PageNumberPagination):
    """``page`` and ``page_size`` (at most 1000); by default the list page's 50 rows."""

    page_size = ObjectListView.paginate_by
    page_size_query_param = "page_size"
    max_page_size = 1000


class TableOrdering(BaseFilterBackend):
    """``ordering=<column>`` (``-<column>`` descending) over the table's sortable columns; otherwise
    the table's default order. The same order as the list page's ``sort``."""

    param = "ordering"

    def filter_queryset(self, request, queryset, view):
        registration = view.registration
        return registration.table(registration.model, sort=request.query_params.get(self.param)).order(
            queryset
        )

    def get_schema_operation_parameters(self, view):
        registration = view.registration
        columns = sorted(registration.table(registration.model).sortable_accessors())
        return [
            {
                "name": self.param,
                "in": "query",
                "required": False,
                "description": _("Sort by this column; a leading minus sorts descending."),
                "schema": {"type": "string", "enum": [*columns, *(f"-{column}" for column in columns)]},
            }
        ]


class Conflict(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"


class RegisteredViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The endpoints of one registration. ``routers`` makes a subclass per registered model and binds
    only the actions its registration enables; any other method is 405."""

    registration: Registration = None
    lookup_value_converter = "int"
    http_method_names = ["get", "post", "put", "patch", "delete", "head"]
    permission_classes = [RegisteredModelPermission]
    filter_backends = [DjangoFilterBackend, TableOrdering]
    pagination_class = Pagination
    schema = RegisteredAutoSchema()

    def initial(self, request, *args, **kwargs):
        if self.action is None:  # a method this registration does not enable here
            raise MethodNotAllowed(request.method)
        super().initial(request, *args, **kwargs)

    def restricted(self):
        """The rows the user may take this request's action on."""
        return self.registration.model.objects.restrict(self.request.user, method_action(self.request.method))

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema generator has no user
            return self.registration.model.objects.none()
        return self.get_serializer_class().optimize(self.restricted())

    def get_object(self, queryset=None):
        # Filters narrow lists only: a row is found by its key within scope, or is 404.
        return get_object_or_404(self.get_queryset() if queryset is None else queryset, pk=self.kwargs["pk"])

    def create(self, request, *args, **kwargs):
        obj = self.write(None, request.data)
        data = self.get_serializer(obj).data
        headers = {"Location": data["url"]} if data["url"] else {}
        return Response(data, status=status.HTTP_201_CREATED, headers=headers)

    def update(self, request, *args, partial=False, **kwargs):
        obj = self.write(refuse_locked(self.get_object()), request.data, partial=partial)
        return Response(self.get_serializer(obj).data)

    def partial_update(self, request, *args, **kwargs):
        return self.update(request, *args, partial=True, **kwargs)

    def destroy(self, request, *args, **kwargs):
        def delete():
            with transaction.atomic():
                obj = refuse_locked(self.get_object(self.restricted().select_for_update()))
                try:
                    with transaction.atomic():
                        obj.delete()
                except ProtectedError:
                    raise Conflict(
                        _("%(object)s is still in use and cannot be deleted.") % {"object": obj}
                    ) from None

        self.as_actor(delete)
        return Response(status=status.HTTP_204_NO_CONTENT)

    def write(self, instance, body, partial: bool = False):
        """Create (``instance`` None) or change a row through the registration's form, or raise.

        The form starts from the row's current values for PATCH and from the model's defaults for
        POST and PUT (as an empty add page would); the body's fields replace them.
        """
        registration, user = self.registration, self.request.user
        action = "change" if instance is not None else "add"
        target = instance if instance is not None else registration.model()
        unbound = registration.form(instance=target, user=user, action=action)
        defaults = (
            unbound
            if partial or instance is None
            else registration.form(instance=registration.model(), user=user, action=action)
        )
        data = form_data(unbound, defaults, body)
        form = registration.form(
            data=data, files=self.request.FILES, instance=target, user=user, action=action
        )
        if not form.is_valid():
            raise ValidationError(form_errors(form))

        def save():
            with transaction.atomic():
                obj = form.save()
                if not still_in_scope(user, registration.model, [obj.pk], action):
                    raise OutOfScope
            return obj

        try:
            return self.as_actor(save)
        except OutOfScope:
            raise PermissionDenied(
                _("You may not save this object there: it would be outside your scope.")
            ) from None

    def as_actor(self, write):
        """Run ``write`` with the request's user as the change log's actor.

        Auditlog's middleware reads ``request.user`` before DRF authenticates a token, so a
        token-authenticated write would be logged without its actor. ``set_actor`` runs in a copied
        context so that it does not replace the middleware's own auditlog context, which the
        middleware must find again to disconnect its signal receiver when the request ends.
        """
        request = self.request

        def run():
            with set_actor(request.user, remote_addr=get_client_ip_address(request._request)):
                return write()

        return contextvars.copy_context().run(run)


def form_data(form: forms.BaseForm, defaults: forms.BaseForm, body) -> MultiValueDict:
    """Data for the fields of the unbound ``form``: the body's values where given, else the values of
    the unbound ``defaults`` form (the row's current values, or the model's defaults).

    A JSON body gives a list for a multi-valued field (many-to-many: a list of primary keys), a
    primary key for a relation and null for "empty". A form-encoded or multipart body is taken as is.
    """
    if not isinstance(body, Mapping):
        raise ValidationError({api_settings.NON_FIELD_ERRORS_KEY: [_("Send a JSON object.")]})
    data, errors = MultiValueDict(), {}
    for name, field in form.fields.items():
        if isinstance(field, forms.FileField):
            continue  # uploads come in request.FILES
        multiple = getattr(field.widget, "allow_multiple_selected", False)
        if isinstance(body, QueryDict) and name in body:
            data.setlist(name, body.getlist(name))
            continue
        if name not in body:
            value = defaults[name].value() if name in defaults.fields else None
        else:
            value = body[name]
            if isinstance(field, forms.JSONField):
                value = json.dumps(value)
            elif multiple and not isinstance(value, list | type(None)):
                errors[name] = [_("Expected a list of values.")]
            elif not multiple and isinstance(value, list | dict):
                errors[name] = [_("Expected a single value, not a list or an object.")]
        if value is None:
            data.setlist(name, [] if multiple else [""])
        else:
            data.setlist(name, list(value) if multiple else [value])
    if errors:
        raise ValidationError(errors)
    return data


def form_errors(form: forms.BaseForm) -> dict[str, list[str]]:
    """The form's errors keyed by field, the form-wide ones under ``non_field_errors``."""
    return {
        (api_settings.NON_FIELD_ERRORS_KEY if name == NON_FIELD_ERRORS else name): list(messages)
        for name, messages in form.errors.items()
    }


def viewset_for(registration: Registration) -> type[RegisteredViewSet]:
    return type(
        f"{registration.model.__name__}ViewSet",
        (RegisteredViewSet,),
        {
            "registration": registration,
            "serializer_class": serializer_for(registration),
            "filterset_class": registration.filterset,
            "__module__": __name__,
            "__doc__": "",
        },
    )


def refuse_locked(obj):
    """An object under review or approved is read-only: 409 with the reason, as the pages say it."""
    reason = locked_reason(obj)
    if reason:
        raise Conflict(reason)
    return obj
