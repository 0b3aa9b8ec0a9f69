"""Register a model once (ARCHITECTURE rule 2).

A registration names the model's table, filterset, form, import spec and detail fields. From it come
the generic pages (list with filters and export, detail, add/edit with draft, delete, bulk edit,
bulk delete, import), their URL names ``<app>:<model>_<action>``, the REST endpoints, the extra
permissions (import, export, review) and the generated tests. Domain code overrides only the views
that differ, through ``views``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db import models
from django.urls import NoReverseMatch, path, reverse

if TYPE_CHECKING:
    from django.views import View

# action → (URL path under the model's prefix, permission action it needs)
ACTIONS: dict[str, tuple[str, str]] = {
    "list": ("", "view"),
    "add": ("add/", "add"),
    "import": ("import/", "import"),
    "import_template": ("import/template/", "import"),
    "export": ("export/", "export"),
    "bulk_edit": ("edit/", "change"),
    "bulk_delete": ("delete/", "delete"),
    "detail": ("<int:pk>/", "view"),
    "edit": ("<int:pk>/edit/", "change"),
    "delete": ("<int:pk>/delete/", "delete"),
}
OBJECT_ACTIONS = frozenset({"detail", "edit", "delete"})
READ_ONLY = frozenset({"list", "detail", "export"})
EXTRA_PERMISSIONS = ("import", "export")  # besides Django's view/add/change/delete


@dataclass
class Registration:
    model: type[models.Model]
    table: type
    filterset: type | None = None
    form: type | None = None  # None: the model is read-only here
    importer: Any = None  # an ImportSpec; None: no import
    detail_fields: tuple[str, ...] = ()
    detail_template: str | None = None
    views: dict[str, type[View]] = field(default_factory=dict)  # action → view class overriding the generic
    actions: frozenset[str] | None = None  # default: derived from form and importer
    api: bool = True

    def __post_init__(self):
        if self.actions is None:
            actions = set(READ_ONLY)
            if self.form is not None:
                actions |= {"add", "edit", "delete", "bulk_edit", "bulk_delete"}
            if self.importer is not None:
                actions |= {"import", "import_template"}
            self.actions = frozenset(actions)
        unknown = self.actions - ACTIONS.keys()
        if unknown:
            raise ValueError(f"{self.model.__name__}: unknown actions {sorted(unknown)}")

    @property
    def app_label(self) -> str:
        return self.model._meta.app_label

    @property
    def model_name(self) -> str:
        return self.model._meta.model_name

    @property
    def url_prefix(self) -> str:
        return f"{self.model_name}s/"

    def url_name(self, action: str) -> str:
        return f"{self.app_label}:{self.model_name}_{action}"

    def url(self, action: str, obj: models.Model | None = None) -> str | None:
        """The URL of ``action`` (for ``obj`` if it is an object action), or None if it has no page."""
        if action not in self.actions:
            return None
        try:
            return reverse(self.url_name(action), args=[obj.pk] if action in OBJECT_ACTIONS else [])
        except NoReverseMatch:
            return None

    @staticmethod
    def permission_action(action: str) -> str:
        return ACTIONS[action][1]

    def view_class(self, action: str) -> type[View]:
        if action in self.views:
            return self.views[action]
        from lantian.core.views import DEFAULT_VIEWS

        return DEFAULT_VIEWS[action]

    def urlpatterns(self) -> list:
        patterns = []
        for action in ACTIONS:  # declaration order: fixed paths before <int:pk>
            if action in self.actions:
                view = self.view_class(action).as_view(registration=self)
                route = f"{self.url_prefix}{ACTIONS[action][0]}"
                patterns.append(path(route, view, name=f"{self.model_name}_{action}"))
        return patterns


_registry: dict[type[models.Model], Registration] = {}


def register(model: type[models.Model], **options) -> Registration:
    from lantian.core.validators import guard_text_fields

    registration = Registration(model=model, **options)
    guard_text_fields(model)  # one rule for forms, API, bulk edit and import
    _registry[model] = registration
    return registration


def registration_for(model: type[models.Model] | models.Model) -> Registration | None:
    return _registry.get(model if isinstance(model, type) else type(model))


def registrations(app_label: str | None = None) -> list[Registration]:
    return [r for r in _registry.values() if app_label is None or r.app_label == app_label]


def urlpatterns(app_label: str) -> list:
    return [pattern for r in registrations(app_label) for pattern in r.urlpatterns()]
