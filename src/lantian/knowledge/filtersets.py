"""Filters of the knowledge base list: the search box, category, issuing body, status and year."""

import re

import django_filters
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lantian.core.filtersets import SearchFilterSet
from lantian.knowledge import search as text_search
from lantian.knowledge.models import Category, Document, Status

ISSUER_SEPARATORS = re.compile(r"[、,，;；/\s]+")


def issuer_choices():
    """Each issuing body once, also those that issued a document jointly with others."""
    names = set()
    for issuer in Document.objects.exclude(issuer="").values_list("issuer", flat=True).distinct():
        names.update(part for part in ISSUER_SEPARATORS.split(issuer) if part)
    return [(name, name) for name in sorted(names)]


def year_choices():
    years = Document.objects.exclude(issued_on=None).dates("issued_on", "year", order="DESC")
    return [(str(day.year), str(day.year)) for day in years]


class DocumentFilterSet(SearchFilterSet):
    search_fields = text_search.SEARCH_FIELDS
    category = django_filters.ChoiceFilter(choices=Category.choices, label=_("category"))
    issuer = django_filters.ChoiceFilter(
        choices=issuer_choices, label=_("issuing body"), method="filter_issuer"
    )
    status = django_filters.ChoiceFilter(choices=Status.choices, label=_("status"), method="filter_status")
    year = django_filters.ChoiceFilter(
        choices=year_choices, field_name="issued_on", label=_("year of issue"), method="filter_year"
    )

    class Meta:
        model = Document
        fields = ["q", "category", "issuer", "status", "year"]

    def search(self, queryset, name, value):
        return text_search.search(queryset, value)

    def filter_issuer(self, queryset, name, value):
        return queryset.filter(issuer__contains=value) if value else queryset

    def filter_status(self, queryset, name, value):
        return queryset.with_status(value, timezone.localdate()) if value else queryset

    def filter_year(self, queryset, name, value):
        return queryset.filter(issued_on__year=int(value)) if value else queryset
