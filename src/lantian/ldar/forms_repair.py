"""Forms of leak repair. The rules are the models' (``clean()``); the forms offer what the user may
choose (open tasks of their enterprise, its units and areas) and name a seal point by its tag."""

from django import forms
from django.utils.translation import gettext_lazy as _

from lantian.core.forms import ScopedFormMixin
from lantian.core.models import Organization
from lantian.ldar.forms_detection import preselect_single
from lantian.ldar.models import Area, ProcessUnit, SealPoint
from lantian.ldar.models.repair import (
    AvoInspection,
    DelayedRepair,
    RepairOrder,
    RepairTask,
    SpotCheck,
    SpotCheckReading,
)


class RepairTaskForm(ScopedFormMixin, forms.ModelForm):
    """A task is opened and closed by the platform; the enterprise adds a remark."""

    class Meta:
        model = RepairTask
        fields = ["remark"]


def offer_open_tasks(form) -> None:
    field = form.fields["task"]
    tasks = field.queryset.select_related("enterprise")
    if form.instance.pk:
        field.disabled = True
        tasks = tasks.filter(pk=form.instance.task_id)
    else:
        tasks = tasks.filter(state=RepairTask.State.OPEN)
    field.queryset = tasks.order_by("-detected_on", "-pk")
    field.label_from_instance = lambda task: (
        f"{task.tag} · {task.enterprise.short_name or task.enterprise.name} · {task.detected_on}"
    )


class DelayedRepairForm(ScopedFormMixin, forms.ModelForm):
    class Meta:
        model = DelayedRepair
        fields = ["task", "reason_kind", "reason", "planned_date"]
        widgets = {"reason": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        offer_open_tasks(self)


class RepairOrderForm(ScopedFormMixin, forms.ModelForm):
    class Meta:
        model = RepairOrder
        fields = ["task", "repaired_on", "repaired_by", "method", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        offer_open_tasks(self)


class PointByTagMixin:
    """A seal point named by its tag within the row's enterprise (a plant has too many for a list)."""

    def point_by_tag(self, enterprise, tag):
        point = (
            SealPoint.objects.restrict(self.user, "view")
            .filter(enterprise=enterprise, tag=tag.strip())
            .select_related("group")
            .first()
        )
        if point is None:
            self.add_error(
                "tag",
                _("No seal point with the tag %(tag)s in %(enterprise)s.")
                % {"tag": tag, "enterprise": enterprise},
            )
        return point


class AvoInspectionForm(PointByTagMixin, ScopedFormMixin, forms.ModelForm):
    tag = forms.CharField(
        label=_("tag"),
        max_length=60,
        required=False,
        help_text=_("The seal point where something was found (group code and extension number), if any."),
    )

    class Meta:
        model = AvoInspection
        fields = [
            "enterprise",
            "unit",
            "area",
            "tag",
            "inspected_on",
            "inspector",
            "finding",
            "description",
            "action_taken",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = self.fields["enterprise"].queryset.filter(
            kind=Organization.Kind.ENTERPRISE
        )
        preselect_single(self, "enterprise")
        self.fields["unit"].queryset = ProcessUnit.objects.restrict(self.user, "view").within_scope(
            self.user, self.action
        )
        self.fields["area"].queryset = (
            Area.objects.restrict(self.user, "view")
            .within_scope(self.user, self.action)
            .select_related("unit")
        )
        self.fields["area"].label_from_instance = lambda area: f"{area.unit.name} / {area}"
        if self.instance.pk and self.instance.seal_point_id:
            self.initial.setdefault("tag", self.instance.seal_point.tag)

    def clean(self):
        cleaned = super().clean()
        tag = cleaned.get("tag")
        self.instance.seal_point = None
        if tag and cleaned.get("enterprise") is not None:
            self.instance.seal_point = self.point_by_tag(cleaned["enterprise"], tag)
        return cleaned


class SpotCheckForm(ScopedFormMixin, forms.ModelForm):
    class Meta:
        model = SpotCheck
        fields = ["enterprise", "checked_on", "inspectors", "remark"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = self.fields["enterprise"].queryset.filter(
            kind=Organization.Kind.ENTERPRISE
        )


class SpotCheckReadingForm(PointByTagMixin, ScopedFormMixin, forms.ModelForm):
    tag = forms.CharField(
        label=_("tag"), max_length=60, help_text=_("Group code and extension number, e.g. G0012-3.")
    )

    class Meta:
        model = SpotCheckReading
        fields = ["spot_check", "background", "reading", "visible_leak"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.order_fields(["spot_check", "tag"])
        field = self.fields["spot_check"]
        field.queryset = field.queryset.select_related("enterprise")
        preselect_single(self, "spot_check")
        if self.instance.pk:
            field.disabled = True
            self.initial.setdefault("tag", self.instance.seal_point.tag)

    def clean(self):
        cleaned = super().clean()
        check, tag = cleaned.get("spot_check"), cleaned.get("tag")
        if check is not None and tag:
            point = self.point_by_tag(check.enterprise, tag)
            if point is not None:
                self.instance.seal_point = point
        return cleaned
