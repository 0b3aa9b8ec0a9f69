import django_filters
from auditlog.models import LogEntry
from auditlog.registry import auditlog
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.forms import NullBooleanSelect
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from lantian.core.dropdowns import ALL, label_empty_choice
from lantian.core.models import AccessEvent, Division, Organization, OrganizationLink, Role, User
from lantian.core.templatetags.lantian import ACTION_LABELS


def visible(model):
    """A filter's dropdown offers only what the requesting user may see."""
    return lambda request: model.objects.restrict(request.user, "view")


class AnyYesNoSelect(NullBooleanSelect):
    def __init__(self, attrs=None):
        super().__init__(attrs)
        self.choices = (("unknown", ALL), ("true", _("Yes")), ("false", _("No")))


class SearchFilterSet(django_filters.FilterSet):
    """A filterset with a free-text search over ``search_fields``; empty choices read "All"."""

    search_fields: tuple[str, ...] = ()
    q = django_filters.CharFilter(label=_("Search"), method="search")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.form.fields.values():
            if isinstance(field.widget, NullBooleanSelect):
                field.widget = AnyYesNoSelect()
            else:
                label_empty_choice(field, ALL)

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        condition = Q()
        for field in self.search_fields:
            condition |= Q(**{f"{field}__icontains": value})
        return queryset.filter(condition)


class DivisionFilterSet(SearchFilterSet):
    search_fields = ("code", "name")
    parent = django_filters.ModelChoiceFilter(queryset=visible(Division), label=_("parent division"))

    class Meta:
        model = Division
        fields = ["q", "level", "parent"]


class OrganizationFilterSet(SearchFilterSet):
    search_fields = ("name", "short_name", "credit_code", "address")
    parent = django_filters.ModelChoiceFilter(queryset=visible(Organization), label=_("parent organization"))
    within = django_filters.ModelChoiceFilter(
        queryset=visible(Organization), label=_("within"), method="filter_within"
    )
    division = django_filters.ModelChoiceFilter(queryset=visible(Division), label=_("division"))

    class Meta:
        model = Organization
        fields = ["q", "kind", "within", "parent", "division", "is_active"]

    def filter_within(self, queryset, name, value):
        return queryset.filter(path__startswith=value.path) if value else queryset


class OrganizationLinkFilterSet(SearchFilterSet):
    search_fields = ("provider__name", "client__name")
    provider = django_filters.ModelChoiceFilter(queryset=visible(Organization), label=_("service provider"))
    client = django_filters.ModelChoiceFilter(queryset=visible(Organization), label=_("client"))

    class Meta:
        model = OrganizationLink
        fields = ["q", "provider", "client"]


class UserFilterSet(SearchFilterSet):
    search_fields = ("username", "name", "phone", "email")
    organization = django_filters.ModelChoiceFilter(
        queryset=visible(Organization), label=pgettext_lazy("field", "organization")
    )
    roles = django_filters.ModelChoiceFilter(queryset=visible(Role), label=_("role"))

    class Meta:
        model = User
        fields = ["q", "organization", "roles", "is_active"]


class RoleFilterSet(SearchFilterSet):
    search_fields = ("code", "name", "description")

    class Meta:
        model = Role
        fields = ["q", "builtin"]


class AccessEventFilterSet(SearchFilterSet):
    search_fields = ("username", "ip_address")
    since = django_filters.DateFilter(field_name="at", lookup_expr="date__gte", label=_("from"))
    until = django_filters.DateFilter(field_name="at", lookup_expr="date__lte", label=_("to"))

    class Meta:
        model = AccessEvent
        fields = ["q", "kind", "since", "until"]


def logged_content_types(request=None):
    """The types of object the change log records (django-auditlog's registry, from settings)."""
    condition = Q(pk__in=[])
    for model in auditlog.get_models():
        if not model._meta.auto_created:  # many-to-many tables: logged as changes of their owner
            condition |= Q(app_label=model._meta.app_label, model=model._meta.model_name)
    return ContentType.objects.filter(condition).order_by("app_label", "model")


class LogEntryFilterSet(SearchFilterSet):
    search_fields = ("object_repr", "actor__username", "actor__name", "cid")
    action = django_filters.ChoiceFilter(choices=list(ACTION_LABELS.items()), label=_("action"))
    content_type = django_filters.ModelChoiceFilter(queryset=logged_content_types, label=_("object type"))
    since = django_filters.DateFilter(field_name="timestamp", lookup_expr="date__gte", label=_("from"))
    until = django_filters.DateFilter(field_name="timestamp", lookup_expr="date__lte", label=_("to"))

    class Meta:
        model = LogEntry
        fields = ["q", "action", "content_type", "since", "until"]
