"""The power archive's forms: scoped dropdowns (``ScopedFormMixin``); relations checked against the
enterprise in the form, so that pages, bulk edit, API and import apply the same rules."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from lantian.core.forms import ScopedFormMixin
from lantian.core.models import Organization
from lantian.hj212.models import Device
from lantian.power.models import (
    AlarmRule,
    CodeMapping,
    MonitoringPoint,
    PowerProfile,
    ProductionFacility,
    RunningThreshold,
    TreatmentFacility,
)


class EnterpriseFormMixin(ScopedFormMixin):
    """The enterprise dropdown offers enterprises only; an enterprise user's own is chosen already."""

    enterprise_field = "enterprise"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields.get(self.enterprise_field)
        if field is None:
            return
        field.queryset = field.queryset.filter(kind=Organization.Kind.ENTERPRISE)
        if not self.instance.pk and not self.is_bound and not self.initial.get(self.enterprise_field):
            choices = list(field.queryset[:2])
            if len(choices) == 1:
                self.initial[self.enterprise_field] = choices[0].pk


class PowerProfileForm(EnterpriseFormMixin, forms.ModelForm):
    class Meta:
        model = PowerProfile
        fields = [
            "enterprise", "credit_code", "industry", "industry_small_category", "address", "longitude",
            "latitude", "remark",
        ]  # fmt: skip
        widgets = {"remark": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["enterprise"].disabled = True  # a profile stays with its enterprise


class ProductionFacilityForm(EnterpriseFormMixin, forms.ModelForm):
    class Meta:
        model = ProductionFacility
        fields = ["enterprise", "code", "name", "remark"]


class TreatmentFacilityForm(EnterpriseFormMixin, forms.ModelForm):
    class Meta:
        model = TreatmentFacility
        fields = ["enterprise", "code", "name", "serves", "remark"]

    def clean(self):
        data = super().clean()
        if problem := serves_problem(data.get("enterprise"), data.get("serves")):
            self.add_error("serves", problem)
        return data


def serves_problem(enterprise, serves):
    """What is wrong with a treatment facility of ``enterprise`` serving ``serves`` (the form and the
    imports ask the same), or None."""
    if enterprise and serves and any(facility.enterprise_id != enterprise.pk for facility in serves):
        return _("A treatment facility serves production facilities of its own enterprise.")
    return None


KIND_FIXED = _("Fixed once the point exists; a meter of another kind is a new point.")


class MonitoringPointForm(EnterpriseFormMixin, forms.ModelForm):
    class Meta:
        model = MonitoringPoint
        fields = [
            "enterprise", "code", "name", "kind", "production_facility", "treatment_facility", "device",
            "rated_power_kw", "ct_ratio", "pt_ratio", "networked_on", "is_active",
        ]  # fmt: skip

    FACILITY_OF_KIND = {
        MonitoringPoint.Kind.PRODUCTION: "production_facility",
        MonitoringPoint.Kind.TREATMENT: "treatment_facility",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        device = self.fields["device"]
        device.queryset = device.queryset.filter(kind=Device.Kind.POWER_METER)
        if self.instance.pk:
            self._fix_kind()

    def _fix_kind(self):
        """A saved point keeps its kind: its thresholds, states and alarm history are read by it. Its
        edit form offers only the facility of that kind (another kind is a new point)."""
        kind = self.fields["kind"]
        kind.disabled = True
        kind.help_text = KIND_FIXED
        own = self.FACILITY_OF_KIND.get(self.instance.kind)
        for name in self.FACILITY_OF_KIND.values():
            if name != own:
                self.fields.pop(name, None)


class RunningThresholdForm(ScopedFormMixin, forms.ModelForm):
    """A threshold on a total-supply point is refused by ``RunningThreshold.clean`` (pages, API, import)."""

    class Meta:
        model = RunningThreshold
        fields = ["point", "valid_from", "threshold_kw", "reason"]


class CodeMappingForm(ScopedFormMixin, forms.ModelForm):
    class Meta:
        model = CodeMapping
        fields = ["code", "quantity", "factor", "source"]

    def clean_factor(self):
        factor = self.cleaned_data["factor"]
        if factor == 0:
            raise ValidationError(_("A factor of 0 would erase every value."))
        return factor


class AlarmRuleForm(ScopedFormMixin, forms.ModelForm):
    class Meta:
        model = AlarmRule
        fields = [
            "code",
            "name",
            "kind",
            "minutes",
            "share",
            "night_start",
            "night_end",
            "enabled",
            "description",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}
