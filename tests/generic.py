"""Standard tests for every registered model, generated from data (ARCHITECTURE rule 2).

A module adds a ``Case`` for each model it registers; ``registered_cases()`` fails if a registered
model has none, so nothing registered goes untested. Each case names, as functions of the
``tests.conftest.Tree`` fixture, an object, a user who may see it (``member``) and, for models
bound to organisations, a user of another organisation who must get 404 (``outsider``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django import forms

from lantian.core.registry import registrations


@dataclass(frozen=True)
class Case:
    model: type
    obj: Callable  # tree -> an object of the model
    member: str  # attribute of the tree: a user who may see obj
    outsider: str | None = (
        None  # a user of another organisation, who must not; None for shared reference data
    )
    more: Callable | None = (
        None  # tree, n -> create n more objects visible to member (for query-count ceilings)
    )
    unfiltered: frozenset[str] = field(
        default_factory=frozenset
    )  # table columns deliberately without a filter

    @property
    def id(self) -> str:
        return f"{self.model._meta.app_label}.{self.model._meta.model_name}"


_cases: dict[type, Case] = {}


def add_cases(*cases: Case) -> None:
    for case in cases:
        _cases[case.model] = case


def registered_cases() -> list[Case]:
    _import_module_cases()
    missing = [r.model.__name__ for r in registrations() if r.model not in _cases]
    assert not missing, f"registered models without a test case in tests/: {missing}"
    return [_cases[r.model] for r in registrations()]


def sample_filter_value(field):
    """A valid value for a filter's form field: the first option the user is offered, or plain text."""
    if getattr(field, "queryset", None) is not None:
        first = field.queryset.first()
        return first.pk if first else ""
    if isinstance(field, forms.NullBooleanField):
        return "true"
    if isinstance(field, forms.ChoiceField):
        return next((value for value, _label in field.choices if value not in ("", None)), "")
    if isinstance(field, forms.DateField):
        return "2026-01-01"
    if isinstance(field, forms.TimeField):
        return "08:30:00"
    if isinstance(field, forms.DecimalField | forms.FloatField | forms.IntegerField):
        return "1"
    return "甲"


def _import_module_cases() -> None:
    """Import ``tests/<app label>/cases.py`` of every app that registers models: each adds its cases."""
    from importlib import import_module
    from importlib.util import find_spec

    for label in sorted({r.model._meta.app_label for r in registrations()}):
        if find_spec(f"tests.{label}") and find_spec(f"tests.{label}.cases"):
            import_module(f"tests.{label}.cases")
