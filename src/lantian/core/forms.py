"""Form plumbing shared by every page: Tabler styling, ISO date inputs, searchable and scoped dropdowns."""

from django import forms
from django.db.models import Q
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext_lazy as _

from lantian.core.dropdowns import PLEASE_CHOOSE, label_empty_choice
from lantian.core.scope import RestrictedQuerySet
from lantian.core.validators import NoControlCharacters

# (widget, HTML input type, the value format that input type reads and writes). A browser shows a
# date input blank unless its value is ISO, and posts ISO back: the localised format would be lost.
# Times keep their seconds (an instrument's reading times have them; a minutes-only value would change
# the stored time on every edit), so those inputs step by one second.
ISO_INPUTS = (
    (forms.DateTimeInput, "datetime-local", "%Y-%m-%dT%H:%M:%S"),
    (forms.DateInput, "date", "%Y-%m-%d"),
    (forms.TimeInput, "time", "%H:%M:%S"),
)


class ScopedFormMixin:
    """Styles widgets for Tabler and limits every dropdown to objects the user may see.

    ``action`` is the write the form performs; dropdowns of organisation-bound models offer only
    what lies in the user's scope for that action. Relation dropdowns are searchable (Tom Select,
    wired by ``lantian.js`` on ``data-searchable``): their lists may run to hundreds of rows.
    """

    def __init__(self, *args, user, action: str = "change", **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.action = action
        for name, field in self.fields.items():
            queryset = getattr(field, "queryset", None)
            if isinstance(queryset, RestrictedQuerySet):
                field.queryset = queryset.restrict(user, "view").within_scope(user, action)
            if isinstance(field, forms.CharField):
                # The models' rule (lantian.core.validators), judged first: before a form's own checks
                # echo the character back in their message.
                multiline = isinstance(field.widget, forms.Textarea)
                field.validators.append(NoControlCharacters(field.label or name, multiline))
                if multiline:
                    field.to_python = plain_line_breaks(field.to_python)
            if isinstance(field, forms.ModelChoiceField) and isinstance(field.widget, forms.Select):
                field.widget.attrs.update({"data-searchable": "", "data-no-results": _("Nothing matches.")})
            style_widget(field.widget)
            label_empty_choice(field, PLEASE_CHOOSE)


def plain_line_breaks(to_python):
    """A browser posts a textarea's lines joined by CRLF; the API and the import send LF. Stored as LF,
    whatever the way in: a page saved unchanged changes nothing (``has_changed`` sees the same text)."""

    def convert(value):
        value = to_python(value)
        return value.replace("\r\n", "\n").replace("\r", "\n") if isinstance(value, str) else value

    return convert


def style_widget(widget: forms.Widget) -> None:
    if isinstance(widget, forms.CheckboxInput | forms.CheckboxSelectMultiple | forms.RadioSelect):
        css = "form-check-input"
    elif isinstance(widget, forms.Select):
        css = "form-select"
    else:
        css = "form-control"
    if css not in widget.attrs.get("class", "").split():
        widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()
    for kind, input_type, value_format in ISO_INPUTS:
        if isinstance(widget, kind):
            widget.input_type, widget.format = input_type, value_format
            if input_type != "date":
                widget.attrs.setdefault("step", "1")
            break


def current_data(form: forms.BaseForm) -> MultiValueDict:
    """What a browser posts back for the unbound ``form`` as rendered: each field's current value.

    Uploads are left out (a file input posts nothing unchanged; the form keeps the stored file).
    """
    data = MultiValueDict()
    for name, field in form.fields.items():
        if isinstance(field, forms.FileField):
            continue
        value = form[name].value()
        if getattr(field.widget, "allow_multiple_selected", False):
            data.setlist(name, [] if value is None else list(value))
        else:
            data.setlist(name, ["" if value is None else value])
    return data


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

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from lantian.core.models import Organization

        # Providers are chosen from every testing agency and operations vendor, not from the user's own
        # tree: a county bureau links its enterprises to agencies filed with the city. The link's scope
        # is its client's (the enterprise must be the user's to link).
        providers = Organization.objects.filter(kind__in=[Organization.Kind.AGENCY, Organization.Kind.VENDOR])
        if self.instance.pk:
            providers = providers.filter(Q(is_active=True) | Q(pk=self.instance.provider_id))
        else:
            providers = providers.filter(is_active=True)
        self.fields["provider"].queryset = providers


def division_errors(code: str, level: str, parent) -> dict[str, str]:
    """GB/T 2260 structure of a division: a well-formed code, and the level and parent that code implies."""
    from django.utils.translation import gettext as _

    from lantian.core.models import Division
    from lantian.core.standards.division_code import DivisionCodeError, division_level, parent_code

    try:
        implied = division_level(code)
    except DivisionCodeError:
        return {"code": _("%(code)s is not a GB/T 2260 six-digit division code.") % {"code": code}}
    errors = {}
    if level and level != implied:
        errors["level"] = _("Code %(code)s is at the level %(level)s.") % {
            "code": code,
            "level": Division.Level(implied).label,
        }
    expected = parent_code(code)
    actual = parent.code if parent is not None else None
    if expected != actual:
        errors["parent"] = (
            _("A province has no parent division.")
            if expected is None
            else _("The parent division of %(code)s is %(parent)s.") % {"code": code, "parent": expected}
        )
    return errors


class DivisionForm(ScopedFormMixin, forms.ModelForm):
    """Divisions are reference data: only holders of add/change_division (system administrators) edit them."""

    class Meta:
        from lantian.core.models import Division

        model = Division
        fields = ["code", "name", "level", "parent"]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("code") and not self.errors:
            errors = division_errors(cleaned["code"], cleaned.get("level"), cleaned.get("parent"))
            for name, message in errors.items():
                self.add_error(name, message)
        return cleaned
