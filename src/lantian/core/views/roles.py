"""Role pages: the detail page shows what a role grants as the permission tree; the editor ticks it.

Built-in roles are read-only here (``lantian.core.roles``); a custom role is changed or deleted only
by someone who holds everything it grants and manages every account holding it."""

from django.contrib import messages
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from lantian.core.models import Organization
from lantian.core.permission_tree import permission_key, permission_tree
from lantian.core.roles import edit_problems, grantable_permissions
from lantian.core.views import generic


def refuse(request, role, problems) -> HttpResponseRedirect:
    for problem in problems:
        messages.error(request, problem)
    return HttpResponseRedirect(role.get_absolute_url())


class RoleDetailView(generic.ObjectDetailView):
    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        role = self.object
        permissions = list(role.permissions.select_related("content_type"))
        grantable = set(grantable_permissions().values_list("pk", flat=True))
        shown = [perm for perm in permissions if perm.pk in grantable]
        problems = edit_problems(self.request.user, role)
        context.update(
            # Permissions of the platform's internal tables (sessions, password history …) that a
            # wildcard in a data file grants are counted, not listed: no page asks for them.
            tree=permission_tree(shown, checked=[perm.pk for perm in shown]),
            permission_count=len(shown),
            internal_count=len(permissions) - len(shown),
            holder_count=role.users.count(),
            edit_problems=problems,
            copy_url=f"{self.registration.url('add')}?copy={role.pk}" if self.can("add") else None,
        )
        if problems:
            context["edit_url"] = context["delete_url"] = None
        return context

    @staticmethod
    def field_row(obj, name: str) -> dict:
        row = generic.ObjectDetailView.field_row(obj, name)
        if name == "org_kinds":
            labels = dict(Organization.Kind.choices)
            row["value"] = [str(labels.get(kind, kind)) for kind in obj.org_kinds] or _("any")
        return row


class RoleEditView(generic.ObjectEditView):
    template_name = "core/role_edit.html"

    def get(self, request, *args, **kwargs):
        if "pk" in kwargs:
            role = get_object_or_404(self.restricted(), pk=kwargs["pk"])
            problems = edit_problems(request.user, role)
            if problems:
                return refuse(request, role, problems)
        return super().get(request, *args, **kwargs)

    def get_form(self, data=None, files=None):
        form = super().get_form(data, files)
        source = self.request.GET.get("copy", "")
        if data is None and not self.object.pk and source.isdigit():
            self.copy_from(form, get_object_or_404(self.restricted("view"), pk=source))
        return form

    @staticmethod
    def copy_from(form, role) -> None:
        """Start a new role from another: its kinds and description, and those of its permissions the
        editor may grant (a built-in role is copied to be extended without being changed)."""
        held = form.user.get_all_permissions()
        form.initial.update(
            description=role.description,
            org_kinds=role.org_kinds,
            permissions=[
                perm.pk
                for perm in role.permissions.select_related("content_type")
                if permission_key(perm) in held
            ],
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["tree"] = context["form"].permission_tree()
        return context


class RoleDeleteView(generic.ObjectDeleteView):
    def get(self, request, *args, **kwargs):
        role = get_object_or_404(self.restricted(), pk=kwargs["pk"])
        problems = edit_problems(request.user, role) or self.in_use(role)
        return refuse(request, role, problems) if problems else super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        role = get_object_or_404(self.restricted(), pk=kwargs["pk"])
        problems = edit_problems(request.user, role) or self.in_use(role)
        return refuse(request, role, problems) if problems else super().post(request, *args, **kwargs)

    @staticmethod
    def in_use(role) -> list[str]:
        count = role.users.count()
        if not count:
            return []
        return [
            ngettext(
                "%(role)s is still held by %(count)d account: take it away first.",
                "%(role)s is still held by %(count)d accounts: take it away first.",
                count,
            )
            % {"role": role, "count": count}
        ]
