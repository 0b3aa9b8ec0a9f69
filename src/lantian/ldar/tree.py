"""The archive tree: enterprise → unit → area → equipment → group → seal points, with the seal-point
counts of every node (total, accessible, inaccessible, dynamic, static; invalid points apart).

Every count is one GROUP BY over the seal points, whose denormalised ancestors make it a single
indexed query at any level (``SealPoint`` index ``ldar_sealpoint_tree``): a node's children are
counted by filtering on the node's whole path and grouping by the next level. Nothing is counted
row by row in Python.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from django.db.models import Count, Q
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from lantian.core.models import Organization
from lantian.ldar.models import Area, ComponentGroup, Equipment, ProcessUnit, SealPoint, SealPointType


@dataclass(frozen=True)
class Level:
    key: str  # the URL's level name and the seal point's foreign key to it
    model: type
    parent: str | None  # the foreign key to the level above
    label: object
    icon: str


LEVELS = (
    Level("enterprise", Organization, None, _("enterprise"), "building-factory-2"),
    Level("unit", ProcessUnit, "enterprise", _("unit"), "building-factory"),
    Level("area", Area, "unit", _("area"), "layout-grid"),
    Level("equipment", Equipment, "area", _("equipment"), "cylinder"),
    Level("group", ComponentGroup, "equipment", _("component group"), "circles"),
)
BY_KEY = {level.key: level for level in LEVELS}
PATH = tuple(level.key for level in LEVELS)  # the seal point's ancestors, top down


@dataclass
class Counts:
    total: int = 0  # valid seal points
    accessible: int = 0
    dynamic: int = 0
    invalid: int = 0

    @property
    def inaccessible(self) -> int:
        return self.total - self.accessible

    @property
    def static(self) -> int:
        return self.total - self.dynamic

    @property
    def accessible_share(self) -> float | None:
        return round(100 * self.accessible / self.total, 1) if self.total else None

    @property
    def dynamic_share(self) -> float | None:
        return round(100 * self.dynamic / self.total, 1) if self.total else None


VALID = Q(is_valid=True)
AGGREGATES = {
    "total": Count("pk", filter=VALID),
    "accessible": Count("pk", filter=VALID & Q(accessible=True)),
    "dynamic": Count("pk", filter=VALID & Q(is_dynamic=True)),
    "invalid": Count("pk", filter=Q(is_valid=False)),
}


def points(user):
    return SealPoint.objects.restrict(user, "view")


def path_filter(node_path: dict) -> dict:
    """The seal points under a node, by its whole path (``{"enterprise": 3, "unit": 8}``), so that the
    query uses the tree index by its prefix."""
    return {f"{key}_id": pk for key, pk in node_path.items()}


def counts_by(user, node_path: dict, by: str) -> dict[int, Counts]:
    """The counts of the children (``by``: the next level) of the node at ``node_path``: one query."""
    rows = points(user).filter(**path_filter(node_path)).values(f"{by}_id").annotate(**AGGREGATES).order_by()
    return {row.pop(f"{by}_id"): Counts(**row) for row in rows}


def counts_of(user, node_path: dict) -> Counts:
    return Counts(**points(user).filter(**path_filter(node_path)).aggregate(**AGGREGATES))


def counts_by_type(user, node_path: dict) -> list[dict]:
    """Valid seal points under the node by seal-point type, with the type's dynamic flag: one query,
    grouped by the type's id (read from the tree index), named from the few types afterwards."""
    rows = (
        points(user)
        .filter(VALID, **path_filter(node_path))
        .values("seal_type_id")
        .annotate(total=Count("pk"), accessible=Count("pk", filter=Q(accessible=True)))
        .order_by()
    )
    counted = {row["seal_type_id"]: row for row in rows}
    types = SealPointType.objects.filter(pk__in=counted).order_by("sort_order", "name") if counted else []
    return [
        {
            "name": kind.name,
            "dynamic": kind.is_dynamic,
            "total": counted[kind.pk]["total"],
            "inaccessible": counted[kind.pk]["total"] - counted[kind.pk]["accessible"],
        }
        for kind in types
    ]


def visible_enterprises(user):
    return Organization.objects.restrict(user, "view").filter(kind=Organization.Kind.ENTERPRISE)


def children_of(user, level: Level | None, obj) -> tuple[Level | None, list]:
    """The child level of a node and its visible rows, ordered by code (enterprises by their place)."""
    index = PATH.index(level.key) + 1 if level is not None else 0
    if index >= len(LEVELS):
        return None, []
    child = LEVELS[index]
    if child.key == "enterprise":
        return child, list(visible_enterprises(user).order_by("path"))
    rows = child.model.objects.restrict(user, "view").filter(**{child.parent: obj}).order_by("code")
    return child, list(rows)


@dataclass
class Node:
    level: Level | None  # None: the root (every enterprise the user may see)
    obj: object = None
    path: dict | None = None  # level key → pk, down to this node

    @property
    def url(self) -> str:
        return node_url(self.level, self.obj)


def node_url(level: Level | None, obj) -> str:
    if level is None:
        return reverse("ldar:archive_tree")
    return reverse("ldar:archive_node", args=[level.key, obj.pk])


def find_node(user, key: str, pk: int) -> Node:
    """The node ``key``/``pk`` if the user may see it (404 otherwise), with its path of ancestor ids."""
    level = BY_KEY.get(key)
    if level is None:
        from django.http import Http404

        raise Http404
    if level.key == "enterprise":
        obj = get_object_or_404(visible_enterprises(user), pk=pk)
        return Node(level, obj, {"enterprise": obj.pk})
    ancestors = PATH[: PATH.index(key)]
    queryset = level.model.objects.restrict(user, "view").select_related(*ancestors)
    obj = get_object_or_404(queryset, pk=pk)
    path = {name: getattr(obj, f"{name}_id") for name in ancestors}
    path[key] = obj.pk
    return Node(level, obj, path)


def ancestors_of(node: Node) -> list[tuple[Level, object]]:
    """(level, object) from the enterprise down to the node's parent."""
    if node.level is None:
        return []
    return [(BY_KEY[key], getattr(node.obj, key)) for key in PATH[: PATH.index(node.level.key)]]


def branch(user, node: Node) -> list[dict]:
    """The tree from the root down to the node: at each level, the siblings on the node's path with
    their counts; the one on the path is open and holds the next level. Two queries per level."""
    chain = [*ancestors_of(node), (node.level, node.obj)] if node.level is not None else []
    levels = []
    parent_level, parent, path = None, None, {}
    for depth in range(len(chain) + 1):
        child_level, rows = children_of(user, parent_level, parent)
        if child_level is None:
            break
        counts = counts_by(user, path, child_level.key)
        current = chain[depth][1] if depth < len(chain) else None
        levels.append(
            {
                "level": child_level,
                "items": [
                    {
                        "obj": row,
                        "url": node_url(child_level, row),
                        "counts": counts.get(row.pk, Counts()),
                        "current": current is not None and row.pk == current.pk,
                        "selected": node.obj is not None
                        and row.pk == node.obj.pk
                        and child_level == node.level,
                    }
                    for row in rows
                ],
            }
        )
        if current is None:
            break
        parent_level, parent = child_level, current
        path = {**path, child_level.key: current.pk}
    for upper, lower in itertools.pairwise(levels):
        for item in upper["items"]:
            if item["current"]:
                item["children"], item["child_level"] = lower["items"], lower["level"]
    return levels
