"""The bureau's form of a guard rail: whether it is checked and its parameters, one field each, judged
before they reach the kernel (a bad value is an error on its own field, not a failed check later)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from lantian.core.forms import ScopedFormMixin, style_widget
from lantian.ldar.models import GuardRailRule
from lantian.ldar.models.guardrails import MAY_BE_ZERO, PARAMETERS, SHARES, WHOLE_NUMBERS, default_parameters


class GuardRailRuleForm(ScopedFormMixin, forms.ModelForm):
    class Meta:
        model = GuardRailRule
        fields = ["enabled"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.parameter_names = list(default_parameters(self.instance.code)) if self.instance.code else []
        current = (
            {**default_parameters(self.instance.code), **(self.instance.parameters or {})}
            if self.instance.code
            else {}
        )
        for name in self.parameter_names:
            label, help_text = PARAMETERS[name]
            kind = forms.IntegerField if name in WHOLE_NUMBERS else forms.FloatField
            field = kind(label=label, help_text=help_text, initial=current[name], required=True)
            if kind is forms.FloatField:
                field.widget.attrs["step"] = "any"
            style_widget(field.widget)
            self.fields[name] = field

    def clean(self):
        cleaned = super().clean()
        for name in self.parameter_names:
            value = cleaned.get(name)
            if value is None:
                continue
            if value < 0 or (value == 0 and name not in MAY_BE_ZERO):
                self.add_error(
                    name, _("Enter a number above 0.") if name not in MAY_BE_ZERO else _("Enter 0 or more.")
                )
            elif name in SHARES and value >= 1:
                self.add_error(name, _("Enter a share below 1, e.g. 0.1 for 10 %."))
        if not self.errors:
            self.instance.parameters = {name: cleaned[name] for name in self.parameter_names}
        return cleaned
