from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from lantian.core.filtersets import DivisionFilterSet, OrganizationFilterSet, OrganizationLinkFilterSet
from lantian.core.forms import OrganizationForm, OrganizationLinkForm
from lantian.core.models import Division, Organization, OrganizationLink, User
from lantian.core.tables import Column, Table
from lantian.core.views import generic


class DivisionTable(Table):
    columns = (
        Column("code", linkify=True),
        Column("name", linkify=True),
        Column("level"),
        Column("parent__name"),
    )
    default_order = ("code",)


class DivisionListView(generic.ObjectListView):
    model = Division
    table_class = DivisionTable
    filterset_class = DivisionFilterSet

    def get_queryset(self):
        return super().get_queryset().select_related("parent")


class DivisionDetailView(generic.ObjectDetailView):
    model = Division
    template_name = "core/division_detail.html"
    detail_fields = ("code", "name", "level", "parent")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["children"] = self.object.children.all()
        context["organizations"] = Organization.objects.restrict(self.request.user).filter(
            division=self.object
        )
        return context


class OrganizationTable(Table):
    columns = (
        Column("name", linkify=True),
        Column("kind"),
        Column("parent__name", _("parent organization")),
        Column("division__name", _("division")),
        Column("credit_code"),
        Column("contact_person"),
        Column("contact_phone", sortable=False),
        Column("is_active"),
    )
    default_order = ("path",)


class OrganizationListView(generic.ObjectListView):
    model = Organization
    table_class = OrganizationTable
    filterset_class = OrganizationFilterSet

    def get_queryset(self):
        return super().get_queryset().select_related("parent", "division")


class OrganizationDetailView(generic.ObjectDetailView):
    model = Organization
    template_name = "core/organization_detail.html"
    detail_fields = (
        "name", "short_name", "kind", "parent", "division", "credit_code", "address",
        "contact_person", "contact_phone", "longitude", "latitude", "is_active", "created_at", "updated_at",
    )  # fmt: skip

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user, org = self.request.user, self.object
        visible = Organization.objects.restrict(user)
        context.update(
            ancestors=visible.filter(pk__in=org.ancestors()).order_by("depth"),
            children=visible.filter(parent=org).annotate(user_count=Count("users")),
            users=User.objects.restrict(user).filter(organization=org).prefetch_related("roles"),
            clients=OrganizationLink.objects.restrict(user).filter(provider=org).select_related("client"),
            providers=OrganizationLink.objects.restrict(user).filter(client=org).select_related("provider"),
        )
        return context


class OrganizationEditView(generic.ObjectEditView):
    model = Organization
    form_class = OrganizationForm


class OrganizationDeleteView(generic.ObjectDeleteView):
    model = Organization


class OrganizationLinkTable(Table):
    columns = (
        Column("provider__name", _("service provider"), linkify=True),
        Column("client__name", _("client")),
        Column("since"),
        Column("created_at"),
    )
    default_order = ("provider__name", "client__name")


class OrganizationLinkListView(generic.ObjectListView):
    model = OrganizationLink
    table_class = OrganizationLinkTable
    filterset_class = OrganizationLinkFilterSet

    def get_queryset(self):
        return super().get_queryset().select_related("provider", "client")


class OrganizationLinkDetailView(generic.ObjectDetailView):
    model = OrganizationLink
    detail_fields = ("provider", "client", "since", "created_at")


class OrganizationLinkEditView(generic.ObjectEditView):
    model = OrganizationLink
    form_class = OrganizationLinkForm


class OrganizationLinkDeleteView(generic.ObjectDeleteView):
    model = OrganizationLink
