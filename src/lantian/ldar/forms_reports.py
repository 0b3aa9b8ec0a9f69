"""Forms of the detection reports: the same rules for the page, bulk edit and the API."""

from django import forms

from lantian.core.forms import ScopedFormMixin
from lantian.core.models import Organization
from lantian.core.models.review import LOCKED_STATUSES
from lantian.ldar.models.reports import ReportLine, StatisticsReport, ThirdPartyReport


class StatisticsReportForm(ScopedFormMixin, forms.ModelForm):
    class Meta:
        model = StatisticsReport
        fields = ["enterprise", "kind", "cycle", "year", "remark"]
        widgets = {"remark": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = self.fields["enterprise"].queryset.filter(
            kind=Organization.Kind.ENTERPRISE
        )
        self.fields["cycle"].queryset = self.fields["cycle"].queryset.select_related("enterprise")
        if self.instance.pk:  # what the report is of stays; regenerate it instead
            for name in ("enterprise", "kind", "cycle", "year"):
                self.fields[name].disabled = True


class ReportLineForm(ScopedFormMixin, forms.ModelForm):
    class Meta:
        model = ReportLine
        fields = [
            "report",
            "position",
            "label",
            "controlled",
            "inaccessible",
            "detected",
            "leaking",
            "over_1000",
            "leak_times",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["report"].disabled = True
        else:
            self.fields["report"].queryset = self.fields["report"].queryset.exclude(
                status__in=LOCKED_STATUSES
            )


class ThirdPartyReportForm(ScopedFormMixin, forms.ModelForm):
    class Meta:
        model = ThirdPartyReport
        fields = [
            "cycle", "start", "end", "units", "controlled", "detected", "leaking", "repaired", "delayed",
            "emissions_t", "remark",
        ]  # fmt: skip
        widgets = {"units": forms.Textarea(attrs={"rows": 2}), "remark": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        cycles = self.fields["cycle"].queryset.select_related("enterprise")
        if self.instance.pk:
            self.fields["cycle"].disabled = True
        else:
            cycles = cycles.filter(third_party_report__isnull=True)
        self.fields["cycle"].queryset = cycles
        for name in ("start", "end"):
            self.fields[name].required = False

    def clean(self):
        cleaned = super().clean()
        cycle = cleaned.get("cycle")
        if cycle is not None:  # the cycle's accounting period unless given
            for name, default in (("start", cycle.accounting_start), ("end", cycle.accounting_end)):
                if not cleaned.get(name):
                    cleaned[name] = default
                    setattr(self.instance, name, default)
        return cleaned
