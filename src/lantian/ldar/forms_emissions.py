"""Forms of the emissions pages: the same rules for the page, bulk edit and the API."""

from django import forms
from django.utils.translation import gettext_lazy as _

from lantian.core.forms import ScopedFormMixin
from lantian.core.models import Organization
from lantian.ldar.emissions import coefficient_set_for
from lantian.ldar.models import EmissionAccount, EmissionCoefficient, EnterpriseProfile


class EmissionCoefficientForm(ScopedFormMixin, forms.ModelForm):
    """The values of one cell; which cell it is stays as seeded (every cell always exists)."""

    class Meta:
        model = EmissionCoefficient
        fields = [
            "coefficient_set", "component_type", "material_state", "a", "b", "default_zero", "pegged",
            "average_factor", "source", "note",
        ]  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("coefficient_set", "component_type", "material_state"):
            self.fields[name].disabled = True


class EmissionAccountForm(ScopedFormMixin, forms.ModelForm):
    """Which enterprise, period and coefficient set; saving computes the figures."""

    class Meta:
        model = EmissionAccount
        fields = ["enterprise", "start", "end", "coefficient_set"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = self.fields["enterprise"].queryset.filter(
            kind=Organization.Kind.ENTERPRISE
        )
        self.fields["coefficient_set"].required = False
        self.fields["coefficient_set"].help_text = _(
            "Empty: the set of the enterprise's industry (refining: 石油炼制, any other: 石油化工)."
        )
        if self.instance.pk:
            self.fields["enterprise"].disabled = True

    def clean(self):
        cleaned = super().clean()
        enterprise = cleaned.get("enterprise")
        if enterprise is not None and not cleaned.get("coefficient_set"):
            industry = (
                EnterpriseProfile.objects.filter(organization=enterprise)
                .values_list("industry", flat=True)
                .first()
            )
            cleaned["coefficient_set"] = coefficient_set_for(industry or "")
            self.instance.coefficient_set = cleaned["coefficient_set"]
        return cleaned
