"""Table declarations for list pages: which columns, how they read and how they sort."""

from dataclasses import dataclass

from django.core.exceptions import FieldDoesNotExist
from django.db import models


@dataclass(frozen=True)
class Column:
    accessor: str  # a field or attribute path with "__", e.g. "organization__name"
    label: str | None = None  # defaults to the field's verbose name
    sortable: bool = True
    linkify: bool = False  # link the cell to the row's detail page

    def field(self, model: type[models.Model]) -> models.Field | None:
        try:
            for part in self.accessor.split("__")[:-1]:
                model = model._meta.get_field(part).related_model
            return model._meta.get_field(self.accessor.split("__")[-1])
        except (FieldDoesNotExist, AttributeError):
            return None

    def header(self, model: type[models.Model]) -> str:
        if self.label is not None:
            return self.label
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


class Table:
    columns: tuple[Column, ...] = ()
    default_order: tuple[str, ...] = ()

    def __init__(self, model: type[models.Model], sort: str | None = None):
        self.model = model
        self.sort = sort if sort and sort.lstrip("-") in self.sortable_accessors() else None

    def sortable_accessors(self) -> set[str]:
        return {c.accessor for c in self.columns if c.sortable and c.field(self.model) is not None}

    def order(self, queryset):
        if self.sort:
            return queryset.order_by(self.sort, "pk")
        return queryset.order_by(*self.default_order) if self.default_order else queryset

    def headers(self) -> list[dict]:
        sortable = self.sortable_accessors()
        headers = []
        for column in self.columns:
            current = self.sort.lstrip("-") == column.accessor if self.sort else False
            descending = bool(self.sort and self.sort.startswith("-"))
            headers.append(
                {
                    "label": column.header(self.model),
                    "sort": (("" if current and descending else "-") if current else "") + column.accessor
                    if column.accessor in sortable
                    else None,
                    "current": current,
                    "descending": descending,
                }
            )
        return headers

    def rows(self, objects) -> list[dict]:
        return [
            {"object": obj, "cells": [{"value": c.value(obj), "link": c.linkify} for c in self.columns]}
            for obj in objects
        ]
