"""The filing's forms: scoped dropdowns (``ScopedFormMixin``), an agency files only for itself."""

from django import forms

from lantian.agencies.models import (
    AgencyFiling,
    Instrument,
    QualificationDocument,
    StaffMember,
    TrainingRecord,
)
from lantian.core.forms import ScopedFormMixin
from lantian.core.models import Organization


class AgencyFilingForm(ScopedFormMixin, forms.ModelForm):
    class Meta:
        model = AgencyFiling
        fields = [
            "agency", "legal_representative", "registered_capital", "business_scope", "laboratory_address",
            "cma_number", "cma_valid_until", "contact_person", "contact_phone", "introduction",
        ]  # fmt: skip
        widgets = {
            "business_scope": forms.Textarea(attrs={"rows": 3}),
            "introduction": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        agencies = self.fields["agency"].queryset.filter(kind=Organization.Kind.AGENCY)
        if self.instance.pk:
            # A filing stays with its agency.
            self.fields["agency"].disabled = True
            self.fields["agency"].queryset = Organization.objects.filter(pk=self.instance.agency_id)
            return
        agencies = agencies.filter(agency_filing__isnull=True)  # one filing per agency
        self.fields["agency"].queryset = agencies
        if not self.is_bound and len(choices := list(agencies[:2])) == 1:
            # An agency files for itself: start from what the organisation already says.
            agency = choices[0]
            starting = {
                "agency": agency.pk,
                "laboratory_address": agency.address,
                "contact_person": agency.contact_person,
                "contact_phone": agency.contact_phone,
            }
            for name, value in starting.items():
                if not self.initial.get(name):
                    self.initial[name] = value


class FilingPartForm(ScopedFormMixin, forms.ModelForm):
    """A row of a filing: the filing dropdown offers the filings the user may change; when that is one
    (an agency's own), it is chosen already."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        filings = self.fields["filing"].queryset.select_related("agency")
        self.fields["filing"].queryset = filings
        if not self.instance.pk and not self.is_bound and not self.initial.get("filing"):
            choices = list(filings[:2])
            if len(choices) == 1:
                self.initial["filing"] = choices[0].pk


class StaffMemberForm(FilingPartForm):
    class Meta:
        model = StaffMember
        fields = [
            "filing", "name", "gender", "id_number", "position", "title", "certificate_name",
            "certificate_number", "certificate_valid_until",
        ]  # fmt: skip


class InstrumentForm(FilingPartForm):
    class Meta:
        model = Instrument
        fields = [
            "filing", "name", "model_number", "serial_number", "detector_type", "calibration_certificate",
            "calibration_due",
        ]  # fmt: skip


class QualificationDocumentForm(FilingPartForm):
    class Meta:
        model = QualificationDocument
        fields = ["filing", "kind", "title", "number", "issuer", "issued_on", "valid_until"]


class TrainingRecordForm(FilingPartForm):
    class Meta:
        model = TrainingRecord
        fields = ["filing", "date", "topic", "trainer", "hours", "participants"]
        widgets = {"participants": forms.Textarea(attrs={"rows": 2})}
