"""Operations and maintenance (运维, ops spec): contracts with SLAs, incidents with their clocks,
backups, health checks, inspections, staff and security records, monthly assessment.

Scope: every row belongs to an operations contract and is read and written through the contract's
vendor (``contract__vendor``): the vendor's staff work in it, and the bureau above the vendor (the
client, which registered the vendor) reads it and decides what is its to decide (staff changes,
deductions). Platform backups have no contract and are seen by system administrators only.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lantian.core.models import Organization
from lantian.core.scope import RestrictedManager


def now_to_the_second():
    """Now without its microseconds: a time a form shows (to the second) and saves back unchanged."""
    return timezone.now().replace(microsecond=0)


VENDOR_PATH = "contract__vendor"


class Contract(models.Model):
    class Calendar(models.TextChoices):
        ALWAYS = "24x7", _("24×7")
        OFFICE = "office", _("office hours (working days)")

    name = models.CharField(_("name"), max_length=120)
    number = models.CharField(_("contract number"), max_length=50, unique=True)
    client = models.ForeignKey(
        Organization, models.PROTECT, related_name="ops_contracts_as_client", verbose_name=_("client")
    )
    vendor = models.ForeignKey(
        Organization,
        models.PROTECT,
        related_name="ops_contracts",
        limit_choices_to={"kind": Organization.Kind.VENDOR},
        verbose_name=_("operations vendor"),
    )
    systems = models.TextField(_("systems covered"), help_text=_("One system per line."))
    on_site_staff = models.TextField(_("on-site staff"), blank=True, help_text=_("One name per line."))
    contacts = models.TextField(_("client contacts"), blank=True)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    amount = models.DecimalField(_("contract amount (yuan)"), max_digits=14, decimal_places=2, default=0)
    calendar = models.CharField(
        _("SLA calendar"), max_length=10, choices=Calendar.choices, default=Calendar.ALWAYS
    )
    scheme = models.ForeignKey(
        "AssessmentScheme", models.PROTECT, null=True, blank=True, verbose_name=_("assessment scheme")
    )

    scope_path = "vendor"
    scope_follows_links = False
    objects = RestrictedManager()

    class Meta:
        ordering = ["-starts_on", "number"]
        verbose_name = _("operations contract")
        verbose_name_plural = _("operations contracts")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("ops:contract_detail", args=[self.pk])

    def clean(self):
        super().clean()
        errors = {}
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            errors["ends_on"] = _("The contract ends before it starts.")
        if self.vendor_id and self.vendor.kind != Organization.Kind.VENDOR:
            errors["vendor"] = _("%(organization)s is not an operations vendor.") % {
                "organization": self.vendor
            }
        if errors:
            raise ValidationError(errors)

    @property
    def staff_names(self) -> list[str]:
        return [line.strip() for line in self.on_site_staff.splitlines() if line.strip()]

    @property
    def system_names(self) -> list[str]:
        return [line.strip() for line in self.systems.splitlines() if line.strip()]


class SeverityLevel(models.Model):
    """A severity level of a contract with its targets in minutes (0: immediately / real time)."""

    contract = models.ForeignKey(Contract, models.CASCADE, related_name="levels", verbose_name=_("contract"))
    rank = models.PositiveSmallIntegerField(_("rank"), help_text=_("1 is the most severe."))
    name = models.CharField(_("name"), max_length=30)
    own_minutes = models.PositiveIntegerField(_("time to own (minutes)"))
    restore_minutes = models.PositiveIntegerField(
        _("time to restore (minutes)"), null=True, blank=True, help_text=_("Empty: no restore target.")
    )
    resolve_minutes = models.PositiveIntegerField(_("time to resolve (minutes)"), null=True, blank=True)
    description = models.CharField(_("description"), max_length=200, blank=True)

    scope_path = VENDOR_PATH
    scope_follows_links = False
    objects = RestrictedManager()

    class Meta:
        ordering = ["contract", "rank"]
        constraints = [models.UniqueConstraint(fields=["contract", "rank"], name="ops_level_rank_unique")]
        verbose_name = _("severity level")
        verbose_name_plural = _("severity levels")

    def __str__(self):
        # the contract's number only when already loaded (dropdowns join it): a list of incidents shows
        # its severities without one query per row
        if SeverityLevel.contract.is_cached(self):
            return f"{self.contract.number} · {self.name}"
        return self.name

    def get_absolute_url(self):
        return reverse("ops:severitylevel_detail", args=[self.pk])

    def targets(self, hardware: bool = False) -> dict[str, int | None]:
        # The restore target applies to faults other than hardware ones (spec: "40 min (non-hardware)").
        return {
            "own": self.own_minutes,
            "restore": None if hardware else self.restore_minutes,
            "resolve": self.resolve_minutes,
        }


class ClockState(models.TextChoices):
    OK = "ok", _("within target")
    WARNING = "warning", _("warning (75 %)")
    BREACHED = "breached", _("breached")


class Incident(models.Model):
    class Kind(models.TextChoices):
        INCIDENT = "incident", _("incident")
        REQUEST = "request", _("service request")
        QUESTION = "question", _("question")

    class Channel(models.TextChoices):
        HOTLINE = "hotline", _("hotline")
        ON_SITE = "on_site", _("on site")
        MONITORING = "monitoring", _("monitoring")
        OTHER = "other", _("other")

    class Status(models.TextChoices):
        NEW = "new", _("new")
        OWNED = "owned", _("responded")
        PENDING = "pending", _("pending (waiting for the client)")
        RESOLVED = "resolved", _("resolved")

    contract = models.ForeignKey(
        Contract, models.PROTECT, related_name="incidents", verbose_name=_("contract")
    )
    number = models.CharField(_("number"), max_length=30, unique=True, editable=False)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.INCIDENT)
    channel = models.CharField(_("channel"), max_length=12, choices=Channel.choices, default=Channel.HOTLINE)
    severity = models.ForeignKey(SeverityLevel, models.PROTECT, verbose_name=_("severity"))
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    system = models.CharField(_("system"), max_length=100, blank=True)
    hardware = models.BooleanField(_("hardware fault"), default=False)
    reported_by = models.CharField(_("reported by"), max_length=50, blank=True)
    reported_at = models.DateTimeField(_("reported at"), default=now_to_the_second)
    responded_at = models.DateTimeField(_("responded at"), null=True, blank=True)
    on_site_at = models.DateTimeField(_("on site at"), null=True, blank=True)
    restored_at = models.DateTimeField(_("restored at"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    root_cause = models.TextField(_("root cause"), blank=True)
    report_submitted_at = models.DateTimeField(_("report submitted at"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.NEW, editable=False
    )
    # Derived by lantian.ops.clocks (on every change and by the periodic job), never typed.
    own_state = models.CharField(
        _("time to own"), max_length=10, choices=ClockState.choices, default=ClockState.OK, editable=False
    )
    restore_state = models.CharField(
        _("time to restore"), max_length=10, choices=ClockState.choices, blank=True, editable=False
    )
    resolve_state = models.CharField(
        _("time to resolve"), max_length=10, choices=ClockState.choices, blank=True, editable=False
    )
    breached = models.BooleanField(_("SLA breached"), default=False, editable=False)
    next_due_at = models.DateTimeField(_("next due at"), null=True, blank=True, editable=False)
    report_due_at = models.DateTimeField(_("report due at"), null=True, blank=True, editable=False)
    clocks_at = models.DateTimeField(_("clocks computed at"), null=True, blank=True, editable=False)
    service = models.ForeignKey(
        "MonitoredService",
        models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="incidents",
        verbose_name=_("monitored service"),
    )

    scope_path = VENDOR_PATH
    scope_follows_links = False
    objects = RestrictedManager()

    class Meta:
        ordering = ["-reported_at"]
        indexes = [models.Index(fields=["status", "next_due_at"], name="ops_incident_open_due")]
        verbose_name = _("incident")
        verbose_name_plural = _("incidents")

    def __str__(self):
        return f"{self.number} {self.title}"

    def save(self, *args, **kwargs):
        if not self.number:
            self.number = next_incident_number(self.reported_at or timezone.now())
        super().save(*args, **kwargs)
        # Every write path (pages, bulk edit, API) leaves the derived clock states current.
        from lantian.ops import clocks

        clocks.refresh(self)

    def get_absolute_url(self):
        return reverse("ops:incident_detail", args=[self.pk])

    def clean(self):
        super().clean()
        from lantian.ops.sla import Timeline

        errors = {}
        if self.contract_id and self.severity_id and self.severity.contract_id != self.contract_id:
            errors["severity"] = _("Choose a severity level of the incident's own contract.")
        problems = Timeline(**self.timeline_kwargs()).problems() if self.reported_at else []
        if problems:
            errors["resolved_at" if self.resolved_at else "reported_at"] = _(
                "The times are out of order: every event comes after the report, and the resolution last."
            )
        if errors:
            raise ValidationError(errors)

    def timeline_kwargs(self) -> dict:
        return {
            "reported": self.reported_at,
            "responded": self.responded_at,
            "on_site": self.on_site_at,
            "restored": self.restored_at,
            "resolved": self.resolved_at,
        }


def next_incident_number(moment) -> str:
    prefix = "GZ" + timezone.localtime(moment).strftime("%Y%m%d")
    last = (
        Incident.objects.filter(number__startswith=prefix)
        .order_by("-number")
        .values_list("number", flat=True)
    )
    sequence = int(last[0][len(prefix) :]) + 1 if last else 1
    return f"{prefix}{sequence:04d}"


class IncidentPause(models.Model):
    """Pending time (waiting for the client): excluded from the clocks; every pause is kept."""

    incident = models.ForeignKey(Incident, models.CASCADE, related_name="pauses", verbose_name=_("incident"))
    started_at = models.DateTimeField(_("paused at"))
    ended_at = models.DateTimeField(_("resumed at"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=200)
    paused_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, verbose_name=_("paused by")
    )

    class Meta:
        ordering = ["incident", "started_at"]
        verbose_name = _("pause")
        verbose_name_plural = _("pauses")

    def __str__(self):
        return f"{self.incident.number} {self.started_at:%Y-%m-%d %H:%M}"


class BackupRun(models.Model):
    """One backup (the platform's own by ``manage.py backup``, or a client system's recorded by hand)."""

    class Result(models.TextChoices):
        RUNNING = "running", _("running")
        SUCCEEDED = "succeeded", _("succeeded")
        FAILED = "failed", _("failed")

    contract = models.ForeignKey(
        Contract,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="backups",
        verbose_name=_("contract"),
        help_text=_("Empty for the platform's own backups."),
    )
    system = models.CharField(_("system"), max_length=100)
    started_at = models.DateTimeField(_("started at"), default=now_to_the_second)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    result = models.CharField(_("result"), max_length=10, choices=Result.choices, default=Result.RUNNING)
    file_name = models.CharField(_("file"), max_length=255, blank=True)
    size = models.BigIntegerField(_("size (bytes)"), null=True, blank=True)
    checksum = models.CharField(_("SHA-256"), max_length=64, blank=True)
    message = models.TextField(_("message"), blank=True)
    deleted_at = models.DateTimeField(_("removed by retention at"), null=True, blank=True)

    scope_path = VENDOR_PATH
    scope_follows_links = False
    objects = RestrictedManager()

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("backup run")
        verbose_name_plural = _("backup runs")

    def __str__(self):
        return f"{self.system} {timezone.localtime(self.started_at):%Y-%m-%d %H:%M}"

    def get_absolute_url(self):
        return reverse("ops:backuprun_detail", args=[self.pk])


class RestoreDrill(models.Model):
    backup = models.ForeignKey(BackupRun, models.PROTECT, related_name="drills", verbose_name=_("backup"))
    performed_at = models.DateTimeField(_("performed at"), default=now_to_the_second)
    succeeded = models.BooleanField(_("succeeded"), default=False)
    duration_seconds = models.FloatField(_("duration (seconds)"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)

    scope_path = "backup__contract__vendor"
    scope_follows_links = False
    objects = RestrictedManager()

    class Meta:
        ordering = ["-performed_at"]
        verbose_name = _("restore drill")
        verbose_name_plural = _("restore drills")

    def __str__(self):
        return f"{self.backup} · {timezone.localtime(self.performed_at):%Y-%m-%d}"

    def get_absolute_url(self):
        return reverse("ops:restoredrill_detail", args=[self.pk])


class MonitoredService(models.Model):
    """An interface checked periodically; a failure opens an incident on the contract."""

    class Kind(models.TextChoices):
        HTTP = "http", _("HTTP")
        TCP = "tcp", _("TCP port")
        HJ212 = "hj212", _("HJ 212 device online rate")
        QUEUE = "queue", _("job queue age")
        DISK = "disk", _("disk space")
        CERTIFICATE = "certificate", _("certificate expiry")

    contract = models.ForeignKey(
        Contract, models.CASCADE, related_name="services", verbose_name=_("contract")
    )
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    target = models.CharField(
        _("target"),
        max_length=300,
        blank=True,
        help_text=_("HTTP: a URL; TCP and certificate: host:port; disk: a path; HJ 212 and queue: empty."),
    )
    threshold = models.FloatField(
        _("threshold"),
        null=True,
        blank=True,
        help_text=_(
            "HJ 212: lowest online share in %; queue: oldest job in minutes; disk: lowest free share "
            "in %; certificate: fewest days left; HTTP/TCP: timeout in seconds."
        ),
    )
    severity = models.ForeignKey(
        SeverityLevel, models.PROTECT, null=True, blank=True, verbose_name=_("severity of its incidents")
    )
    active = models.BooleanField(_("active"), default=True)
    last_ok = models.BooleanField(_("last check passed"), null=True, editable=False)
    last_checked_at = models.DateTimeField(_("last checked at"), null=True, editable=False)
    last_message = models.CharField(_("last message"), max_length=300, blank=True, editable=False)

    scope_path = VENDOR_PATH
    scope_follows_links = False
    objects = RestrictedManager()

    class Meta:
        ordering = ["contract", "name"]
        verbose_name = _("monitored service")
        verbose_name_plural = _("monitored services")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("ops:monitoredservice_detail", args=[self.pk])

    def clean(self):
        super().clean()
        if self.contract_id and self.severity_id and self.severity.contract_id != self.contract_id:
            raise ValidationError({"severity": _("Choose a severity level of the service's own contract.")})
        if (
            self.kind in (self.Kind.HTTP, self.Kind.TCP, self.Kind.CERTIFICATE, self.Kind.DISK)
            and not self.target
        ):
            raise ValidationError({"target": _("This kind of check needs a target.")})


class CheckResult(models.Model):
    service = models.ForeignKey(MonitoredService, models.CASCADE, related_name="results")
    checked_at = models.DateTimeField(db_index=True)
    ok = models.BooleanField()
    value = models.FloatField(null=True)
    message = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["service", "checked_at"]
        verbose_name = _("check result")
        verbose_name_plural = _("check results")
        indexes = [models.Index(fields=["service", "checked_at"], name="ops_check_service_time")]

    def __str__(self):
        return f"{self.service} {self.checked_at:%Y-%m-%d %H:%M}"


class MaintenanceWindow(models.Model):
    """Planned maintenance approved in advance: excluded from availability."""

    service = models.ForeignKey(
        MonitoredService, models.CASCADE, related_name="maintenance", verbose_name=_("service")
    )
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    reason = models.CharField(_("reason"), max_length=200)
    approved = models.BooleanField(_("approved by the client"), default=False)

    scope_path = "service__contract__vendor"
    scope_follows_links = False
    objects = RestrictedManager()

    class Meta:
        ordering = ["-starts_at"]
        verbose_name = _("maintenance window")
        verbose_name_plural = _("maintenance windows")

    def __str__(self):
        return f"{self.service} {timezone.localtime(self.starts_at):%Y-%m-%d %H:%M}"

    def get_absolute_url(self):
        return reverse("ops:maintenancewindow_detail", args=[self.pk])

    def clean(self):
        super().clean()
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": _("The window ends before it starts.")})


class AssessmentScheme(models.Model):
    """A monthly assessment scheme (考核办法): categories with points, deductions per event, grades."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    excellent = models.DecimalField(_("excellent (优秀) from"), max_digits=5, decimal_places=1, default=85)
    good = models.DecimalField(_("good (良好) from"), max_digits=5, decimal_places=1, default=75)
    passing = models.DecimalField(_("passing (达标) from"), max_digits=5, decimal_places=1, default=60)
    warnings_before_penalty = models.PositiveSmallIntegerField(_("warnings before a penalty"), default=2)
    penalty_percent = models.DecimalField(
        # xgettext:no-python-format
        _("penalty per breach (% of the contract)"),
        max_digits=5,
        decimal_places=2,
        default=1,
    )

    scope_path = None  # shared reference data
    objects = RestrictedManager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("assessment scheme")
        verbose_name_plural = _("assessment schemes")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("ops:assessmentscheme_detail", args=[self.pk])


class AssessmentRule(models.Model):
    """One category's deduction per event of a kind (or the event zeroes the month)."""

    class Event(models.TextChoices):
        MISSED_INSPECTION = "missed_inspection", _("inspection missed (per day)")
        FAILED_ITEM = "failed_item", _("inspection item not done (per item)")
        SLA_BREACH = "sla_breach", _("SLA breach (per incident)")
        LATE_INCIDENT_REPORT = "late_incident_report", _("incident report late")
        BACKUP_MISSING = "backup_missing", _("backup missing or failed (per day)")
        RESTORE_IMPOSSIBLE = "restore_impossible", _("no backup when a restore was needed")
        ABSENCE = "absence", _("absence (per day)")
        SECURITY_EVENT = "security_event", _("data-security event")
        DATA_LEAK = "data_leak", _("information leak")
        LATE_WORK_REPORT = "late_work_report", _("weekly or monthly report late")
        COMPLAINT = "complaint", _("justified complaint")
        MANUAL = "manual", _("other (entered by the client)")

    scheme = models.ForeignKey(
        AssessmentScheme, models.CASCADE, related_name="rules", verbose_name=_("scheme")
    )
    category = models.CharField(_("category"), max_length=50)
    points = models.DecimalField(_("category points"), max_digits=5, decimal_places=1)
    event = models.CharField(_("event"), max_length=25, choices=Event.choices)
    deduction = models.DecimalField(_("deduction per event"), max_digits=5, decimal_places=1, default=0)
    zeroes_month = models.BooleanField(_("zeroes the month"), default=False)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    scope_path = None
    objects = RestrictedManager()

    class Meta:
        ordering = ["scheme", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "category", "event"], name="ops_rule_event_unique")
        ]
        verbose_name = _("assessment rule")
        verbose_name_plural = _("assessment rules")

    def __str__(self):
        return f"{self.category} · {self.get_event_display()}"

    def get_absolute_url(self):
        return reverse("ops:assessmentrule_detail", args=[self.pk])


class Assessment(models.Model):
    class Status(models.TextChoices):
        PROPOSED = "proposed", _("proposed")
        CONFIRMED = "confirmed", _("confirmed by the client")

    contract = models.ForeignKey(
        Contract, models.PROTECT, related_name="assessments", verbose_name=_("contract")
    )
    month = models.DateField(_("month"), help_text=_("The first day of the month."))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PROPOSED)
    score = models.DecimalField(_("score"), max_digits=5, decimal_places=1, default=100)
    grade = models.CharField(_("grade"), max_length=10, blank=True)
    zeroed = models.BooleanField(_("month zeroed"), default=False)
    proposed_at = models.DateTimeField(_("proposed at"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("confirmed by"),
    )

    scope_path = VENDOR_PATH
    scope_follows_links = False
    objects = RestrictedManager()

    class Meta:
        ordering = ["-month", "contract"]
        constraints = [
            models.UniqueConstraint(fields=["contract", "month"], name="ops_assessment_month_unique")
        ]
        # The client's decision on deductions, named like the review permission of reviewed records.
        permissions = [("review_assessment", _("Can review monthly assessment"))]
        verbose_name = _("monthly assessment")
        verbose_name_plural = _("monthly assessments")

    def __str__(self):
        return f"{self.contract.number} {self.month:%Y-%m}"

    def get_absolute_url(self):
        return reverse("ops:assessment_detail", args=[self.pk])


class Deduction(models.Model):
    class Status(models.TextChoices):
        PROPOSED = "proposed", _("proposed")
        CONFIRMED = "confirmed", _("confirmed")
        WAIVED = "waived", _("waived")

    assessment = models.ForeignKey(Assessment, models.CASCADE, related_name="deductions")
    rule = models.ForeignKey(
        AssessmentRule, models.PROTECT, related_name="deductions", verbose_name=_("rule")
    )
    points = models.DecimalField(_("points"), max_digits=5, decimal_places=1)
    source = models.CharField(_("evidence"), max_length=300)
    source_key = models.CharField(max_length=80)  # what it was proposed from, e.g. "incident:12"
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PROPOSED)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["assessment", "rule__order", "pk"]
        verbose_name = _("deduction")
        verbose_name_plural = _("deductions")
        constraints = [
            models.UniqueConstraint(fields=["assessment", "source_key"], name="ops_deduction_source_unique")
        ]

    def __str__(self):
        return f"{self.rule.category} −{self.points}"


class InspectionTemplate(models.Model):
    class Kind(models.TextChoices):
        SERVER = "server", _("server (weekly)")
        APPLICATION = "application", _("application (daily, before office hours)")
        DATABASE = "database", _("database")
        FRONT_DATABASE = "front_database", _("front-end database")
        NETWORK = "network", _("network")
        INTERFACES = "interfaces", _("interfaces")
        LOGS = "logs", _("logs")
        SECURITY = "security", _("information security")

    class Frequency(models.TextChoices):
        DAILY = "daily", _("every working day")
        WEEKLY = "weekly", _("weekly")
        MONTHLY = "monthly", _("monthly")

    contract = models.ForeignKey(
        Contract, models.CASCADE, related_name="templates", verbose_name=_("contract")
    )
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=15, choices=Kind.choices)
    frequency = models.CharField(_("frequency"), max_length=10, choices=Frequency.choices)
    weekday = models.PositiveSmallIntegerField(
        _("weekday (weekly)"), default=0, validators=[MaxValueValidator(6)], help_text=_("0 is Monday.")
    )
    due_time = models.TimeField(_("done by"), help_text=_("The time of day the run must be done by."))
    items = models.TextField(_("checklist items"), help_text=_("One item per line."))
    active = models.BooleanField(_("active"), default=True)

    scope_path = VENDOR_PATH
    scope_follows_links = False
    objects = RestrictedManager()

    class Meta:
        ordering = ["contract", "name"]
        verbose_name = _("inspection template")
        verbose_name_plural = _("inspection templates")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("ops:inspectiontemplate_detail", args=[self.pk])

    @property
    def item_list(self) -> list[str]:
        return [line.strip() for line in self.items.splitlines() if line.strip()]

    def clean(self):
        super().clean()
        if self.items and not self.item_list:
            raise ValidationError({"items": _("List at least one item.")})
        if len(self.item_list) > 100:
            raise ValidationError({"items": _("A checklist has at most 100 items.")})


class InspectionRun(models.Model):
    class Status(models.TextChoices):
        DUE = "due", _("due")
        DONE = "done", _("done")
        MISSED = "missed", _("missed")

    template = models.ForeignKey(
        InspectionTemplate, models.CASCADE, related_name="runs", verbose_name=_("template")
    )
    due_on = models.DateField(_("due on"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DUE)
    performed_at = models.DateTimeField(_("performed at"), null=True, blank=True)
    performed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("performed by"),
    )
    notes = models.TextField(_("notes"), blank=True)

    scope_path = "template__contract__vendor"
    scope_follows_links = False
    objects = RestrictedManager()

    class Meta:
        ordering = ["-due_on", "template"]
        constraints = [models.UniqueConstraint(fields=["template", "due_on"], name="ops_run_day_unique")]
        verbose_name = _("inspection run")
        verbose_name_plural = _("inspection runs")

    def __str__(self):
        return f"{self.template} {self.due_on}"

    def get_absolute_url(self):
        return reverse("ops:inspectionrun_detail", args=[self.pk])


def inspection_photo_path(instance, filename):
    return f"ops/inspections/{instance.run_id}/{filename}"


class InspectionResult(models.Model):
    run = models.ForeignKey(InspectionRun, models.CASCADE, related_name="results")
    position = models.PositiveSmallIntegerField()
    item = models.CharField(_("item"), max_length=200)
    passed = models.BooleanField(_("passed"), null=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    photo = models.ImageField(_("photo"), upload_to=inspection_photo_path, blank=True)

    class Meta:
        ordering = ["run", "position"]
        verbose_name = _("inspection result")
        verbose_name_plural = _("inspection results")
        constraints = [models.UniqueConstraint(fields=["run", "position"], name="ops_result_position_unique")]

    def __str__(self):
        return self.item


class ContractRecord(models.Model):
    """Rows of a contract's staff and security records."""

    contract = models.ForeignKey(Contract, models.CASCADE, related_name="+", verbose_name=_("contract"))

    scope_path = VENDOR_PATH
    scope_follows_links = False
    objects = RestrictedManager()

    class Meta:
        abstract = True

    def get_absolute_url(self):
        return reverse(f"ops:{self._meta.model_name}_detail", args=[self.pk])


class Attendance(ContractRecord):
    class Status(models.TextChoices):
        PRESENT = "present", _("present")
        LATE = "late", _("late")
        LEAVE = "leave", _("on approved leave")
        ABSENT = "absent", _("absent")

    person = models.CharField(_("person"), max_length=50)
    date = models.DateField(_("date"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PRESENT)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["-date", "person"]
        constraints = [
            models.UniqueConstraint(fields=["contract", "person", "date"], name="ops_attendance_day_unique")
        ]
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")

    def __str__(self):
        return f"{self.person} {self.date}"


class StaffChange(ContractRecord):
    class Decision(models.TextChoices):
        REQUESTED = "requested", _("awaiting the client")
        APPROVED = "approved", _("approved")
        REFUSED = "refused", _("refused")

    leaving = models.CharField(_("leaving"), max_length=50, blank=True)
    joining = models.CharField(_("joining"), max_length=50, blank=True)
    reason = models.CharField(_("reason"), max_length=300)
    requested_on = models.DateField(_("requested on"), default=timezone.localdate)
    decision = models.CharField(
        _("decision"), max_length=10, choices=Decision.choices, default=Decision.REQUESTED
    )
    decided_on = models.DateField(_("decided on"), null=True, blank=True)

    class Meta:
        ordering = ["-requested_on"]
        verbose_name = _("staff change")
        verbose_name_plural = _("staff changes")

    def __str__(self):
        return f"{self.leaving or '—'} → {self.joining or '—'}"

    def clean(self):
        super().clean()
        if not self.leaving and not self.joining:
            raise ValidationError(_("Name who leaves, who joins, or both."))


class Training(ContractRecord):
    date = models.DateField(_("date"))
    topic = models.CharField(_("topic"), max_length=200)
    participants = models.CharField(_("participants"), max_length=300)
    hours = models.DecimalField(_("hours"), max_digits=4, decimal_places=1, validators=[MinValueValidator(0)])

    class Meta:
        ordering = ["-date"]
        verbose_name = _("training record")
        verbose_name_plural = _("training records")

    def __str__(self):
        return self.topic


class SecurityInspection(ContractRecord):
    date = models.DateField(_("date"))
    scope = models.CharField(_("what was inspected"), max_length=200)
    findings = models.TextField(_("findings"), blank=True)
    passed = models.BooleanField(_("passed"), default=True)

    class Meta:
        ordering = ["-date"]
        verbose_name = _("security inspection")
        verbose_name_plural = _("security inspections")

    def __str__(self):
        return f"{self.scope} {self.date}"


class SecurityEvent(ContractRecord):
    class Kind(models.TextChoices):
        LEAK = "leak", _("information leak")
        INTRUSION = "intrusion", _("intrusion or attack")
        LOSS = "loss", _("data loss")
        OTHER = "other", _("other")

    occurred_at = models.DateTimeField(_("occurred at"))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    description = models.TextField(_("description"))
    handling = models.TextField(_("handling"), blank=True)
    closed = models.BooleanField(_("closed"), default=False)

    class Meta:
        ordering = ["-occurred_at"]
        verbose_name = _("data-security event")
        verbose_name_plural = _("data-security events")

    def __str__(self):
        return f"{self.get_kind_display()} {timezone.localtime(self.occurred_at):%Y-%m-%d}"


class ContractContact(models.Model):
    """A person of the client (or the vendor's manager) told when an incident's clock reaches a threshold."""

    class Escalate(models.TextChoices):
        WARNING = "warning", _("at the warning (75 %) and at the breach")
        BREACH = "breach", _("at the breach only")
        NEVER = "never", _("never")

    contract = models.ForeignKey(
        Contract, models.CASCADE, related_name="contact_people", verbose_name=_("contract")
    )
    name = models.CharField(_("name"), max_length=50)
    role = models.CharField(_("role"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("email"), blank=True, help_text=_("Escalations are emailed to it."))
    escalate = models.CharField(
        _("escalations"), max_length=10, choices=Escalate.choices, default=Escalate.WARNING
    )

    scope_path = VENDOR_PATH
    scope_follows_links = False
    objects = RestrictedManager()

    class Meta:
        ordering = ["contract", "name"]
        constraints = [models.UniqueConstraint(fields=["contract", "name"], name="ops_contact_name_unique")]
        verbose_name = _("contract contact")
        verbose_name_plural = _("contract contacts")

    def __str__(self):
        return f"{self.name} ({self.role})" if self.role else self.name

    def get_absolute_url(self):
        return reverse("ops:contractcontact_detail", args=[self.pk])

    def wants(self, threshold: str) -> bool:
        if self.escalate == self.Escalate.NEVER:
            return False
        return threshold == ClockState.BREACHED or self.escalate == self.Escalate.WARNING


class Escalation(models.Model):
    """An incident's clock reached a threshold (75 % or 100 %): recorded once per incident, clock and
    threshold, with the contacts told (``lantian.ops.escalation``)."""

    class Clock(models.TextChoices):
        OWN = "own", _("time to own")
        RESOLVE = "resolve", _("time to resolve")

    incident = models.ForeignKey(
        Incident, models.CASCADE, related_name="escalations", verbose_name=_("incident")
    )
    clock = models.CharField(_("clock"), max_length=10, choices=Clock.choices)
    threshold = models.CharField(
        _("threshold"),
        max_length=10,
        choices=[
            (ClockState.WARNING, ClockState.WARNING.label),
            (ClockState.BREACHED, ClockState.BREACHED.label),
        ],
    )
    elapsed_minutes = models.FloatField(_("minutes counted"))
    target_minutes = models.FloatField(_("target (minutes)"))
    created_at = models.DateTimeField(_("escalated at"))

    class Meta:
        ordering = ["incident", "created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["incident", "clock", "threshold"], name="ops_escalation_once")
        ]
        verbose_name = _("escalation")
        verbose_name_plural = _("escalations")

    def __str__(self):
        return f"{self.incident.number} {self.get_clock_display()} {self.get_threshold_display()}"


class EscalationNotice(models.Model):
    """One contact told of an escalation: by email when the contact has an address."""

    escalation = models.ForeignKey(
        Escalation, models.CASCADE, related_name="notices", verbose_name=_("escalation")
    )
    contact = models.ForeignKey(
        ContractContact, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("contact")
    )
    name = models.CharField(_("name"), max_length=50)
    email = models.EmailField(_("email"), blank=True)
    sent_at = models.DateTimeField(_("emailed at"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    error = models.CharField(_("error"), max_length=300, blank=True)

    class Meta:
        ordering = ["escalation", "name"]
        verbose_name = _("escalation notice")
        verbose_name_plural = _("escalation notices")

    def __str__(self):
        return f"{self.escalation} → {self.name}"
