"""Forms of the detection process. The filing rule and the copies from the parent rows are the models'
(``clean()``); the forms offer what the user may choose (their own cycles, their own instruments, the
enterprises they serve, the users of their agency) and name a seal point by its tag."""

from django import forms
from django.utils.translation import gettext_lazy as _

from lantian.core.forms import ScopedFormMixin
from lantian.core.models import Organization, User
from lantian.ldar.models import (
    BackgroundRecord,
    CalibrationRecord,
    DetectionCycle,
    DetectionRecord,
    InaccessiblePoint,
    LeakRuleSet,
    RetestRecord,
    SealPoint,
    WorkOrder,
    WorkPlan,
)
from lantian.ldar.models.detection import inspector_errors
from lantian.ldar.readings_saved import note_saved


class LeakRuleSetForm(ScopedFormMixin, forms.ModelForm):
    class Meta:
        model = LeakRuleSet
        fields = ["enterprise", "rule_set", "volatile_threshold", "other_threshold", "remark"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = self.fields["enterprise"].queryset.filter(
            kind=Organization.Kind.ENTERPRISE
        )
        if self.instance.pk:
            self.fields["enterprise"].disabled = True


class DetectionCycleForm(ScopedFormMixin, forms.ModelForm):
    """The enterprise is one the agency serves (read through its service links); the agency is the
    user's own (writes follow the agency)."""

    class Meta:
        model = DetectionCycle
        fields = [
            "enterprise",
            "agency",
            "year",
            "round",
            "accounting_start",
            "accounting_end",
            "covers_dynamic",
            "covers_static",
            "remark",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = Organization.objects.restrict(self.user, "view").filter(
            kind=Organization.Kind.ENTERPRISE
        )
        self.fields["agency"].queryset = self.fields["agency"].queryset.filter(kind=Organization.Kind.AGENCY)
        preselect_single(self, "agency")
        if self.instance.pk:
            self.fields["enterprise"].disabled = True
            self.fields["agency"].disabled = True


def to_the_second(form) -> None:
    """Times of readings keep their seconds (a reading lasts seconds; the dwell time is checked)."""
    for field in form.fields.values():
        if isinstance(field.widget, forms.DateTimeInput):
            field.widget.format = "%Y-%m-%dT%H:%M:%S"
            field.widget.attrs["step"] = "1"


def name_cycles(form) -> None:
    """Cycle dropdowns name the enterprise too (an agency serves several)."""
    field = form.fields.get("cycle")
    if field is not None and hasattr(field, "queryset"):
        field.queryset = field.queryset.select_related("enterprise")
        field.label_from_instance = lambda cycle: cycle.full_name


def preselect_single(form, name: str) -> None:
    field = form.fields[name]
    if not form.instance.pk and not form.is_bound and form.initial.get(name) in (None, ""):
        choices = list(field.queryset[:2])
        if len(choices) == 1:
            form.initial[name] = choices[0].pk


class WorkPlanForm(ScopedFormMixin, forms.ModelForm):
    class Meta:
        model = WorkPlan
        fields = ["cycle", "area", "points_planned", "start_date", "collection_end_date", "remark"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # areas of the enterprises the agency serves (read through the links)
        from lantian.ldar.models import Area

        self.fields["area"].queryset = Area.objects.restrict(self.user, "view").select_related("unit")
        self.fields["area"].label_from_instance = lambda area: f"{area.unit.name} / {area}"
        name_cycles(self)
        preselect_single(self, "cycle")
        to_the_second(self)
        if self.instance.pk:
            self.fields["cycle"].disabled = True


class WorkOrderForm(ScopedFormMixin, forms.ModelForm):
    class Meta:
        model = WorkOrder
        fields = ["plan", "inspectors", "issued_on", "state", "remark"]
        widgets = {"inspectors": forms.CheckboxSelectMultiple}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        plans = self.fields["plan"].queryset.select_related("cycle__enterprise", "area")
        if not self.instance.pk:
            plans = plans.filter(work_order__isnull=True)  # a plan is given out once
        self.fields["plan"].queryset = plans
        self.fields["plan"].label_from_instance = lambda plan: f"{plan.cycle.full_name} · {plan.area.name}"
        organization = getattr(self.user, "organization", None)
        inspectors = User.objects.filter(is_active=True, organization__kind=Organization.Kind.AGENCY)
        if organization is not None and not self.user.is_superuser:
            inspectors = inspectors.filter(organization__path__startswith=organization.path)
        self.fields["inspectors"].queryset = inspectors.order_by("organization_id", "username")
        if self.instance.pk:
            self.fields["plan"].disabled = True

    def clean(self):
        cleaned = super().clean()
        plan, inspectors = cleaned.get("plan"), cleaned.get("inspectors")
        if plan is not None and inspectors:
            for message in inspector_errors(plan.agency, inspectors):
                self.add_error("inspectors", message)
        return cleaned


class TaggedPointForm(ScopedFormMixin, forms.ModelForm):
    """A seal point is named by its tag (群组编码-扩展号) within the cycle's enterprise, as on the plant's
    tag plates: a plant has too many points for a list."""

    tag = forms.CharField(
        label=_("tag"), max_length=60, help_text=_("Group code and extension number, e.g. G0012-3.")
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.order_fields(["cycle", "tag"])
        if self.instance.pk and self.instance.seal_point_id:
            self.initial.setdefault("tag", self.instance.seal_point.tag)
        name_cycles(self)
        preselect_single(self, "cycle")
        to_the_second(self)

    def clean(self):
        cleaned = super().clean()
        cycle, tag = cleaned.get("cycle") or getattr(self.instance, "cycle", None), cleaned.get("tag")
        if cycle is not None and tag:
            point = (
                SealPoint.objects.restrict(self.user, "view")
                .filter(enterprise_id=cycle.enterprise_id, tag=tag.strip())
                .select_related("group")
                .first()
            )
            if point is None:
                self.add_error(
                    "tag",
                    _("No seal point with the tag %(tag)s in %(enterprise)s.")
                    % {"tag": tag, "enterprise": cycle.enterprise},
                )
            else:
                self.instance.seal_point = point
        return cleaned


class DetectionRecordForm(TaggedPointForm):
    class Meta:
        model = DetectionRecord
        fields = [
            "cycle",
            "component_model",
            "position",
            "background",
            "reading",
            "visible_leak",
            "wind_direction",
            "instrument",
            "operator",
            "started_at",
            "ended_at",
            "remark",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        preselect_single(self, "instrument")
        if not self.instance.pk and not self.is_bound and self.user is not None:
            self.initial.setdefault("operator", getattr(self.user, "name", "") or self.user.get_username())

    def save(self, commit=True):
        """Every page, bulk edit, the API and the walk save readings here: the followers of saved
        readings (guard rails, repair tasks) hear of it once the transaction commits."""
        record = super().save(commit=commit)
        if commit:
            note_saved([record.pk], [record.work_order_id])
        return record


class InaccessiblePointForm(TaggedPointForm):
    class Meta:
        model = InaccessiblePoint
        fields = ["cycle", "recorded_on", "reason", "operator", "remark"]


class RetestRecordForm(ScopedFormMixin, forms.ModelForm):
    class Meta:
        model = RetestRecord
        fields = ["detection", "background", "reading", "instrument", "operator", "tested_at", "remark"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # a re-test follows a leak; the detections offered are the leaks the agency recorded
        detections = self.fields["detection"].queryset.filter(is_leak=True)
        if self.instance.pk:
            detections = detections | self.fields["detection"].queryset.filter(pk=self.instance.detection_id)
            self.fields["detection"].disabled = True
        self.fields["detection"].queryset = detections.order_by("-started_at")
        preselect_single(self, "instrument")
        to_the_second(self)


class BackgroundRecordForm(ScopedFormMixin, forms.ModelForm):
    class Meta:
        model = BackgroundRecord
        fields = [
            "cycle",
            "area",
            "instrument",
            "measured_at",
            "readings",
            "wind_direction",
            "operator",
            "remark",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from lantian.ldar.models import Area

        self.fields["area"].queryset = Area.objects.restrict(self.user, "view").select_related("unit")
        name_cycles(self)
        preselect_single(self, "cycle")
        to_the_second(self)
        preselect_single(self, "instrument")


class CalibrationRecordForm(ScopedFormMixin, forms.ModelForm):
    class Meta:
        model = CalibrationRecord
        fields = [
            "cycle",
            "instrument",
            "calibrated_at",
            "zero_gas_reading",
            "span_gas",
            "span_reading",
            "drift",
            "response_time",
            "passed",
            "cylinder_number",
            "cylinder_expiry",
            "operator",
            "remark",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        name_cycles(self)
        preselect_single(self, "cycle")
        to_the_second(self)
        preselect_single(self, "instrument")
