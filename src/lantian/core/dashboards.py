"""Dashboards and big screens (大屏): pages of widgets fed by scoped JSON endpoints.

A module declares what a screen shows, and writes one function per JSON endpoint that counts in the
database through ``Model.objects.restrict(user, "view")``::

    from lantian.core.dashboards import BigScreenView, Widget, data_endpoint

    @data_endpoint("ldar.view_sealpoint")
    def seal_points(request):
        points = SealPoint.objects.restrict(request.user, "view")
        return {"kpis": [...], "by_type": {"categories": [...], "values": [...]}}

    class SealPointScreen(BigScreenView):
        title = _("Seal-point statistics")
        permission = "ldar.view_sealpoint"
        widgets = (
            Widget("kpis", _("Seal points"), "kpis", "ldar:screen_points_data", area="1 / 1 / 2 / 13"),
            Widget("by_type", _("By type"), "pie", "ldar:screen_points_data", area="2 / 1 / 4 / 7"),
        )

The big screen is a 1920×1080 stage with a dark theme, scaled to the window (a CSS transform, so the
layout is the same on every screen), refreshed every ``refresh_seconds`` and opened from the menu
in a new window (``MenuItem(..., new_window=True)``). ``static/core/js/bigscreen.js`` renders the
widgets with ECharts (charts), plain DOM (KPI cards, tables, notes) and Leaflet (maps), with no
inline script. Widgets with the same source share one request per refresh.

An endpoint answers only users with its permission (403 otherwise) and keeps its answer for
``ttl`` seconds per scope, permissions, language and query string, so that a wall of screens in
the same bureau costs one set of queries per refresh interval, and no user ever receives an answer
computed for another scope. A builder refuses bad parameters by raising ``BadParameter`` (400 with
the message).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from functools import wraps

from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.core.cache import cache
from django.http import JsonResponse
from django.urls import reverse
from django.utils.translation import get_language
from django.views.generic import TemplateView

from lantian.core.scope import scope_for

KINDS = frozenset({"kpis", "bar", "hbar", "stacked", "pie", "line", "table", "map", "note"})
STAGE_WIDTH, STAGE_HEIGHT = 1920, 1080
MAX_QUERY_LENGTH = 500  # a query string longer than this is not a screen's filter


class BadParameter(ValueError):
    """A request parameter an endpoint cannot use; its message says which and why."""


@dataclass(frozen=True)
class Widget:
    """One tile of a dashboard: ``kind`` says how ``source``'s JSON under ``key`` is drawn.

    Data shapes: ``kpis`` a list of ``{"label", "value", "unit"?, "attention"?}``; ``bar``/``hbar``/
    ``pie`` ``{"categories": [...], "values": [...], "colors": [...]?}``; ``stacked``/``line``
    ``{"categories": [...], "series": [{"name", "values"}]}``; ``table``
    ``{"columns": [...], "rows": [[...]]}``; ``map``
    ``{"points": [{"name", "lat", "lng", "color"?, "label"?}], "legend": [{"label", "color"}]}``;
    ``note`` a string or a list of strings.
    """

    key: str
    title: str
    kind: str
    source: str  # URL name of the JSON endpoint
    area: str  # CSS grid-area on the screen's 12-column, 6-row grid: "row / column / row-end / column-end"
    note: str = ""  # one line under the title, e.g. the rule a figure follows
    unit: str = ""  # the unit of the values, shown in tooltips and axis names
    empty: str = ""  # what an empty widget says instead of an empty chart

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"unknown widget kind {self.kind!r}; use one of {sorted(KINDS)}")

    @property
    def url(self) -> str:
        return reverse(self.source)


@dataclass(frozen=True)
class ScreenParam:
    """A control in the screen's header whose value every source receives as ``name=value``."""

    name: str
    label: str
    choices: tuple[tuple[str, str], ...]
    initial: str = ""


@dataclass
class ScreenContext:
    title: str
    subtitle: str
    widgets: tuple[Widget, ...]
    params: tuple[ScreenParam, ...] = ()
    refresh_seconds: int = 60
    sources: list[str] = field(default_factory=list)


class BigScreenView(LoginRequiredMixin, PermissionRequiredMixin, TemplateView):
    """A 1920×1080 dark big screen of ``widgets``; subclasses set the attributes below."""

    template_name = "core/dashboard/bigscreen.html"
    title = ""
    subtitle = ""  # e.g. the jurisdiction's name; ``get_subtitle`` may compute it
    widgets: tuple[Widget, ...] = ()
    refresh_seconds = 60
    raise_exception = True  # a user without the permission gets 403, not a login loop

    def get_permission_required(self):
        return (self.permission,)

    def get_params(self) -> tuple[ScreenParam, ...]:
        return ()

    def get_subtitle(self) -> str:
        organization = getattr(self.request.user, "organization", None)
        return self.subtitle or (str(organization) if organization else "")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["screen"] = ScreenContext(
            title=str(self.title),
            subtitle=self.get_subtitle(),
            widgets=self.widgets,
            params=self.get_params(),
            refresh_seconds=self.refresh_seconds,
            sources=sorted({widget.url for widget in self.widgets}),
        )
        context["stage"] = {"width": STAGE_WIDTH, "height": STAGE_HEIGHT}
        return context


def cache_key(name: str, request) -> str:
    """A key that differs whenever the answer could: the endpoint, the user's scope and permissions
    (``restrict`` checks both), the language (labels) and the query string (filters)."""
    user = request.user
    scope = scope_for(user)
    parts = [
        name,
        scope.everything,
        scope.own_paths,
        scope.linked_paths,
        sorted(user.get_all_permissions()),
        get_language(),
        sorted(request.GET.lists()),
    ]
    digest = hashlib.sha256(json.dumps(parts, default=str).encode()).hexdigest()
    return f"lantian:dashboard:{digest}"


def data_endpoint(permission: str, *, ttl: int = 30):
    """Turn ``build(request) -> dict`` into a scoped, briefly cached JSON endpoint."""

    def decorate(build):
        name = f"{build.__module__}.{build.__qualname__}"

        @wraps(build)
        def view(request, *args, **kwargs):
            user = request.user
            if not user.is_authenticated:
                return JsonResponse({"error": "login required"}, status=401)
            if not user.has_perm(permission):
                return JsonResponse({"error": "permission denied"}, status=403)
            if len(request.META.get("QUERY_STRING", "")) > MAX_QUERY_LENGTH:
                return JsonResponse({"error": "query string too long"}, status=400)
            key = cache_key(name, request)
            data = cache.get(key) if ttl else None
            if data is None:
                try:
                    data = build(request, *args, **kwargs)
                except BadParameter as error:
                    return JsonResponse({"error": str(error)}, status=400)
                if ttl:
                    cache.set(key, data, ttl)
            response = JsonResponse(data, json_dumps_params={"ensure_ascii": False})
            response["Cache-Control"] = "private, no-store"
            return response

        view.permission = permission
        return view

    return decorate


def share(part: int, whole: int) -> float:
    """``part`` as a percentage of ``whole``, one decimal (0 when there is no whole)."""
    return round(part * 100 / whole, 1) if whole else 0.0


def categories(rows, label: str, value: str = "n") -> dict:
    """Aggregate rows (dicts) as a bar or pie series: ``{"categories": [...], "values": [...]}``."""
    rows = list(rows)
    return {"categories": [str(row[label] or "—") for row in rows], "values": [row[value] for row in rows]}
