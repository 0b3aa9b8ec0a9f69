"""The work calendar's pages: holidays and working weekends, maintained by the system administrator.

No built-in role but the system administrator's holds its permissions; a module whose users should
see it grants ``core.view_workcalendarday`` in its roles data file.
"""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from lantian.core.excel.spec import ImportField, ImportSpec
from lantian.core.filtersets import SearchFilterSet
from lantian.core.forms import ScopedFormMixin
from lantian.core.models import WorkCalendarDay
from lantian.core.navigation import MenuGroup, MenuItem, register_menu
from lantian.core.registry import register
from lantian.core.tables import Column, Table


def calendar_years(request=None):
    years = WorkCalendarDay.objects.order_by("-year").values_list("year", flat=True).distinct()
    return [(year, str(year)) for year in years]


class WorkCalendarDayTable(Table):
    columns = (
        Column("date", linkify=True),
        Column("weekday", _("weekday"), sortable=False),
        Column("kind"),
        Column("name", linkify=True),
        Column("year", visible=False),
        Column("updated_at", visible=False),
    )
    default_order = ("date",)


class WorkCalendarDayFilterSet(SearchFilterSet):
    search_fields = ("name",)
    year = django_filters.TypedChoiceFilter(choices=calendar_years, coerce=int, label=_("year"))
    since = django_filters.DateFilter(field_name="date", lookup_expr="gte", label=_("from"))
    until = django_filters.DateFilter(field_name="date", lookup_expr="lte", label=_("to"))

    class Meta:
        model = WorkCalendarDay
        fields = ["q", "year", "kind", "since", "until"]


class WorkCalendarDayForm(ScopedFormMixin, forms.ModelForm):
    class Meta:
        model = WorkCalendarDay
        fields = ["date", "kind", "name"]


class WorkCalendarDayImportSpec(ImportSpec):
    def fill(self, row, importer):
        if row.obj.date is not None:
            row.obj.year = row.obj.date.year


WORK_CALENDAR_DAYS = WorkCalendarDayImportSpec(
    fields=(
        ImportField("date", example="2026-10-10"),
        ImportField("kind", example=WorkCalendarDay.Kind.WORKDAY.label),
        ImportField("name", example="国庆节"),
    ),
    keys=(("date",),),
)

register(
    WorkCalendarDay,
    table=WorkCalendarDayTable,
    filterset=WorkCalendarDayFilterSet,
    form=WorkCalendarDayForm,
    importer=WORK_CALENDAR_DAYS,
    detail_fields=("date", "kind", "name", "year", "updated_at"),
)
register_menu(
    "core.calendar",
    MenuGroup(
        _("Settings"),
        "settings",
        (MenuItem(_("Work calendar"), "core:workcalendarday_list", "core.view_workcalendarday"),),
        weight=980,
    ),
)
