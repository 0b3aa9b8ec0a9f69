"""The ops forms: scoped dropdowns (ScopedFormMixin); a part of a contract offers the contract's own
levels only."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from lantian.core.dropdowns import PLEASE_CHOOSE
from lantian.core.forms import ScopedFormMixin
from lantian.core.models import Organization
from lantian.ops import models as m
from lantian.ops.seeds import SLA_TEMPLATES, apply_sla_template


def form_for(model, fields, widgets=None, base=None):
    meta = type("Meta", (), {"model": model, "fields": list(fields), "widgets": widgets or {}})
    bases = (base,) if base is not None else (ScopedFormMixin, forms.ModelForm)
    return type(f"{model.__name__}Form", bases, {"Meta": meta, "__module__": __name__})


class ContractForm(ScopedFormMixin, forms.ModelForm):
    sla_template = forms.ChoiceField(
        label=_("severity levels"),
        required=False,
        help_text=_("On creation, start the contract's severity levels from a model; edit them afterwards."),
    )

    class Meta:
        model = m.Contract
        fields = [
            "name",
            "number",
            "client",
            "vendor",
            "systems",
            "on_site_staff",
            "contacts",
            "starts_on",
            "ends_on",
            "amount",
            "calendar",
            "scheme",
        ]
        widgets = {
            name: forms.Textarea(attrs={"rows": 3}) for name in ("systems", "on_site_staff", "contacts")
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["vendor"].queryset = self.fields["vendor"].queryset.filter(kind=Organization.Kind.VENDOR)
        self.fields["sla_template"].choices = [("", PLEASE_CHOOSE)] + [
            (k, t.label) for k, t in SLA_TEMPLATES.items()
        ]
        if self.instance.pk:
            del self.fields["sla_template"]

    def save(self, commit=True):
        contract = super().save(commit)
        if commit and self.cleaned_data.get("sla_template"):
            apply_sla_template(contract, self.cleaned_data["sla_template"])
        return contract


class ContractPartForm(ScopedFormMixin, forms.ModelForm):
    """A row of one contract: related dropdowns of the contract's own rows are checked in clean()."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "contract" in self.fields:
            contracts = self.fields["contract"].queryset
            if not self.instance.pk and not self.is_bound and len(choices := list(contracts[:2])) == 1:
                self.initial.setdefault("contract", choices[0].pk)


class IncidentForm(ContractPartForm):
    class Meta:
        model = m.Incident
        fields = [
            "contract",
            "kind",
            "channel",
            "severity",
            "title",
            "description",
            "system",
            "hardware",
            "reported_by",
            "reported_at",
            "responded_at",
            "on_site_at",
            "restored_at",
            "resolved_at",
            "root_cause",
            "report_submitted_at",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "root_cause": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["severity"].queryset = self.fields["severity"].queryset.select_related("contract")


class AttendanceForm(ContractPartForm):
    class Meta:
        model = m.Attendance
        fields = ["contract", "person", "date", "status", "note"]

    def clean(self):
        data = super().clean()
        contract, person = data.get("contract"), (data.get("person") or "").strip()
        if contract and person and contract.staff_names and person not in contract.staff_names:
            raise ValidationError(
                {"person": _("%(person)s is not among the contract's on-site staff.") % {"person": person}}
            )
        return data


def part_form(model, fields, widgets=None):
    return form_for(model, fields, widgets, base=ContractPartForm)


TEXT = forms.Textarea(attrs={"rows": 3})
SeverityLevelForm = part_form(
    m.SeverityLevel,
    ["contract", "rank", "name", "own_minutes", "restore_minutes", "resolve_minutes", "description"],
)
ContractContactForm = part_form(m.ContractContact, ["contract", "name", "role", "phone", "email", "escalate"])
BackupRunForm = part_form(
    m.BackupRun,
    ["contract", "system", "started_at", "finished_at", "result", "file_name", "size", "checksum", "message"],
    {"message": TEXT},
)
RestoreDrillForm = form_for(
    m.RestoreDrill, ["backup", "performed_at", "succeeded", "duration_seconds", "notes"], {"notes": TEXT}
)
MonitoredServiceForm = part_form(
    m.MonitoredService, ["contract", "name", "kind", "target", "threshold", "severity", "active"]
)


class MaintenanceWindowForm(ScopedFormMixin, forms.ModelForm):
    """The vendor proposes a window; only the client (who may change windows) approves it."""

    class Meta:
        model = m.MaintenanceWindow
        fields = ["service", "starts_at", "ends_at", "reason", "approved"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.user.has_perm("ops.change_maintenancewindow"):
            self.fields["approved"].disabled = True


AssessmentSchemeForm = form_for(
    m.AssessmentScheme, ["name", "excellent", "good", "passing", "warnings_before_penalty", "penalty_percent"]
)
AssessmentRuleForm = form_for(
    m.AssessmentRule, ["scheme", "order", "category", "points", "event", "deduction", "zeroes_month"]
)
InspectionTemplateForm = part_form(
    m.InspectionTemplate,
    ["contract", "name", "kind", "frequency", "weekday", "due_time", "items", "active"],
    {"items": forms.Textarea(attrs={"rows": 8})},
)
StaffChangeForm = part_form(m.StaffChange, ["contract", "leaving", "joining", "reason", "requested_on"])
TrainingForm = part_form(m.Training, ["contract", "date", "topic", "participants", "hours"])
SecurityInspectionForm = part_form(
    m.SecurityInspection, ["contract", "date", "scope", "findings", "passed"], {"findings": TEXT}
)
SecurityEventForm = part_form(
    m.SecurityEvent,
    ["contract", "occurred_at", "kind", "description", "handling", "closed"],
    {"description": TEXT, "handling": TEXT},
)
