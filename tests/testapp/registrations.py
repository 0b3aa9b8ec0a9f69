"""The test app's model, registered as a module would register it, with its generated-test case."""

import django_filters
from django import forms

from lantian.core.excel.spec import ImportField, ImportSpec
from lantian.core.filtersets import SearchFilterSet, visible
from lantian.core.forms import ScopedFormMixin
from lantian.core.models import Organization
from lantian.core.registry import register
from lantian.core.tables import Column, Table
from tests.generic import Case, add_cases
from tests.testapp.models import Filing


class FilingTable(Table):
    columns = (
        Column("title", linkify=True),
        Column("organization__name", "organization"),
        Column("status"),
        Column("submitted_at"),
        Column("reviewed_at", visible=False),
    )
    default_order = ("pk",)


class FilingFilterSet(SearchFilterSet):
    search_fields = ("title",)
    organization = django_filters.ModelChoiceFilter(queryset=visible(Organization), label="organization")

    class Meta:
        model = Filing
        fields = ["q", "organization", "status"]


class FilingForm(ScopedFormMixin, forms.ModelForm):
    class Meta:
        model = Filing
        fields = ["organization", "title", "note"]


register(
    Filing,
    table=FilingTable,
    filterset=FilingFilterSet,
    form=FilingForm,
    importer=ImportSpec(
        fields=(ImportField("organization", lookup=("credit_code", "name")), "title", "note"),
        keys=(("organization", "title"),),
    ),
    detail_fields=("organization", "title", "note", "status", "submitted_by", "reviewed_by"),
)


add_cases(
    Case(
        Filing,
        lambda tree: Filing.objects.create(organization=tree.ent_a1, title="甲一化工排污备案"),
        member="county_a_admin",
        outsider="county_b_admin",
        more=lambda tree, n: Filing.objects.bulk_create(
            Filing(organization=tree.ent_a2, title=f"甲二石化备案{i}") for i in range(n)
        ),
        unfiltered=frozenset({"submitted_at", "reviewed_at"}),
    )
)
