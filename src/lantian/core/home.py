"""Figures on the home pages of enterprises, testing agencies and operations vendors.

Core knows no module; each module registers what its users' home page shows of it::

    from lantian.core.home import Figure, Panel, register_home_panel

    @register_home_panel
    def archive(user):
        if not user.has_perm("ldar.view_sealpoint"):
            return None
        n = SealPoint.objects.restrict(user, "view").count()
        return Panel("ldar.archive", _("LDAR archive"), "list-tree", [Figure(_("seal points"), n, url)])

A provider counts in the database (aggregates, a bounded number of queries whatever the rows)
through ``Model.objects.restrict(user, "view")``, so a home page never counts what its user may not
see, and links each figure to the list it counts (with the same filters).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

HOMES = ("enterprise", "provider")  # the default homes of a panel ("regulator" shows panels too, if asked)


@dataclass(frozen=True)
class Figure:
    label: str
    value: int | str
    url: str | None = None
    attention: bool = False  # shown in red: something to act on (expired, rejected, offline)


@dataclass(frozen=True)
class Panel:
    key: str  # stable name for pages and tests, e.g. "ldar.archive"
    title: str
    icon: str  # a Tabler icon name
    figures: list[Figure] = field(default_factory=list)
    url: str | None = None  # the page the panel summarises
    note: str = ""  # one line under the figures, e.g. the filing's state
    weight: int = 100


@dataclass(frozen=True)
class Provider:
    panel: Callable
    homes: tuple[str, ...]


_providers: list[Provider] = []


def register_home_panel(panel: Callable | None = None, *, homes: tuple[str, ...] = HOMES):
    """Add ``panel(user) -> Panel | None`` to the home pages named in ``homes``; usable as a decorator
    with or without arguments. None: nothing to show this user (no permission, nothing relevant)."""

    def add(function: Callable) -> Callable:
        if all(provider.panel is not function for provider in _providers):
            _providers.append(Provider(function, tuple(homes)))
        return function

    return add(panel) if panel is not None else add


def panels_for(user, home: str) -> list[Panel]:
    panels = [provider.panel(user) for provider in _providers if home in provider.homes]
    return sorted((panel for panel in panels if panel is not None), key=lambda panel: panel.weight)
