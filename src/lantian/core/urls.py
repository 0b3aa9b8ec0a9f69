from django.urls import path

from lantian.core.views import accounts, changelog, organizations

app_name = "core"


def object_urls(prefix: str, *, list_view=None, detail_view=None, edit_view=None, delete_view=None) -> list:
    """The URL set of a model: ``<prefix>_list``, ``_add``, ``_detail``, ``_edit``, ``_delete``."""
    routes = []
    if list_view:
        routes.append(path(f"{prefix}s/", list_view.as_view(), name=f"{prefix}_list"))
    if edit_view:
        routes.append(path(f"{prefix}s/add/", edit_view.as_view(), name=f"{prefix}_add"))
        routes.append(path(f"{prefix}s/<int:pk>/edit/", edit_view.as_view(), name=f"{prefix}_edit"))
    if detail_view:
        routes.append(path(f"{prefix}s/<int:pk>/", detail_view.as_view(), name=f"{prefix}_detail"))
    if delete_view:
        routes.append(path(f"{prefix}s/<int:pk>/delete/", delete_view.as_view(), name=f"{prefix}_delete"))
    return routes


urlpatterns = [
    *object_urls(
        "division", list_view=organizations.DivisionListView, detail_view=organizations.DivisionDetailView
    ),
    *object_urls(
        "organization",
        list_view=organizations.OrganizationListView,
        detail_view=organizations.OrganizationDetailView,
        edit_view=organizations.OrganizationEditView,
        delete_view=organizations.OrganizationDeleteView,
    ),
    *object_urls(
        "organizationlink",
        list_view=organizations.OrganizationLinkListView,
        detail_view=organizations.OrganizationLinkDetailView,
        edit_view=organizations.OrganizationLinkEditView,
        delete_view=organizations.OrganizationLinkDeleteView,
    ),
    *object_urls(
        "user",
        list_view=accounts.UserListView,
        detail_view=accounts.UserDetailView,
        edit_view=accounts.UserEditView,
    ),
    path("users/<int:pk>/password/", accounts.UserSetPasswordView.as_view(), name="user_set_password"),
    path("users/<int:pk>/active/", accounts.UserSetActiveView.as_view(), name="user_set_active"),
    path("users/<int:pk>/unlock/", accounts.UserUnlockView.as_view(), name="user_unlock"),
    *object_urls("role", list_view=accounts.RoleListView, detail_view=accounts.RoleDetailView),
    *object_urls("loginevent", list_view=accounts.LoginEventListView),
    path("changelog/", changelog.ChangeLogListView.as_view(), name="changelog_list"),
]
