"""Forms of the approvals pages. Domain writes (handling steps, item configuration history, task
replies, corrections) go through ``actions``; the forms only check and collect."""

from django import forms
from django.utils.translation import gettext_lazy as _

from lantian.approvals import actions
from lantian.approvals import models as m
from lantian.core.forms import ScopedFormMixin
from lantian.core.models import Organization


class ProjectForm(ScopedFormMixin, forms.ModelForm):
    class Meta:
        model = m.Project
        fields = [
            "organization",
            "code",
            "works_code",
            "name",
            "location",
            "division",
            "investment",
            "land_area",
            "floor_area",
            "planned_start",
            "planned_completion",
            "builder_name",
            "builder_credit_code",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = self.fields["organization"].queryset.filter(
            kind=Organization.Kind.REGULATOR
        )


class ProcessForm(ScopedFormMixin, forms.ModelForm):
    class Meta:
        model = m.ApprovalProcess
        fields = ["project", "process_type", "version", "current_stage", "started_on"]


class StageForm(ScopedFormMixin, forms.ModelForm):
    class Meta:
        model = m.ProcessStage
        fields = ["process", "kind", "started_on", "completed_on"]


class ItemForm(ScopedFormMixin, forms.ModelForm):
    """Saving records every changed setting in the item's configuration history."""

    class Meta:
        model = m.ApprovalItem
        fields = [
            "code",
            "version",
            "name",
            "department",
            "stage",
            "time_limit",
            "limit_unit",
            "materials",
            "handlers",
            "is_active",
        ]
        widgets = {"materials": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = self.fields["department"].queryset.filter(
            kind=Organization.Kind.DEPARTMENT
        )

    def save(self, commit=True):
        before = (
            actions.item_settings(m.ApprovalItem.objects.get(pk=self.instance.pk))
            if self.instance.pk
            else None
        )
        item = super().save(commit=commit)
        if commit and before is not None:
            actions.record_item_changes(item, before, self.user)
        return item


class InstanceForm(ScopedFormMixin, forms.ModelForm):
    """A new case takes its department and time limit from the item (kept if the item changes later)."""

    class Meta:
        model = m.ItemInstance
        fields = ["code", "project", "stage", "item", "parallel", "received_at"]

    def clean(self):
        cleaned = super().clean()
        item = cleaned.get("item")
        if item is not None:
            if not self.instance.pk or self.instance.item_id != item.pk:
                self.instance.time_limit, self.instance.limit_unit = item.time_limit, item.limit_unit
            self.instance.department = item.department
        return cleaned

    def save(self, commit=True):
        created = self.instance.pk is None
        instance = super().save(commit=commit)
        # The clock depends on the item's limit and the records only: an edit that leaves those alone
        # does not recompute it (a page saved unchanged changes nothing); one that changes them
        # recomputes it as at the moment the stored clock stands for (the periodic job moves it on).
        if commit and (created or {"item", "received_at"} & set(self.changed_data)):
            actions.refresh_instance(instance, now=None if created else instance.clock_at)
        return instance


class HandlingRecordForm(ScopedFormMixin, forms.ModelForm):
    """A handling step is appended to its case (numbered after the last) and the case's clock follows."""

    class Meta:
        model = m.HandlingRecord
        fields = ["instance", "status", "handled_at", "handler", "opinion"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            for name in ("instance", "status", "handled_at"):
                self.fields[name].disabled = True

    def clean(self):
        cleaned = super().clean()
        instance, status, handled_at = (
            cleaned.get("instance"),
            cleaned.get("status"),
            cleaned.get("handled_at"),
        )
        if (
            self.instance.pk is None
            and instance is not None
            and status is not None
            and handled_at is not None
        ):
            problem = actions.handling_problem(instance, status, handled_at)
            if problem:
                raise forms.ValidationError(problem)
        return cleaned

    def save(self, commit=True):
        if self.instance.pk:
            return super().save(commit=commit)
        data = self.cleaned_data
        return actions.record_handling(
            data["instance"], data["status"], data["handled_at"], data["handler"], data.get("opinion", "")
        )


class ParallelForm(ScopedFormMixin, forms.ModelForm):
    class Meta:
        model = m.ParallelApproval
        fields = ["project", "stage", "lead_department", "started_on", "completed_on"]


class JointAcceptanceForm(ScopedFormMixin, forms.ModelForm):
    class Meta:
        model = m.JointAcceptance
        fields = ["project", "lead_department", "departments", "applied_on", "completed_on", "result"]


class CodeMapForm(ScopedFormMixin, forms.ModelForm):
    class Meta:
        model = m.CodeMap
        fields = ["level", "local_code", "target_code", "note"]


class RectificationTaskForm(ScopedFormMixin, forms.ModelForm):
    """A department answers its task; only a supervisor (who may add tasks) closes it as verified."""

    class Meta:
        model = m.RectificationTask
        fields = ["status", "reply"]
        widgets = {"reply": forms.Textarea(attrs={"rows": 3})}

    def clean_status(self):
        status = self.cleaned_data["status"]
        if status == m.RectificationTask.Status.CLOSED and not self.user.has_perm(
            "approvals.add_rectificationtask"
        ):
            raise forms.ValidationError(_("Only the approval bureau verifies a rectification."))
        return status

    def save(self, commit=True):
        return actions.answer_task(self.instance, self.cleaned_data["status"], self.cleaned_data["reply"])


class CorrectionForm(ScopedFormMixin, forms.ModelForm):
    """A request names the record by kind and id, the fields to change as JSON, and why."""

    class Meta:
        model = m.Correction
        fields = ["target", "object_id", "changes", "reason"]
        widgets = {"reason": forms.Textarea(attrs={"rows": 3})}
        help_texts = {
            "changes": _(
                "The fields and their new values as JSON; the fields that may be corrected, and examples, "
                "are in the user manual."
            )
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            for field in self.fields.values():
                field.disabled = True
        else:
            # the unsaved instance's None would be shown as "null"
            self.initial["changes"] = self.initial.get("changes") or {}

    def clean(self):
        cleaned = super().clean()
        if (
            self.instance.pk is None
            and cleaned.get("target")
            and cleaned.get("object_id")
            and cleaned.get("changes")
        ):
            try:
                self.request_args = actions.check_correction(
                    self.user, cleaned["target"], cleaned["object_id"], cleaned["changes"]
                )
            except actions.CorrectionError as error:
                raise forms.ValidationError(str(error)) from None
        return cleaned

    def save(self, commit=True):
        if self.instance.pk:
            return self.instance
        data = self.cleaned_data
        return actions.request_correction(
            self.user, data["target"], data["object_id"], data["changes"], data["reason"]
        )
