"""The role editor's form: what a role grants, who may hold it, and the rule that nobody puts into a
role more than they hold themselves. Pages and the API both write roles through it."""

from types import SimpleNamespace

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from lantian.core.forms import ScopedFormMixin
from lantian.core.models import Organization, Role
from lantian.core.permission_tree import permission_key, permission_tree
from lantian.core.roles import edit_problems, grant_problems, grantable_permissions, set_permissions
from lantian.core.scope import scope_for


class RoleForm(ScopedFormMixin, forms.ModelForm):
    org_kinds = forms.MultipleChoiceField(
        label=_("organization kinds"),
        choices=Organization.Kind.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Only users of these kinds of organization may be given the role."),
    )
    permissions = forms.ModelMultipleChoiceField(
        label=_("permissions"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Role
        # ``permissions`` is written by ``set_permissions`` (readable change log), not by the ModelForm.
        fields = ["name", "code", "description", "org_kinds", "sees_everything"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["permissions"].queryset = grantable_permissions()
        if self.instance.pk:
            self.fields["code"].disabled = True  # data files, imports and scripts name roles by code
            self.initial.setdefault("permissions", [perm.pk for perm in self.instance.permissions.all()])
        if not scope_for(self.user).everything:
            # Shown, not offered; a value sent anyway is refused in clean(), not silently dropped.
            self.fields["sees_everything"].widget.attrs["disabled"] = True

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk:
            for problem in edit_problems(self.user, self.instance):
                self.add_error(None, problem)
        for problem in grant_problems(
            self.user, cleaned.get("permissions") or (), bool(cleaned.get("sees_everything"))
        ):
            self.add_error("permissions", problem)
        kinds = cleaned.get("org_kinds")
        if kinds and self.instance.pk:
            unfit = (
                self.instance.users.filter(organization__isnull=False)
                .exclude(organization__kind__in=kinds)
                .count()
            )
            if unfit:
                self.add_error(
                    "org_kinds",
                    ngettext(
                        "%(count)d account holding this role belongs to a kind of organization left out.",
                        "%(count)d accounts holding this role belong to kinds of organization left out.",
                        unfit,
                    )
                    % {"count": unfit},
                )
        return cleaned

    def _save_m2m(self):
        super()._save_m2m()
        set_permissions(self.instance, self.cleaned_data["permissions"])

    @property
    def main_fields(self) -> SimpleNamespace:
        """The form as ``includes/form_fields.html`` renders it, without the permissions, which the
        editor shows as a tree beside it."""
        return SimpleNamespace(
            non_field_errors=self.non_field_errors,
            hidden_fields=self.hidden_fields,
            visible_fields=[field for field in self.visible_fields() if field.name != "permissions"],
        )

    def permission_tree(self):
        """The tree of what this editor may grant, ticked as the form stands (posted or stored)."""
        held = self.user.get_all_permissions()
        offered = [perm for perm in self.fields["permissions"].queryset if permission_key(perm) in held]
        value = self["permissions"].value() or []
        checked = {
            int(getattr(item, "pk", item)) for item in value if str(getattr(item, "pk", item)).isdigit()
        }
        return permission_tree(offered, checked=checked)
