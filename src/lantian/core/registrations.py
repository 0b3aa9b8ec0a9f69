"""The core models, registered once: their tables, filters, forms and detail pages."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from lantian.core import filtersets, imports
from lantian.core.account_forms import UserForm
from lantian.core.forms import DivisionForm, OrganizationForm, OrganizationLinkForm
from lantian.core.models import AccessEvent, Division, Organization, OrganizationLink, Role, User
from lantian.core.registry import register
from lantian.core.role_forms import RoleForm
from lantian.core.tables import Column, Table
from lantian.core.views import accounts as account_views
from lantian.core.views import organizations as organization_views
from lantian.core.views import roles as role_views


class DivisionTable(Table):
    columns = (
        Column("code", linkify=True),
        Column("name", linkify=True),
        Column("level"),
        Column("parent__name", _("parent division")),
    )
    default_order = ("code",)


class OrganizationTable(Table):
    columns = (
        Column("name", linkify=True),
        Column("short_name", visible=False),
        Column("kind"),
        Column("parent__name", _("parent organization")),
        Column("division__name", _("division")),
        Column("credit_code"),
        Column("address", visible=False),
        Column("contact_person"),
        Column("contact_phone", sortable=False),
        Column("longitude", visible=False),
        Column("latitude", visible=False),
        Column("is_active"),
        Column("created_at", visible=False),
    )
    default_order = ("path",)


class OrganizationLinkTable(Table):
    columns = (
        Column("provider__name", _("service provider"), linkify=True),
        Column("client__name", _("client")),
        Column("since"),
        Column("created_at"),
    )
    default_order = ("provider__name", "client__name")


class UserTable(Table):
    columns = (
        Column("username", linkify=True),
        Column("name"),
        Column("organization__name", pgettext_lazy("field", "organization")),
        Column("roles", sortable=False),
        Column("phone", sortable=False),
        Column("email", sortable=False, visible=False),
        Column("is_active"),
        Column("last_login"),
        Column("date_joined", visible=False),
    )
    default_order = ("organization__path", "username")


class RoleTable(Table):
    columns = (
        Column("name", linkify=True),
        Column("code"),
        Column("description", sortable=False),
        Column("builtin"),
    )
    default_order = ("pk",)


class AccessEventTable(Table):
    columns = (
        Column("at"),
        Column("kind"),
        Column("username"),
        Column("user__organization__name", pgettext_lazy("field", "organization"), sortable=False),
        Column("ip_address"),
        Column("detail", sortable=False),
        Column("user_agent", sortable=False, visible=False),
    )
    default_order = ("-at", "-pk")


register(
    Division,
    table=DivisionTable,
    filterset=filtersets.DivisionFilterSet,
    form=DivisionForm,
    importer=imports.DIVISIONS,
    detail_fields=("code", "name", "level", "parent"),
    detail_template="core/division_detail.html",
    views={"detail": organization_views.DivisionDetailView},
)
register(
    Organization,
    table=OrganizationTable,
    filterset=filtersets.OrganizationFilterSet,
    form=OrganizationForm,
    importer=imports.ORGANIZATIONS,
    detail_fields=(
        "name",
        "short_name",
        "kind",
        "parent",
        "division",
        "credit_code",
        "address",
        "contact_person",
        "contact_phone",
        "longitude",
        "latitude",
        "is_active",
        "created_at",
        "updated_at",
    ),
    detail_template="core/organization_detail.html",
    views={"detail": organization_views.OrganizationDetailView},
)
register(
    OrganizationLink,
    table=OrganizationLinkTable,
    filterset=filtersets.OrganizationLinkFilterSet,
    form=OrganizationLinkForm,
    detail_fields=("provider", "client", "since", "created_at"),
)
register(
    User,
    table=UserTable,
    filterset=filtersets.UserFilterSet,
    form=UserForm,
    importer=imports.USERS,
    detail_fields=(
        "username",
        "name",
        "organization",
        "roles",
        "phone",
        "email",
        "is_active",
        "must_change_password",
        "last_login",
        "date_joined",
        "password_changed_at",
    ),
    detail_template="core/user_detail.html",
    views={"detail": account_views.UserDetailView},
    # Accounts are disabled, never deleted: their history must stay attributable.
    actions=frozenset({"list", "detail", "export", "add", "edit", "bulk_edit", "import", "import_template"}),
)
register(
    Role,
    table=RoleTable,
    filterset=filtersets.RoleFilterSet,
    form=RoleForm,
    detail_fields=("name", "code", "description", "builtin", "sees_everything", "org_kinds"),
    detail_template="core/role_detail.html",
    views={
        "detail": role_views.RoleDetailView,
        "add": role_views.RoleEditView,
        "edit": role_views.RoleEditView,
        "delete": role_views.RoleDeleteView,
    },
    # Permissions are ticked role by role in the tree; bulk edits would bypass the editor's checks.
    actions=frozenset({"list", "detail", "export", "add", "edit", "delete"}),
)
register(
    AccessEvent,
    table=AccessEventTable,
    filterset=filtersets.AccessEventFilterSet,
    actions=frozenset({"list", "export"}),
)
