"""Form plumbing shared by every page: Tabler styling and scoped dropdowns."""

from django import forms

from lantian.core.scope import RestrictedQuerySet


class ScopedFormMixin:
    """Styles widgets for Tabler and limits every dropdown to objects the user may see.

    ``action`` is the write the form performs; dropdowns of organisation-bound models offer only
    what lies in the user's scope for that action.
    """

    def __init__(self, *args, user, action: str = "change", **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.action = action
        for field in self.fields.values():
            queryset = getattr(field, "queryset", None)
            if isinstance(queryset, RestrictedQuerySet):
                field.queryset = queryset.restrict(user, "view").within_scope(user, action)
            style_widget(field.widget)


def style_widget(widget: forms.Widget) -> None:
    if isinstance(widget, forms.CheckboxInput | forms.CheckboxSelectMultiple | forms.RadioSelect):
        css = "form-check-input"
    elif isinstance(widget, forms.Select):
        css = "form-select"
    else:
        css = "form-control"
    if css not in widget.attrs.get("class", "").split():
        widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()


class OrganizationForm(ScopedFormMixin, forms.ModelForm):
    class Meta:
        from lantian.core.models import Organization

        model = Organization
        fields = [
            "name", "short_name", "kind", "parent", "division", "credit_code", "address",
            "contact_person", "contact_phone", "longitude", "latitude", "is_active",
        ]  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from lantian.core.scope import scope_for

        scope = scope_for(self.user)
        own_root = self.instance.pk is not None and self.instance.pk == getattr(
            self.user, "organization_id", None
        )
        if own_root and not scope.everything:
            # The root of one's own scope stays where it is: moving it would widen the scope.
            for name in ("parent", "kind", "is_active"):
                self.fields[name].disabled = True
            # The parent usually lies outside one's own scope; a disabled field still validates its value.
            self.fields["parent"].queryset = type(self.instance).objects.filter(pk=self.instance.parent_id)
        elif not scope.everything:
            self.fields["parent"].required = True
        if self.instance.pk:
            self.fields["parent"].queryset = self.fields["parent"].queryset.exclude(
                path__startswith=self.instance.path
            )


class OrganizationLinkForm(ScopedFormMixin, forms.ModelForm):
    class Meta:
        from lantian.core.models import OrganizationLink

        model = OrganizationLink
        fields = ["provider", "client", "since"]
        widgets = {"since": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from lantian.core.models import Organization

        self.fields["provider"].queryset = self.fields["provider"].queryset.filter(
            kind__in=[Organization.Kind.AGENCY, Organization.Kind.VENDOR]
        )
