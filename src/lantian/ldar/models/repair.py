"""Leak repair (泄漏与修复, spec §3 [5.1]): repair tasks opened by leaks, delayed repairs reviewed by the
bureau, repair work orders with the agency's re-test, the daily AVO inspection ledger, each point's
next detection due date, the monthly statistics and the regulator's spot checks.

Who writes what. A repair task is opened by the platform when a leak is recorded (``repair_tasks``);
the enterprise may only annotate it. The enterprise writes repair work orders, delay requests and its
AVO ledger; the re-test of a repair is the testing agency's reading (``RetestRecord``, written by the
agency only) attached to the work order by ``actions_repair.record_retest``. The bureau reviews delays
(core review flow) and records its spot checks. Everything is read through the enterprise.

Derived figures (overdue flags, due dates of detection, monthly statistics) are stored by the periodic
jobs of ``repair_jobs``; pages never compute them row by row.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import ProtectedError, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from lantian.core.models import Organization, Reviewable, ReviewStatus
from lantian.core.scope import RestrictedManager
from lantian.ldar import standards
from lantian.ldar.models.archive import Area, ProcessUnit, SealPoint, SealPointType, enterprise_field
from lantian.ldar.models.detection import (
    DetectionCycle,
    DetectionRecord,
    RetestRecord,
    agency_field,
    loaded,
    reading_field,
    thresholds_of,
)
from lantian.ldar.standards.spotcheck import MAX_SPOT_CHECK_POINTS, in_repair_window

REPEAT_WINDOW_DAYS = 365  # "反复维修": three repairs of a point within a year (spec §3)
REPEAT_COUNT = 3


class EnterpriseRow(models.Model):
    """A row of an enterprise's repair records: read through the enterprise (and the agencies that
    serve it), written within the enterprise's scope."""

    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    scope_path = "enterprise"
    scope_follows_links = True
    objects = RestrictedManager()

    class Meta:
        abstract = True


# --- repair tasks ---


class RepairTask(EnterpriseRow):
    """A repair task (维修任务单) [5.1.2], opened by a leaking reading: first attempt within 5 days and
    repair complete within 15 days of detection (GB 37822-2019 §8.4, ``standards.repair_due``), or by
    the planned date of a delay the bureau approved."""

    class State(models.TextChoices):
        OPEN = "open", _("Open")
        REPAIRED = "repaired", _("Repaired")
        CANCELLED = "cancelled", _("Cancelled")

    enterprise = enterprise_field(editable=False)
    agency = agency_field(editable=False)
    detection = models.OneToOneField(
        DetectionRecord,
        models.PROTECT,
        related_name="repair_task",
        verbose_name=_("leaking reading"),
        editable=False,
    )
    cycle = models.ForeignKey(
        DetectionCycle, models.PROTECT, related_name="+", verbose_name=_("detection cycle"), editable=False
    )
    seal_point = models.ForeignKey(
        SealPoint, models.PROTECT, related_name="repair_tasks", verbose_name=_("seal point"), editable=False
    )
    tag = models.CharField(_("tag"), max_length=60, editable=False)
    unit = models.ForeignKey(
        ProcessUnit, models.PROTECT, related_name="+", verbose_name=_("unit"), editable=False
    )
    area = models.ForeignKey(Area, models.PROTECT, related_name="+", verbose_name=_("area"), editable=False)
    seal_type = models.ForeignKey(
        SealPointType, models.PROTECT, related_name="+", verbose_name=_("seal-point type"), editable=False
    )
    net_value = models.FloatField(_("net value (μmol/mol)"), editable=False)
    detected_on = models.DateField(_("detected on"), editable=False)
    first_attempt_due = models.DateField(_("first attempt due"), editable=False)
    complete_due = models.DateField(_("repair due"), editable=False)
    due_on = models.DateField(
        _("due on"),
        editable=False,
        help_text=_("The repair deadline, or the planned date of an approved delay."),
    )
    delayed = models.BooleanField(_("delayed repair"), default=False, editable=False)
    state = models.CharField(
        _("status"), max_length=10, choices=State.choices, default=State.OPEN, editable=False
    )
    first_attempt_on = models.DateField(_("first attempt on"), null=True, blank=True, editable=False)
    closed_on = models.DateField(_("repaired on"), null=True, blank=True, editable=False)
    late = models.BooleanField(_("repaired late"), default=False, editable=False)
    overdue = models.BooleanField(
        _("overdue"), default=False, editable=False, help_text=_("Refreshed by the periodic job.")
    )
    repeat_count = models.PositiveSmallIntegerField(
        _("repairs of the point in 12 months"), default=1, editable=False
    )
    repeated = models.BooleanField(_("repeatedly repaired"), default=False, editable=False)
    remark = models.CharField(_("remark"), max_length=200, blank=True)

    class Meta:
        ordering = ["-detected_on", "-pk"]
        verbose_name = _("repair task")
        verbose_name_plural = _("repair tasks")
        indexes = [
            models.Index(fields=["enterprise", "state", "due_on"], name="ldar_repair_open"),
            models.Index(fields=["seal_point", "detected_on"], name="ldar_repair_point"),
            models.Index(fields=["enterprise", "detected_on"], name="ldar_repair_month"),
        ]

    def __str__(self):
        return gettext("Repair of %(tag)s (%(day)s)") % {"tag": self.tag, "day": self.detected_on}

    def get_absolute_url(self):
        return reverse("ldar:repairtask_detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.state == self.State.OPEN

    def overdue_now(self, today) -> bool:
        """Open past its deadline, or without a first attempt past the first-attempt deadline."""
        if not self.is_open:
            return False
        no_attempt = self.first_attempt_on is None and self.first_attempt_due < today
        return self.due_on < today or no_attempt


def overdue_q(today) -> Q:
    """``RepairTask.overdue_now`` as a filter, for the periodic job's bulk update."""
    return Q(state=RepairTask.State.OPEN) & (
        Q(due_on__lt=today) | Q(first_attempt_on__isnull=True, first_attempt_due__lt=today)
    )


def open_on(day) -> Q:
    """The tasks that were open on ``day``: found by then and not yet repaired (or still open)."""
    return Q(detected_on__lte=day) & (
        Q(state=RepairTask.State.OPEN) | Q(state=RepairTask.State.REPAIRED, closed_on__gt=day)
    )


class TaskRow(EnterpriseRow):
    """A row about one repair task: the enterprise is the task's."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self.derive()
        super().save(*args, **kwargs)

    def derive(self) -> None:
        if loaded(self, "task"):
            self.enterprise_id = self.task.enterprise_id

    def clean(self):
        super().clean()
        self.derive()


class DelayReason(models.TextChoices):
    SHUTDOWN = "shutdown", _("Needs a unit shutdown")
    UNSAFE = "unsafe", _("Unsafe to repair in operation")
    OTHER = "other", _("Other")


class DelayedRepair(TaskRow, Reviewable):
    """A delay of repair (延迟修复) [5.1.2]: the reason and the planned date (usually the next
    shutdown), reviewed by the bureau. Once approved, the task is due on the planned date."""

    enterprise = enterprise_field(editable=False)
    task = models.ForeignKey(RepairTask, models.PROTECT, related_name="delays", verbose_name=_("repair task"))
    reason_kind = models.CharField(_("reason"), max_length=10, choices=DelayReason.choices)
    reason = models.TextField(_("explanation"), max_length=1000)
    planned_date = models.DateField(_("planned repair date"), help_text=_("E.g. the next unit shutdown."))

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("delayed repair")
        verbose_name_plural = _("delayed repairs")

    def __str__(self):
        tag = self.task.tag if loaded(self, "task") else ""
        return gettext("Delay of %(tag)s until %(day)s") % {"tag": tag, "day": self.planned_date}

    def get_absolute_url(self):
        return reverse("ldar:delayedrepair_detail", args=[self.pk])

    def clean(self):
        super().clean()
        if loaded(self, "task"):
            problems = self.task_problems()
            if problems:
                raise ValidationError({"task": problems})
            if self.planned_date and self.planned_date <= self.task.complete_due:
                raise ValidationError(
                    {
                        "planned_date": _(
                            "A delay plans the repair after the normal deadline (%(day)s); before it, no "
                            "delay is needed."
                        )
                        % {"day": self.task.complete_due}
                    }
                )

    def task_problems(self) -> list[str]:
        if not self.task.is_open:
            return [gettext("The repair task is not open: only an open task can be delayed.")]
        others = DelayedRepair.objects.filter(task_id=self.task_id, status=ReviewStatus.SUBMITTED)
        if self.pk:
            others = others.exclude(pk=self.pk)
        if others.exists():
            return [gettext("Another delay of this task awaits review.")]
        return []

    def review_problems(self, action: str) -> list[str]:
        if action in ("submit", "approve"):
            return self.task_problems()
        return []

    def after_review(self, action: str, user, reason: str) -> None:
        if action == "approve":
            from lantian.ldar.actions_repair import apply_delay

            apply_delay(self)


class RepairMethod(models.TextChoices):
    TIGHTEN = "tighten", _("Tighten bolts or packing")
    PACKING = "packing", _("Replace packing")
    GASKET = "gasket", _("Replace gasket")
    SEAL = "seal", _("Replace mechanical seal")
    COMPONENT = "component", _("Replace component")
    PLUG = "plug", _("Cap or plug the open end")
    OTHER = "other", _("Other")


class RepairOrder(TaskRow):
    """A repair work order (维修工单) [5.1.3]: the repair done and the agency's re-test. A re-test
    below the threshold closes the task; one at or above it keeps the task open for another repair."""

    class Result(models.TextChoices):
        PENDING = "pending", _("Awaiting re-test")
        PASSED = "passed", _("Re-test passed")
        FAILED = "failed", _("Still leaking")

    enterprise = enterprise_field(editable=False)
    task = models.ForeignKey(RepairTask, models.PROTECT, related_name="orders", verbose_name=_("repair task"))
    repaired_on = models.DateField(_("repaired on"))
    repaired_by = models.CharField(_("repaired by"), max_length=50)
    method = models.CharField(_("repair method"), max_length=10, choices=RepairMethod.choices)
    description = models.TextField(_("repair done"), max_length=2000, blank=True)
    retest = models.OneToOneField(
        RetestRecord,
        models.PROTECT,
        related_name="repair_order",
        verbose_name=_("re-test"),
        null=True,
        blank=True,
        editable=False,
    )
    retest_value = models.FloatField(_("re-test net value (μmol/mol)"), null=True, blank=True, editable=False)
    result = models.CharField(
        _("result"), max_length=10, choices=Result.choices, default=Result.PENDING, editable=False
    )

    class Meta:
        ordering = ["-repaired_on", "-pk"]
        verbose_name = _("repair work order")
        verbose_name_plural = _("repair work orders")

    def __str__(self):
        tag = self.task.tag if loaded(self, "task") else ""
        return gettext("Repair work order %(tag)s %(day)s") % {"tag": tag, "day": self.repaired_on}

    def save(self, *args, **kwargs):
        from lantian.ldar.actions_repair import note_attempts

        with transaction.atomic():
            super().save(*args, **kwargs)
            note_attempts([self.task_id])

    def get_absolute_url(self):
        return reverse("ldar:repairorder_detail", args=[self.pk])

    def delete(self, *args, **kwargs):
        from lantian.ldar.actions_repair import note_attempts

        if self.retest_id is not None:  # the agency's re-test refers to it: kept like a protected row
            raise ProtectedError(
                gettext("This repair has been re-tested: its record can no longer be changed."), {self.retest}
            )
        with transaction.atomic():
            result = super().delete(*args, **kwargs)
            note_attempts([self.task_id])
        return result

    def clean(self):
        super().clean()
        errors = {}
        if self.retest_id is not None:
            raise ValidationError(_("This repair has been re-tested: its record can no longer be changed."))
        if loaded(self, "task"):
            if not self.task.is_open and self.pk is None:
                errors["task"] = _("The repair task is closed: a new repair needs a new leak.")
            if self.repaired_on and self.repaired_on < self.task.detected_on:
                errors["repaired_on"] = _("A repair comes after the leak was detected (%(day)s).") % {
                    "day": self.task.detected_on
                }
        if self.repaired_on and self.repaired_on > timezone.localdate():
            errors["repaired_on"] = _("The repair date cannot be in the future.")
        if errors:
            raise ValidationError(errors)


# --- the daily AVO inspection ledger ---


class AvoInspection(EnterpriseRow):
    """A daily inspection (日常巡检) by audio, visual and olfactory means (AVO) [5.1.1]."""

    class Finding(models.TextChoices):
        NORMAL = "normal", _("Nothing found")
        SEEPAGE = "seepage", _("Seepage")
        DRIPPING = "dripping", _("Dripping")
        ODOUR = "odour", _("Odour")
        NOISE = "noise", _("Hissing")

    enterprise = enterprise_field()
    unit = models.ForeignKey(ProcessUnit, models.PROTECT, related_name="+", verbose_name=_("unit"))
    area = models.ForeignKey(
        Area, models.PROTECT, related_name="+", verbose_name=_("area"), null=True, blank=True
    )
    seal_point = models.ForeignKey(
        SealPoint,
        models.PROTECT,
        related_name="+",
        verbose_name=_("seal point"),
        null=True,
        blank=True,
        help_text=_("The point where something was found, if any."),
    )
    inspected_on = models.DateField(_("inspected on"))
    inspector = models.CharField(_("inspector"), max_length=50)
    finding = models.CharField(_("finding"), max_length=10, choices=Finding.choices, default=Finding.NORMAL)
    description = models.TextField(_("description"), max_length=1000, blank=True)
    action_taken = models.CharField(_("action taken"), max_length=200, blank=True)

    class Meta:
        ordering = ["-inspected_on", "-pk"]
        verbose_name = _("daily inspection")
        verbose_name_plural = _("daily inspections")
        indexes = [models.Index(fields=["enterprise", "-inspected_on"], name="ldar_avo_recent")]

    def __str__(self):
        return f"{self.unit if loaded(self, 'unit') else ''} {self.inspected_on}"

    def get_absolute_url(self):
        return reverse("ldar:avoinspection_detail", args=[self.pk])

    @property
    def found_leak(self) -> bool:
        return self.finding != self.Finding.NORMAL

    def clean(self):
        super().clean()
        errors = {}
        if self.enterprise_id and self.enterprise.kind != Organization.Kind.ENTERPRISE:
            errors["enterprise"] = _("Choose an enterprise.")
        if loaded(self, "unit") and self.enterprise_id and self.unit.enterprise_id != self.enterprise_id:
            errors["unit"] = _("The unit is not in the enterprise.")
        if loaded(self, "area") and loaded(self, "unit") and self.area.unit_id != self.unit_id:
            errors["area"] = _("The area is not in the unit.")
        if loaded(self, "seal_point") and loaded(self, "unit") and self.seal_point.unit_id != self.unit_id:
            errors["seal_point"] = _("The seal point is not in the unit.")
        if self.finding != self.Finding.NORMAL and not self.description:
            errors["description"] = _("Describe what was found.")
        if self.inspected_on and self.inspected_on > timezone.localdate():
            errors["inspected_on"] = _("The inspection date cannot be in the future.")
        if errors:
            raise ValidationError(errors)


# --- derived by the periodic jobs ---


class DetectionDue(models.Model):
    """When a seal point must next be detected (GB 37822-2019 §8.3.1, GB 31571-2015; kernel
    ``standards.next_detection_due`` under the enterprise's rule set), refreshed by the periodic job."""

    class State(models.TextChoices):
        NEVER = "never", _("Never detected")
        CURRENT = "current", _("Current")
        DUE_SOON = "due_soon", _("Due within 30 days")
        OVERDUE = "overdue", _("Overdue")

    enterprise = enterprise_field(editable=False, db_index=False)
    seal_point = models.OneToOneField(
        SealPoint, models.CASCADE, related_name="detection_due", verbose_name=_("seal point"), editable=False
    )
    tag = models.CharField(_("tag"), max_length=60, editable=False)
    unit = models.ForeignKey(
        ProcessUnit, models.CASCADE, related_name="+", verbose_name=_("unit"), editable=False, db_index=False
    )
    area = models.ForeignKey(
        Area, models.CASCADE, related_name="+", verbose_name=_("area"), editable=False, db_index=False
    )
    seal_type = models.ForeignKey(
        SealPointType,
        models.PROTECT,
        related_name="+",
        verbose_name=_("seal-point type"),
        editable=False,
        db_index=False,
    )
    rule_set = models.CharField(_("rule set"), max_length=20, editable=False)
    last_detected_on = models.DateField(_("last detected on"), null=True, editable=False)
    next_due = models.DateField(_("next detection due"), null=True, editable=False)
    state = models.CharField(_("status"), max_length=10, choices=State.choices, editable=False)
    refreshed_at = models.DateTimeField(_("refreshed at"), editable=False)

    scope_path = "enterprise"
    scope_follows_links = True
    objects = RestrictedManager()

    class Meta:
        ordering = ["next_due", "tag"]
        verbose_name = _("detection due date")
        verbose_name_plural = _("detection due dates")
        indexes = [
            models.Index(fields=["enterprise", "state", "next_due"], name="ldar_due_state"),
            models.Index(fields=["unit", "area"], name="ldar_due_place"),
        ]

    def __str__(self):
        return f"{self.tag} {self.next_due or ''}".strip()

    def get_absolute_url(self):
        return reverse("ldar:detectiondue_detail", args=[self.pk])


class RepairMonth(models.Model):
    """An enterprise's month (月度统计) [5.1]: readings, leaks and how their repairs went, by the month of
    detection. Refreshed by the periodic job."""

    enterprise = enterprise_field(editable=False, db_index=False)
    month = models.DateField(_("month"), editable=False, help_text=_("The first day of the month."))
    detected = models.PositiveIntegerField(_("readings"), default=0, editable=False)
    leaking = models.PositiveIntegerField(_("leaks"), default=0, editable=False)
    leak_rate = models.FloatField(_("leak rate (%)"), default=0, editable=False)
    repaired_on_time = models.PositiveIntegerField(_("repaired on time"), default=0, editable=False)
    repaired_late = models.PositiveIntegerField(_("repaired late"), default=0, editable=False)
    delayed = models.PositiveIntegerField(_("delayed repairs"), default=0, editable=False)
    still_open = models.PositiveIntegerField(_("still open"), default=0, editable=False)
    overdue = models.PositiveIntegerField(_("overdue"), default=0, editable=False)
    refreshed_at = models.DateTimeField(_("refreshed at"), editable=False)

    scope_path = "enterprise"
    scope_follows_links = True
    objects = RestrictedManager()

    class Meta:
        ordering = ["-month", "enterprise_id"]
        verbose_name = _("monthly repair statistics")
        verbose_name_plural = _("monthly repair statistics")
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "month"], name="ldar_repair_month_unique")
        ]

    def __str__(self):
        return f"{self.month:%Y-%m}"

    def get_absolute_url(self):
        return reverse("ldar:repairmonth_detail", args=[self.pk])


# --- the regulator's spot check ---


class SpotCheck(EnterpriseRow):
    """A spot check by the bureau (抽检, GB 37822-2019 §13.4 c)): up to 100 points of an enterprise,
    read by the bureau itself. More than 2 leaking points outside their repair window is a violation
    (``standards.spotcheck``). The figures are recomputed whenever a reading is saved."""

    enterprise = enterprise_field()
    checked_on = models.DateField(_("checked on"))
    inspectors = models.CharField(_("inspectors"), max_length=100)
    remark = models.CharField(_("remark"), max_length=200, blank=True)
    sampled = models.PositiveSmallIntegerField(_("points checked"), default=0, editable=False)
    leaking = models.PositiveSmallIntegerField(_("leaking points"), default=0, editable=False)
    outside_window = models.PositiveSmallIntegerField(
        _("leaks outside their repair window"), default=0, editable=False
    )
    violation = models.BooleanField(_("violation"), default=False, editable=False)

    scope_follows_links = False  # the bureau's own inspection: the enterprise sees it, its agencies not

    class Meta:
        ordering = ["-checked_on", "-pk"]
        verbose_name = _("spot check")
        verbose_name_plural = _("spot checks")

    def __str__(self):
        # own columns only: lists and the API name a reading's check without another query
        return gettext("Spot check of %(day)s") % {"day": self.checked_on}

    def get_absolute_url(self):
        return reverse("ldar:spotcheck_detail", args=[self.pk])

    def clean(self):
        super().clean()
        if self.enterprise_id and self.enterprise.kind != Organization.Kind.ENTERPRISE:
            raise ValidationError({"enterprise": _("Choose an enterprise.")})
        if self.pk and self.enterprise_id:
            stored = SpotCheck.objects.filter(pk=self.pk).values_list("enterprise_id", flat=True).first()
            if stored != self.enterprise_id and self.readings.exists():
                raise ValidationError({"enterprise": _("The check has readings: its enterprise stays.")})


class SpotCheckReading(EnterpriseRow):
    """One point read by the bureau in a spot check, judged by the enterprise's thresholds; a leak is
    inside its repair window when the point has an open repair task, detected before the check, whose
    deadline has not passed on the day of the check (a task repaired after the check was open then)."""

    enterprise = enterprise_field(editable=False)
    spot_check = models.ForeignKey(
        SpotCheck, models.CASCADE, related_name="readings", verbose_name=_("spot check")
    )
    seal_point = models.ForeignKey(SealPoint, models.PROTECT, related_name="+", verbose_name=_("seal point"))
    tag = models.CharField(_("tag"), max_length=60, editable=False)
    background = reading_field(_("background (μmol/mol)"))
    reading = reading_field(_("reading (μmol/mol)"))
    visible_leak = models.BooleanField(_("visible leak"), default=False)
    net_value = models.FloatField(_("net value (μmol/mol)"), editable=False)
    threshold = models.PositiveIntegerField(_("leak threshold (μmol/mol)"), editable=False)
    is_leak = models.BooleanField(_("leak"), default=False, editable=False)
    repair_task = models.ForeignKey(
        RepairTask,
        models.SET_NULL,
        related_name="+",
        verbose_name=_("repair task"),
        null=True,
        blank=True,
        editable=False,
    )
    in_repair_window = models.BooleanField(_("in its repair window"), default=False, editable=False)

    scope_follows_links = False

    class Meta:
        ordering = ["spot_check_id", "tag"]
        verbose_name = _("spot-check reading")
        verbose_name_plural = _("spot-check readings")
        constraints = [
            models.UniqueConstraint(fields=["spot_check", "seal_point"], name="ldar_spotcheck_point_unique")
        ]

    def __str__(self):
        return self.tag

    def save(self, *args, **kwargs):
        from lantian.ldar.actions_repair import judge_spot_check

        self.derive()
        with transaction.atomic():
            super().save(*args, **kwargs)
            judge_spot_check(self.spot_check_id)

    def get_absolute_url(self):
        return reverse("ldar:spotcheckreading_detail", args=[self.pk])

    def delete(self, *args, **kwargs):
        from lantian.ldar.actions_repair import judge_spot_check

        with transaction.atomic():
            result = super().delete(*args, **kwargs)
            judge_spot_check(self.spot_check_id)
        return result

    def derive(self) -> None:
        if loaded(self, "spot_check"):
            self.enterprise_id = self.spot_check.enterprise_id
        if not loaded(self, "seal_point"):
            return
        point = self.seal_point
        self.tag = point.tag
        if self.reading is None or self.background is None or not self.enterprise_id:
            return
        state = point.material_state
        if not state:
            return
        self.net_value = standards.net_value(self.reading, self.background)
        self.threshold = thresholds_of([self.enterprise_id])[self.enterprise_id][state]
        self.is_leak = self.visible_leak or standards.is_leak(self.net_value, self.threshold)
        self.repair_task = None
        self.in_repair_window = False
        if self.is_leak and loaded(self, "spot_check"):
            day = self.spot_check.checked_on
            task = (
                RepairTask.objects.filter(open_on(day), seal_point_id=point.pk)
                .order_by("-detected_on")
                .first()
            )
            self.repair_task = task
            self.in_repair_window = in_repair_window(
                task.detected_on if task else None, task.due_on if task else None, day
            )

    def clean(self):
        super().clean()
        errors = {}
        if loaded(self, "spot_check") and loaded(self, "seal_point"):
            if self.seal_point.enterprise_id != self.spot_check.enterprise_id:
                errors["seal_point"] = _("The seal point is not in the checked enterprise.")
            others = SpotCheckReading.objects.filter(spot_check_id=self.spot_check_id)
            if self.pk:
                others = others.exclude(pk=self.pk)
            if others.count() >= MAX_SPOT_CHECK_POINTS:
                errors["spot_check"] = _("A spot check reads at most %(n)s points.") % {
                    "n": MAX_SPOT_CHECK_POINTS
                }
        if loaded(self, "seal_point") and not self.seal_point.material_state:
            errors["seal_point"] = _("The archive gives this seal point no material state.")
        if errors:
            raise ValidationError(errors)
        self.derive()
