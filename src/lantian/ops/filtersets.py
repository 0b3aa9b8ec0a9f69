"""Filters of the ops lists: one builder, since every list filters by its contract, its choices and
dates the same way; dropdowns offer only what the user may see."""

import django_filters
from django.db import models
from django.utils.translation import gettext_lazy as _

from lantian.core.filtersets import SearchFilterSet
from lantian.ops import models as m


def visible_contracts(request):
    return m.Contract.objects.restrict(request.user, "view")


def filterset_for(model, *, search=(), fields=(), contract="contract"):
    """A SearchFilterSet of ``model``: text search over ``search``, a scoped contract dropdown along the
    lookup ``contract`` (None: none), and django-filter's own filters for ``fields``."""
    attrs = {"search_fields": tuple(search)}
    names = ["q"]
    if contract:
        attrs["contract"] = django_filters.ModelChoiceFilter(
            field_name=contract, queryset=visible_contracts, label=_("contract")
        )
        names.append("contract")
    for name in fields:
        field = model._meta.get_field(name)
        if isinstance(field, models.DateTimeField):  # filtered by the day, in the site's time zone
            attrs[name] = django_filters.DateFilter(
                field_name=name, lookup_expr="date", label=field.verbose_name
            )
    attrs["Meta"] = type("Meta", (), {"model": model, "fields": names + list(fields)})
    return type(f"{model.__name__}FilterSet", (SearchFilterSet,), attrs)


class ContractFilterSet(SearchFilterSet):
    search_fields = ("name", "number", "client__name", "vendor__name", "systems")

    class Meta:
        model = m.Contract
        fields = ["q", "calendar", "scheme"]


ContractFilterSet.base_filters["scheme"].queryset = m.AssessmentScheme.objects.all()
