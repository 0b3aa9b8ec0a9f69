from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from lantian.core import accounts
from lantian.core.account_forms import SetPasswordForm, UserForm
from lantian.core.filtersets import LoginEventFilterSet, RoleFilterSet, UserFilterSet
from lantian.core.models import LoginEvent, Role, User
from lantian.core.tables import Column, Table
from lantian.core.views import generic


class UserTable(Table):
    columns = (
        Column("username", linkify=True),
        Column("name"),
        Column("organization__name", pgettext_lazy("field", "organization")),
        Column("roles", sortable=False),
        Column("phone", sortable=False),
        Column("is_active"),
        Column("last_login"),
    )
    default_order = ("organization__path", "username")


class UserListView(generic.ObjectListView):
    model = User
    table_class = UserTable
    filterset_class = UserFilterSet

    def get_queryset(self):
        return super().get_queryset().select_related("organization").prefetch_related("roles")


class UserDetailView(generic.ObjectDetailView):
    model = User
    template_name = "core/user_detail.html"
    detail_fields = (
        "username", "name", "organization", "roles", "phone", "email", "is_active",
        "must_change_password", "last_login", "date_joined", "password_changed_at",
    )  # fmt: skip

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        target = self.object
        context.update(
            locked=accounts.is_locked(target),
            can_manage=self.restricted("change").filter(pk=target.pk).exists()
            and target.pk != self.request.user.pk,
            login_events=LoginEvent.objects.restrict(self.request.user).filter(user=target)[:20],
        )
        return context


class UserEditView(generic.ObjectEditView):
    model = User
    form_class = UserForm


class UserManageView(generic.ObjectView, generic.TemplateView):
    """The account actions an administrator takes on someone else's account."""

    model = User
    action = "change"

    def target(self):
        target = get_object_or_404(self.restricted(), pk=self.kwargs["pk"])
        if target.pk == self.request.user.pk:
            raise generic.PermissionDenied
        return target


class UserSetPasswordView(UserManageView):
    template_name = "core/user_set_password.html"

    def get(self, request, *args, **kwargs):
        target = self.target()
        return self.render_to_response(self.get_context_data(object=target, form=SetPasswordForm(target)))

    def post(self, request, *args, **kwargs):
        target = self.target()
        form = SetPasswordForm(target, request.POST)
        if form.is_valid():
            accounts.reset_password(request.user, target, form.cleaned_data["password1"])
            messages.success(
                request,
                _("The password of %(user)s was reset; they must change it at the next login.")
                % {"user": target},
            )
            return redirect(target)
        return self.render_to_response(self.get_context_data(object=target, form=form))


class UserSetActiveView(UserManageView):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        target = self.target()
        active = request.POST.get("active") == "1"
        accounts.set_active(request.user, target, active)
        messages.success(
            request, (_("Enabled %(user)s.") if active else _("Disabled %(user)s.")) % {"user": target}
        )
        return redirect(target)


class UserUnlockView(UserManageView):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        target = self.target()
        accounts.unlock(request.user, target)
        messages.success(request, _("Unlocked %(user)s.") % {"user": target})
        return redirect(target)


class RoleTable(Table):
    columns = (
        Column("name", linkify=True),
        Column("code"),
        Column("description", sortable=False),
        Column("builtin"),
    )
    default_order = ("pk",)


class RoleListView(generic.ObjectListView):
    model = Role
    table_class = RoleTable
    filterset_class = RoleFilterSet


class RoleDetailView(generic.ObjectDetailView):
    model = Role
    template_name = "core/role_detail.html"
    detail_fields = ("name", "code", "description", "builtin", "sees_everything", "org_kinds")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["permissions"] = self.object.permissions.select_related("content_type").order_by(
            "content_type__app_label", "content_type__model", "codename"
        )
        return context


class LoginEventTable(Table):
    columns = (
        Column("at"),
        Column("kind"),
        Column("username"),
        Column("user__organization__name", pgettext_lazy("field", "organization"), sortable=False),
        Column("ip_address"),
        Column("user_agent", sortable=False),
    )
    default_order = ("-at", "-pk")


class LoginEventListView(generic.ObjectListView):
    model = LoginEvent
    table_class = LoginEventTable
    filterset_class = LoginEventFilterSet

    def get_queryset(self):
        return super().get_queryset().select_related("user__organization")
