"""Table declarations for list pages and exports: which columns, how they read and how they sort."""

from dataclasses import dataclass

from django.core.exceptions import FieldDoesNotExist
from django.db import models

# Codes, tags and numbers (G00013-1, 91610323MA6X7K2L1X, GB 37822-2019) read wrong when broken over
# two lines at a narrow width: such columns keep their cells on one line.
CODE_NAMES = frozenset({"code", "tag", "mn", "number"})
CODE_SUFFIXES = ("_code", "_number")


@dataclass(frozen=True)
class Column:
    accessor: str  # a field or attribute path with "__", e.g. "organization__name"
    label: str | None = None  # defaults to the field's verbose name
    sortable: bool = True
    linkify: bool = False  # link the cell to the row's detail page
    visible: bool = True  # shown until the user chooses otherwise
    nowrap: bool | None = None  # keep the cell on one line; None: when it reads a code (see CODE_NAMES)

    @property
    def css(self) -> str:
        name = self.accessor.rsplit("__", 1)[-1]
        codelike = name in CODE_NAMES or name.endswith(CODE_SUFFIXES)
        return "text-nowrap" if (codelike if self.nowrap is None else self.nowrap) else ""

    def field(self, model: type[models.Model]) -> models.Field | None:
        try:
            for part in self.accessor.split("__")[:-1]:
                model = model._meta.get_field(part).related_model
            return model._meta.get_field(self.accessor.split("__")[-1])
        except (FieldDoesNotExist, AttributeError):
            return None

    def header(self, model: type[models.Model]) -> str:
        if self.label is not None:
            return str(self.label)
        field = self.field(model)
        return str(field.verbose_name) if field is not None else self.accessor

    def value(self, obj):
        for part in self.accessor.split("__"):
            if obj is None:
                return None
            display = getattr(obj, f"get_{part}_display", None)
            obj = display() if display is not None else getattr(obj, part)
        if isinstance(obj, models.Manager):
            return "、".join(str(item) for item in obj.all())
        return obj


def relations_read(model: type[models.Model], accessor: str) -> tuple[set[str], set[str]]:
    """(the paths to join, the paths to prefetch) that reading ``accessor`` from a row follows."""
    joins, prefetches, path = set(), set(), []
    for part in accessor.split("__"):
        try:
            field = model._meta.get_field(part)
        except FieldDoesNotExist:
            break
        if not field.is_relation:
            break
        path.append(part)
        if field.many_to_many or field.one_to_many:
            prefetches.add("__".join(path))
            break
        joins.add("__".join(path))
        model = field.related_model
    return joins, prefetches


class Table:
    columns: tuple[Column, ...] = ()
    default_order: tuple[str, ...] = ()

    def __init__(self, model: type[models.Model], sort: str | None = None, visible: list[str] | None = None):
        self.model = model
        self.sort = sort if sort and sort.lstrip("-") in self.sortable_accessors() else None
        known = {c.accessor for c in self.columns}
        chosen = [name for name in visible or () if name in known]
        self.visible = (
            [c for name in chosen for c in self.columns if c.accessor == name]
            if chosen
            else [c for c in self.columns if c.visible]
        )

    def sortable_accessors(self) -> set[str]:
        return {c.accessor for c in self.columns if c.sortable and c.field(self.model) is not None}

    def optimize(self, queryset):
        """Join or prefetch what the visible columns read, so a page costs the same few queries."""
        joins, prefetches = set(), set()
        for column in self.visible:
            column_joins, column_prefetches = relations_read(self.model, column.accessor)
            joins |= column_joins
            prefetches |= column_prefetches
        queryset = queryset.select_related(*joins) if joins else queryset
        return queryset.prefetch_related(*prefetches) if prefetches else queryset

    def order(self, queryset):
        if self.sort:
            return queryset.order_by(self.sort, "pk")
        return queryset.order_by(*self.default_order) if self.default_order else queryset

    def choices(self) -> list[dict]:
        """Every column with whether it is shown, for the column chooser."""
        shown = {c.accessor for c in self.visible}
        return [
            {"accessor": c.accessor, "label": c.header(self.model), "shown": c.accessor in shown}
            for c in self.columns
        ]

    def headers(self) -> list[dict]:
        sortable = self.sortable_accessors()
        headers = []
        for column in self.visible:
            current = bool(self.sort) and self.sort.lstrip("-") == column.accessor
            descending = bool(self.sort and self.sort.startswith("-"))
            sort = None
            if column.accessor in sortable:
                sort = ("" if current and descending else "-" if current else "") + column.accessor
            headers.append(
                {
                    "label": column.header(self.model),
                    "sort": sort,
                    "current": current,
                    "descending": descending,
                }
            )
        return headers

    def rows(self, objects) -> list[dict]:
        return [
            {
                "object": obj,
                "cells": [{"value": c.value(obj), "link": c.linkify, "css": c.css} for c in self.visible],
            }
            for obj in objects
        ]
