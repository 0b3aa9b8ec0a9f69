"""What the bureau keeps about its supervision: data-quality runs and findings, rectification tasks,
exchange batches and rows, and authorised corrections."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lantian.core.models import Organization
from lantian.core.scope import RestrictedManager


class RunLog(models.Model):
    """What the bureau's runs (quality runs, exchange batches) record alike: whose run, when, by whom."""

    organization = models.ForeignKey(
        Organization, models.PROTECT, related_name="+", verbose_name=_("approval bureau")
    )
    started_at = models.DateTimeField(_("started at"), default=timezone.now)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("started by"),
    )

    scope_path = "organization"
    scope_follows_links = False
    objects = RestrictedManager()

    class Meta:
        abstract = True
        ordering = ["-started_at", "-pk"]


class QualityRun(RunLog):
    """One run of every data-quality rule (before an upload or on demand)."""

    class Trigger(models.TextChoices):
        DEMAND = "demand", _("on demand")
        UPLOAD = "upload", _("before upload")
        SCHEDULE = "schedule", _("scheduled")

    trigger = models.CharField(_("trigger"), max_length=10, choices=Trigger.choices)
    checked = models.PositiveIntegerField(_("records checked"), default=0)
    findings = models.PositiveIntegerField(_("findings"), default=0)
    by_rule = models.JSONField(_("findings by rule"), default=dict)

    class Meta(RunLog.Meta):
        verbose_name = _("data-quality run")
        verbose_name_plural = _("data-quality runs")

    def __str__(self):
        return f"{self.organization} {timezone.localtime(self.started_at):%Y-%m-%d %H:%M}"

    def get_absolute_url(self):
        return reverse("approvals:qualityrun_detail", args=[self.pk])


class QualityFinding(models.Model):
    """A record that breaks a data-quality rule, found by a run; the department it is up to fix it."""

    run = models.ForeignKey(
        QualityRun, models.CASCADE, related_name="results", verbose_name=_("data-quality run")
    )
    rule = models.CharField(_("rule"), max_length=40)
    organization = models.ForeignKey(
        Organization, models.PROTECT, related_name="+", verbose_name=_("responsible organization")
    )
    table = models.CharField(_("exchange table"), max_length=30)
    record_key = models.CharField(_("record"), max_length=60)
    field = models.CharField(_("field"), max_length=30, blank=True)
    message = models.CharField(_("finding text"), max_length=300)

    scope_path = "organization"
    scope_follows_links = False
    objects = RestrictedManager()

    class Meta:
        verbose_name = _("data-quality finding")
        verbose_name_plural = _("data-quality findings")
        ordering = ["-run", "rule", "record_key"]
        indexes = [models.Index(fields=["run", "rule"], name="approvals_finding_run_rule")]

    def __str__(self):
        return f"{self.rule} {self.record_key}"

    def get_absolute_url(self):
        return reverse("approvals:qualityfinding_detail", args=[self.pk])


class RectificationTask(models.Model):
    """A task given to a department to correct the findings of a rule, tracked to its close."""

    class Status(models.TextChoices):
        OPEN = "open", _("to rectify")
        DONE = "done", _("rectified, to verify")
        CLOSED = "closed", _("verified")

    department = models.ForeignKey(
        Organization, models.PROTECT, related_name="+", verbose_name=_("department")
    )
    run = models.ForeignKey(
        QualityRun, models.PROTECT, related_name="tasks", verbose_name=_("data-quality run")
    )
    rule = models.CharField(_("rule"), max_length=40)
    findings = models.PositiveIntegerField(_("findings"))
    due_on = models.DateField(_("due on"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    reply = models.TextField(_("reply"), blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    scope_path = "department"
    scope_follows_links = False
    objects = RestrictedManager()

    class Meta:
        verbose_name = _("rectification task")
        verbose_name_plural = _("rectification tasks")
        ordering = ["status", "due_on", "-pk"]

    def __str__(self):
        return f"{self.department} {self.rule}"

    def get_absolute_url(self):
        return reverse("approvals:rectificationtask_detail", args=[self.pk])


class ExchangeBatch(RunLog):
    """One exchange with the 前置库: an upload or a read of the results written back."""

    class Direction(models.TextChoices):
        UPLOAD = "upload", _("upload")
        READBACK = "readback", _("read results")

    direction = models.CharField(_("direction"), max_length=10, choices=Direction.choices)
    rows = models.PositiveIntegerField(_("rows"), default=0)
    failed = models.PositiveIntegerField(_("failed rows"), default=0)
    accepted = models.PositiveIntegerField(_("accepted rows"), default=0)
    blocked = models.PositiveIntegerField(_("rows held back by the checks"), default=0)
    message = models.CharField(_("message"), max_length=300, blank=True)

    class Meta(RunLog.Meta):
        verbose_name = _("exchange batch")
        verbose_name_plural = _("exchange batches")

    def __str__(self):
        return f"{self.get_direction_display()} {timezone.localtime(self.started_at):%Y-%m-%d %H:%M}"

    def get_absolute_url(self):
        return reverse("approvals:exchangebatch_detail", args=[self.pk])


class ExchangeRow(models.Model):
    """The exchange state of one local record in one SPGL table: uploaded, failed (with why), accepted."""

    class State(models.TextChoices):
        PENDING = "pending", _("waiting for the result")
        FAILED = "failed", _("failed")
        ACCEPTED = "accepted", _("accepted")

    organization = models.ForeignKey(
        Organization, models.PROTECT, related_name="+", verbose_name=_("responsible organization")
    )
    table = models.CharField(_("exchange table"), max_length=30)
    local_key = models.CharField(_("local primary key"), max_length=60)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.PENDING)
    reason = models.CharField(_("failure reason"), max_length=500, blank=True)
    uploads = models.PositiveIntegerField(_("uploads"), default=0)
    digest = models.CharField(max_length=40, blank=True, editable=False)  # of the row as last uploaded
    uploaded_at = models.DateTimeField(_("uploaded at"), null=True, blank=True)
    checked_at = models.DateTimeField(_("result read at"), null=True, blank=True)
    batch = models.ForeignKey(
        ExchangeBatch,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("exchange batch"),
    )

    scope_path = "organization"
    scope_follows_links = False
    objects = RestrictedManager()

    class Meta:
        verbose_name = _("exchange row")
        verbose_name_plural = _("exchange rows")
        ordering = ["state", "table", "local_key"]
        constraints = [
            models.UniqueConstraint(fields=["table", "local_key"], name="approvals_exchange_row_once")
        ]

    def __str__(self):
        return f"{self.table} {self.local_key}"

    def get_absolute_url(self):
        return reverse("approvals:exchangerow_detail", args=[self.pk])


class Correction(models.Model):
    """An authorised correction of wrong data or a stuck case: asked for, approved by another person,
    applied by ``actions.approve_correction`` with the values before and after kept."""

    class Status(models.TextChoices):
        REQUESTED = "requested", _("awaiting approval")
        APPLIED = "applied", _("approved and applied")
        REFUSED = "refused", _("refused")

    class Target(models.TextChoices):
        INSTANCE = "iteminstance", _("item instance")
        PROJECT = "project", _("construction project")

    organization = models.ForeignKey(
        Organization, models.PROTECT, related_name="+", verbose_name=_("responsible organization")
    )
    target = models.CharField(_("record kind"), max_length=20, choices=Target.choices)
    object_id = models.PositiveIntegerField(_("record id"))
    record = models.CharField(_("record"), max_length=120)
    changes = models.JSONField(_("changes asked for"))
    before = models.JSONField(_("before"), default=dict, blank=True)
    after = models.JSONField(_("after"), default=dict, blank=True)
    reason = models.TextField(_("reason"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.REQUESTED)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("requested by")
    )
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("approved by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.CharField(_("decision note"), max_length=300, blank=True)

    scope_path = "organization"
    scope_follows_links = False
    objects = RestrictedManager()

    class Meta:
        verbose_name = _("correction")
        verbose_name_plural = _("corrections")
        ordering = ["-requested_at", "-pk"]
        permissions = [("approve_correction", _("Can approve corrections"))]

    def __str__(self):
        return f"{self.get_target_display()} {self.record}"

    def get_absolute_url(self):
        return reverse("approvals:correction_detail", args=[self.pk])

    def clean(self):
        super().clean()
        if not isinstance(self.changes, dict) or not self.changes:
            raise ValidationError({"changes": _("Name at least one field and its new value.")})
