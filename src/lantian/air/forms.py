"""Forms of the air-quality pages: stations (coordinates in any of the three systems), audit marks,
handling an anomaly, rules and benchmark figures."""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from lantian.core.forms import ScopedFormMixin
from lantian.core.models import Organization
from lantian.core.standards.coordinates import BD09, GCJ02, WGS84, convert

from .models import Anomaly, AnomalyRule, AuditMark, BenchmarkFigure, Station
from .parameters import PARAMETERS, parse_keys

COORDINATE_SYSTEMS = [
    (WGS84, _("WGS84 (GPS, HJ 212 stations)")),
    (GCJ02, _("GCJ-02 (Amap, Tencent)")),
    (BD09, _("BD-09 (Baidu)")),
]
SIX_PLACES = Decimal("0.000001")
STATION_OWNER_KINDS = (Organization.Kind.REGULATOR, Organization.Kind.DEPARTMENT, Organization.Kind.DIVISION)


def to_wgs84(lat, lng, system: str) -> tuple[Decimal, Decimal]:
    """Coordinates typed in ``system`` as WGS84 decimals of six places (about 0.1 m)."""
    w_lat, w_lng = convert(float(lat), float(lng), system, WGS84)
    return (
        Decimal(repr(w_lat)).quantize(SIX_PLACES, ROUND_HALF_EVEN),
        Decimal(repr(w_lng)).quantize(SIX_PLACES, ROUND_HALF_EVEN),
    )


class StationForm(ScopedFormMixin, forms.ModelForm):
    coordinate_system = forms.ChoiceField(
        label=_("coordinates entered in"),
        choices=COORDINATE_SYSTEMS,
        initial=WGS84,
        help_text=_("Coordinates copied from Amap or Baidu are converted to WGS84 when saved."),
    )
    parameter_keys = forms.MultipleChoiceField(
        label=_("parameters measured"),
        choices=[(p.key, p.label) for p in PARAMETERS],
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Station
        fields = [
            "organization",
            "kind",
            "code",
            "name",
            "coordinate_system",
            "latitude",
            "longitude",
            "device",
            "parameter_keys",
            "reference_station",
            "active_from",
            "active_until",
            "remark",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = self.fields["organization"].queryset.filter(
            kind__in=STATION_OWNER_KINDS
        )
        if self.instance.pk:
            self.fields["reference_station"].queryset = self.fields["reference_station"].queryset.exclude(
                pk=self.instance.pk
            )
        self.initial.setdefault("parameter_keys", parse_keys(self.instance.parameters or ""))

    def clean(self):
        cleaned = super().clean()
        lat, lng = cleaned.get("latitude"), cleaned.get("longitude")
        system = cleaned.get("coordinate_system") or WGS84
        if lat is not None and lng is not None and system != WGS84:
            cleaned["latitude"], cleaned["longitude"] = to_wgs84(lat, lng, system)
        return cleaned

    def _post_clean(self):
        keys = self.cleaned_data.get("parameter_keys")
        if keys:
            self.instance.parameters = ",".join(parse_keys(",".join(keys)))
        super()._post_clean()


class AuditMarkForm(ScopedFormMixin, forms.ModelForm):
    class Meta:
        model = AuditMark
        fields = ["station", "parameter", "start", "end", "reason", "note"]

    def clean(self):
        cleaned = super().clean()
        for name in ("start", "end"):
            moment = cleaned.get(name)
            if moment is not None and (moment.minute or moment.second or moment.microsecond):
                self.add_error(name, _("Give the start of an hour (minutes 00)."))
        return cleaned


class AnomalyForm(ScopedFormMixin, forms.ModelForm):
    """An analyst's handling: confirmed (a fault, usually linked to an audit mark) or explained."""

    class Meta:
        model = Anomaly
        fields = ["status", "explanation", "audit_mark", "field_check"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["audit_mark"].queryset = self.fields["audit_mark"].queryset.filter(
                station=self.instance.station_id
            )

    def clean(self):
        cleaned = super().clean()
        status = cleaned.get("status")
        if status == Anomaly.Status.EXPLAINED and not (cleaned.get("explanation") or "").strip():
            self.add_error("explanation", _("Say why this is not a fault."))
        if status == Anomaly.Status.CONFIRMED and not (
            cleaned.get("audit_mark") or cleaned.get("field_check")
        ):
            self.add_error(
                "audit_mark", _("A confirmed anomaly is linked to an audit mark or a field check.")
            )
        return cleaned


class AnomalyRuleForm(ScopedFormMixin, forms.ModelForm):
    class Meta:
        model = AnomalyRule
        fields = ["code", "enabled", "hours", "threshold", "description"]

    def clean_hours(self):
        hours = self.cleaned_data["hours"]
        if not 1 <= hours <= 168:
            raise forms.ValidationError(_("Between 1 and 168 hours."))
        return hours


class BenchmarkFigureForm(ScopedFormMixin, forms.ModelForm):
    class Meta:
        model = BenchmarkFigure
        fields = ["organization", "county", "year", "month", "composite_index", "pm25", "pm10", "good_ratio"]
