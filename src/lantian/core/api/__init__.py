"""The REST API of the registered models (docs/api.md).

Every registration with ``api=True`` gets ``/api/<app_label>/<model_name>s/`` and
``/api/<app_label>/<model_name>s/<pk>/`` with the same scope, filters and form as its pages. URL names
are ``api:<app_label>-<model_name>-list`` and ``api:<app_label>-<model_name>-detail``.
"""

from django.urls import reverse

from lantian.core.registry import Registration, registration_for


def basename(registration: Registration) -> str:
    return f"{registration.app_label}-{registration.model_name}"


def has_detail(registration: Registration | None) -> bool:
    return registration is not None and registration.api and "detail" in registration.actions


def object_url(obj, request=None) -> str | None:
    """The API URL of ``obj`` (absolute when a request is given), or None if its model has no endpoint."""
    registration = registration_for(obj)
    if not has_detail(registration):
        return None
    url = reverse(f"api:{basename(registration)}-detail", args=[obj.pk])
    return request.build_absolute_uri(url) if request is not None else url
