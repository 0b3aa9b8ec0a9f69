"""Account management forms: who may be given which role, and password setting by administrators."""

from django import forms
from django.contrib.auth import password_validation
from django.utils.translation import gettext_lazy as _

from lantian.core.forms import ScopedFormMixin
from lantian.core.models import User
from lantian.core.roles import assignable_roles, unfit_roles_message


class UserForm(ScopedFormMixin, forms.ModelForm):
    """Create or edit an account. A new account gets an initial password to be changed at first login."""

    password1 = forms.CharField(
        label=_("initial password"), widget=forms.PasswordInput, strip=False, required=False
    )
    password2 = forms.CharField(
        label=_("repeat password"), widget=forms.PasswordInput, strip=False, required=False
    )

    class Meta:
        model = User
        fields = ["username", "name", "organization", "roles", "phone", "email", "is_active"]
        widgets = {"roles": forms.CheckboxSelectMultiple}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].required = True
        self.fields["roles"].queryset = assignable_roles(self.user)
        self.fields["roles"].required = True
        if self.instance.pk:
            del self.fields["password1"], self.fields["password2"]
            if self.instance.pk == self.user.pk:
                # Nobody changes their own roles, organisation or status.
                for name in ("organization", "roles", "is_active"):
                    self.fields[name].disabled = True
        else:
            self.fields["password1"].required = self.fields["password2"].required = True
            self.fields["password1"].help_text = password_validation.password_validators_help_text_html()

    def clean(self):
        cleaned = super().clean()
        organization, roles = cleaned.get("organization"), cleaned.get("roles")
        if organization and roles and not self.fields["roles"].disabled:
            unfit = unfit_roles_message(organization, roles)
            if unfit:
                self.add_error("roles", unfit)
        if "password1" in self.fields:
            p1, p2 = cleaned.get("password1"), cleaned.get("password2")
            if p1 and p1 != p2:
                self.add_error("password2", _("The two passwords do not match."))
            elif p1:
                probe = User(username=cleaned.get("username", ""), email=cleaned.get("email", ""))
                try:
                    password_validation.validate_password(p1, probe)
                except forms.ValidationError as error:
                    self.add_error("password1", error)
        return cleaned

    def save(self, commit=True):
        user = super().save(commit=False)
        if not user.pk:
            user.set_password(self.cleaned_data["password1"])
            user.must_change_password = True
        if commit:
            user.save()
            self.save_m2m()
        return user


class SetPasswordForm(forms.Form):
    """An administrator resets someone's password; they must change it at their next login."""

    password1 = forms.CharField(label=_("new password"), widget=forms.PasswordInput, strip=False)
    password2 = forms.CharField(label=_("repeat password"), widget=forms.PasswordInput, strip=False)

    def __init__(self, target: User, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.target = target
        self.fields["password1"].help_text = password_validation.password_validators_help_text_html()
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-control"

    def clean(self):
        cleaned = super().clean()
        p1, p2 = cleaned.get("password1"), cleaned.get("password2")
        if p1 and p1 != p2:
            self.add_error("password2", _("The two passwords do not match."))
        elif p1:
            try:
                password_validation.validate_password(p1, self.target)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned
