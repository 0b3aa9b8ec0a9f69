"""Projects, their approval processes and stages, approval items and their instances with handling
records, parallel approvals, joint acceptance and the code maps between levels (approvals spec "Model")."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from lantian.approvals.standards import status as S
from lantian.approvals.standards.codes import CodeError, check_project_code, check_works_code
from lantian.core.models import Organization
from lantian.core.models.organizations import CreditCodeError, credit_code_message
from lantian.core.scope import RestrictedManager
from lantian.core.standards.credit_code import normalize_credit_code, validate_credit_code

CODE_MESSAGES = {
    "project_format": _(
        "A project code reads year-division-industry-type-serial, e.g. 2026-610302-48-01-000123."
    ),
    "project_year": _("The year %(year)s of the project code is not between %(first)s and %(last)s."),
    "project_serial": _("The serial number of a project code cannot be all zeros."),
    "works_format": _(
        "A works code is the project code followed by - and four digits, e.g. %(project_code)s-0001."
    ),
    "works_serial": _("The number of a works code cannot be 0000."),
}


def code_message(error: CodeError) -> str:
    return str(CODE_MESSAGES[error.reason]) % error.params


class ProcessType(models.IntegerChoices):
    """SPLCLX: the kind of approval process (国务院办公厅关于全面开展工程建设项目审批制度改革的实施意见)."""

    GOVERNMENT_BUILDING = 1, _("government-invested building")
    GOVERNMENT_LINEAR = 2, _("government-invested linear works")
    SOCIAL = 3, _("general social investment")
    SMALL_SOCIAL = 4, _("small social investment")
    OTHER = 5, _("other")


class StageKind(models.IntegerChoices):
    """The four stages of an approval process and the parallel stage (并行推进)."""

    LAND_PLANNING = 1, _("project initiation and land-use planning permit")
    WORKS_PLANNING = 2, _("construction works planning permit")
    CONSTRUCTION = 3, _("construction permit")
    ACCEPTANCE = 4, _("completion acceptance")
    PARALLEL = 5, _("parallel stage")


class LimitUnit(models.TextChoices):
    WORKDAYS = "workdays", _("working days")
    WORKHOURS = "workhours", _("working hours")
    DAYS = "days", _("natural days")
    HOURS = "hours", _("natural hours")


class HandlingStatus(models.IntegerChoices):
    """办理状态 as local systems send it (codes of ``standards.status``)."""

    RECEIVED = S.RECEIVED, pgettext_lazy("handling status", "received")
    WITHDRAWN = S.WITHDRAWN, pgettext_lazy("handling status", "withdrawn by the applicant")
    ACCEPTED = S.ACCEPTED, pgettext_lazy("handling status", "accepted")
    NOT_ACCEPTED = S.NOT_ACCEPTED, pgettext_lazy("handling status", "not accepted")
    REFUSED = S.REFUSED, pgettext_lazy("handling status", "refused acceptance")
    CORRECTION_START = S.CORRECTION_START, pgettext_lazy("handling status", "correction (start)")
    CORRECTION_END = S.CORRECTION_END, pgettext_lazy("handling status", "correction (end)")
    HANDLING_START = S.HANDLING_START, pgettext_lazy("handling status", "department starts handling")
    SPECIAL_START = S.SPECIAL_START, pgettext_lazy("handling status", "special procedure (start)")
    SPECIAL_END = S.SPECIAL_END, pgettext_lazy("handling status", "special procedure (end)")
    APPROVED = S.APPROVED, pgettext_lazy("handling status", "completed (approved)")
    APPROVED_TOLERANT = (
        S.APPROVED_TOLERANT,
        pgettext_lazy("handling status", "completed (approved with documents to follow)"),
    )
    REJECTED = S.REJECTED, pgettext_lazy("handling status", "completed (not approved)")
    RETRACTED = S.RETRACTED, pgettext_lazy("handling status", "retracted")
    REVOKED = S.REVOKED, pgettext_lazy("handling status", "revoked")


class ClockState(models.TextChoices):
    NORMAL = "normal", _("normal")
    WARNING = "warning", _("warning")
    OVERDUE = "overdue", _("overdue")


def _check_credit_code(value: str, field: str, errors: dict) -> str:
    if not value:
        return value
    value = normalize_credit_code(value)
    try:
        validate_credit_code(value)
    except CreditCodeError as error:
        errors[field] = credit_code_message(error)
    return value


class Project(models.Model):
    """A construction project (SPGL_XMJBXXB): codes, place, size, plan and builder."""

    organization = models.ForeignKey(
        Organization, models.PROTECT, related_name="approval_projects", verbose_name=_("approval bureau")
    )
    code = models.CharField(_("project code"), max_length=24, unique=True)
    works_code = models.CharField(_("works code"), max_length=29, unique=True)
    name = models.CharField(_("project name"), max_length=200)
    location = models.CharField(_("construction site"), max_length=200, blank=True)
    division = models.ForeignKey(
        "core.Division", models.PROTECT, related_name="approval_projects", verbose_name=_("division")
    )
    investment = models.DecimalField(
        _("total investment (10 000 yuan)"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    land_area = models.DecimalField(
        _("land area (m²)"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    floor_area = models.DecimalField(
        _("floor area (m²)"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    planned_start = models.DateField(_("planned start"), null=True, blank=True)
    planned_completion = models.DateField(_("planned completion"), null=True, blank=True)
    builder_name = models.CharField(_("builder"), max_length=200, blank=True)
    builder_credit_code = models.CharField(_("builder's credit code"), max_length=18, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    scope_path = "organization"
    scope_follows_links = False
    objects = RestrictedManager()

    class Meta:
        verbose_name = _("construction project")
        verbose_name_plural = _("construction projects")
        ordering = ["-code"]

    def __str__(self):
        return f"{self.code} {self.name}"

    def get_absolute_url(self):
        return reverse("approvals:project_detail", args=[self.pk])

    def clean(self):
        super().clean()
        errors = {}
        self.code = (self.code or "").strip()
        self.works_code = (self.works_code or "").strip()
        try:
            division_code = check_project_code(self.code, timezone.localdate().year)
        except CodeError as error:
            errors["code"] = code_message(error)
        else:
            if self.division_id and self.division.code != division_code:
                errors["division"] = _("The project code names division %(code)s, not this one.") % {
                    "code": division_code
                }
            try:
                check_works_code(self.works_code, self.code)
            except CodeError as error:
                errors["works_code"] = code_message(error)
        self.builder_credit_code = _check_credit_code(self.builder_credit_code, "builder_credit_code", errors)
        if self.planned_start and self.planned_completion and self.planned_completion < self.planned_start:
            errors["planned_completion"] = _("The planned completion cannot be before the planned start.")
        if errors:
            raise ValidationError(errors)


class ApprovalProcess(models.Model):
    """The approval process of a project (SPGL_DFXMSPLCXXB): its type and the stage it has reached."""

    project = models.OneToOneField(
        Project, models.CASCADE, related_name="process", verbose_name=_("construction project")
    )
    process_type = models.PositiveSmallIntegerField(_("process type"), choices=ProcessType.choices)
    version = models.CharField(_("process version"), max_length=20)
    current_stage = models.PositiveSmallIntegerField(
        _("current stage"), choices=StageKind.choices, default=StageKind.LAND_PLANNING
    )
    started_on = models.DateField(_("started on"))

    scope_path = "project__organization"
    scope_follows_links = False
    objects = RestrictedManager()

    class Meta:
        verbose_name = _("approval process")
        verbose_name_plural = _("approval processes")
        ordering = ["-started_on", "-pk"]

    def __str__(self):
        return f"{self.get_process_type_display()} #{self.pk}"  # no join: dropdowns and API briefs list many

    def get_absolute_url(self):
        return reverse("approvals:approvalprocess_detail", args=[self.pk])


class ProcessStage(models.Model):
    """A stage of a project's process (SPGL_DFXMSPLCJDXXB)."""

    process = models.ForeignKey(
        ApprovalProcess, models.CASCADE, related_name="stages", verbose_name=_("approval process")
    )
    kind = models.PositiveSmallIntegerField(_("stage"), choices=StageKind.choices)
    started_on = models.DateField(_("started on"))
    completed_on = models.DateField(_("completed on"), null=True, blank=True)

    scope_path = "process__project__organization"
    scope_follows_links = False
    objects = RestrictedManager()

    class Meta:
        verbose_name = _("process stage")
        verbose_name_plural = _("process stages")
        ordering = ["process", "kind"]
        constraints = [models.UniqueConstraint(fields=["process", "kind"], name="approvals_stage_once")]

    def __str__(self):
        return f"{self.get_kind_display()} #{self.process_id}"

    def get_absolute_url(self):
        return reverse("approvals:processstage_detail", args=[self.pk])

    def clean(self):
        super().clean()
        if self.completed_on and self.started_on and self.completed_on < self.started_on:
            raise ValidationError({"completed_on": _("A stage cannot be completed before it started.")})


class ApprovalItem(models.Model):
    """An approval item (审批事项) of a department, with its statutory time limit.

    Changes of the time limit, its unit, the department, the materials or the handlers are kept in
    ``ItemConfigChange`` (written by the form through ``actions.record_item_changes``); instances keep
    the limit they were accepted under."""

    code = models.CharField(_("item code"), max_length=40)
    version = models.CharField(_("item version"), max_length=10)
    name = models.CharField(_("item name"), max_length=200)
    department = models.ForeignKey(
        Organization, models.PROTECT, related_name="approval_items", verbose_name=_("department")
    )
    stage = models.PositiveSmallIntegerField(_("stage"), choices=StageKind.choices)
    time_limit = models.PositiveIntegerField(_("statutory time limit"), validators=[MinValueValidator(1)])
    limit_unit = models.CharField(_("time-limit unit"), max_length=10, choices=LimitUnit.choices)
    materials = models.TextField(_("materials"), blank=True)
    handlers = models.CharField(_("handlers"), max_length=200, blank=True)
    is_active = models.BooleanField(_("in use"), default=True)

    scope_path = "department"
    scope_follows_links = False
    objects = RestrictedManager()

    class Meta:
        verbose_name = _("approval item")
        verbose_name_plural = _("approval items")
        ordering = ["code", "version"]
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="approvals_item_code_version"),
        ]

    def __str__(self):
        return f"{self.code} {self.name}"

    def get_absolute_url(self):
        return reverse("approvals:approvalitem_detail", args=[self.pk])

    def clean(self):
        super().clean()
        if self.department_id and self.department.kind != Organization.Kind.DEPARTMENT:
            raise ValidationError({"department": _("Approval items belong to departments.")})


class ItemConfigChange(models.Model):
    """One change of an approval item's configuration: what, before and after, who and why."""

    item = models.ForeignKey(
        ApprovalItem, models.CASCADE, related_name="config_changes", verbose_name=_("approval item")
    )
    changed_at = models.DateTimeField(_("changed at"), default=timezone.now)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("changed by")
    )
    field = models.CharField(_("setting"), max_length=50)
    before = models.TextField(_("before"), blank=True)
    after = models.TextField(_("after"), blank=True)

    scope_path = "item__department"
    scope_follows_links = False
    objects = RestrictedManager()

    class Meta:
        verbose_name = _("item configuration change")
        verbose_name_plural = _("item configuration changes")
        ordering = ["-changed_at", "-pk"]

    def __str__(self):
        return f"{self.item.code} {self.field}"

    def get_absolute_url(self):
        return reverse("approvals:itemconfigchange_detail", args=[self.pk])


class ParallelApproval(models.Model):
    """Parallel approval (并联审批): items of several departments handled at the same time."""

    project = models.ForeignKey(
        Project, models.CASCADE, related_name="parallel_approvals", verbose_name=_("construction project")
    )
    stage = models.PositiveSmallIntegerField(_("stage"), choices=StageKind.choices)
    lead_department = models.ForeignKey(
        Organization, models.PROTECT, related_name="+", verbose_name=_("lead department")
    )
    started_on = models.DateField(_("started on"))
    completed_on = models.DateField(_("completed on"), null=True, blank=True)

    scope_path = "project__organization"
    scope_follows_links = False
    objects = RestrictedManager()

    class Meta:
        verbose_name = _("parallel approval")
        verbose_name_plural = _("parallel approvals")
        ordering = ["-started_on", "-pk"]

    def __str__(self):
        return f"{self.get_stage_display()} #{self.pk}"

    def get_absolute_url(self):
        return reverse("approvals:parallelapproval_detail", args=[self.pk])


class JointAcceptance(models.Model):
    """Joint acceptance (联合验收) of a completed project by several departments."""

    class Result(models.TextChoices):
        PENDING = "pending", _("in progress")
        PASSED = "passed", _("passed")
        FAILED = "failed", _("not passed")

    project = models.ForeignKey(
        Project, models.CASCADE, related_name="joint_acceptances", verbose_name=_("construction project")
    )
    lead_department = models.ForeignKey(
        Organization, models.PROTECT, related_name="+", verbose_name=_("lead department")
    )
    departments = models.CharField(_("participating departments"), max_length=300, blank=True)
    applied_on = models.DateField(_("applied on"))
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    result = models.CharField(_("result"), max_length=10, choices=Result.choices, default=Result.PENDING)

    scope_path = "project__organization"
    scope_follows_links = False
    objects = RestrictedManager()

    class Meta:
        verbose_name = _("joint acceptance")
        verbose_name_plural = _("joint acceptances")
        ordering = ["-applied_on", "-pk"]

    def __str__(self):
        return f"{self.project.code} {self.applied_on}"

    def get_absolute_url(self):
        return reverse("approvals:jointacceptance_detail", args=[self.pk])


class ItemInstance(models.Model):
    """A case of an approval item for a project (SPSXSLBM), with its clock.

    ``status`` is the latest handling record's code; the ``clock_*`` fields are derived by the
    periodic job ``approvals.clock`` (``approvals.clock.refresh_clocks``), never on page load."""

    code = models.CharField(_("item instance code"), max_length=50, unique=True)
    project = models.ForeignKey(
        Project,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="item_instances",
        verbose_name=_("construction project"),
    )
    stage = models.ForeignKey(
        ProcessStage,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="item_instances",
        verbose_name=_("process stage"),
    )
    item = models.ForeignKey(
        ApprovalItem, models.PROTECT, related_name="instances", verbose_name=_("approval item")
    )
    department = models.ForeignKey(
        Organization, models.PROTECT, related_name="approval_instances", verbose_name=_("department")
    )
    parallel = models.ForeignKey(
        ParallelApproval,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="instances",
        verbose_name=_("parallel approval"),
    )
    time_limit = models.PositiveIntegerField(_("statutory time limit"), validators=[MinValueValidator(1)])
    limit_unit = models.CharField(_("time-limit unit"), max_length=10, choices=LimitUnit.choices)
    received_at = models.DateTimeField(_("received at"))
    status = models.PositiveSmallIntegerField(
        _("handling status"), choices=HandlingStatus.choices, default=HandlingStatus.RECEIVED
    )
    is_open = models.BooleanField(_("open"), default=True, editable=False)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True, editable=False)
    clock_state = models.CharField(
        _("time-limit state"),
        max_length=10,
        choices=ClockState.choices,
        default=ClockState.NORMAL,
        editable=False,
    )
    remaining = models.FloatField(_("time left"), null=True, editable=False)
    overdue_by = models.FloatField(_("overdue by"), default=0, editable=False)
    used_workdays = models.FloatField(_("working days used"), null=True, editable=False)
    suspended = models.BooleanField(_("suspended"), default=False, editable=False)
    clock_at = models.DateTimeField(_("clock computed at"), null=True, editable=False)

    scope_path = "department"
    scope_follows_links = False
    objects = RestrictedManager()

    class Meta:
        verbose_name = _("item instance")
        verbose_name_plural = _("item instances")
        ordering = ["-received_at", "-pk"]
        indexes = [
            models.Index(fields=["is_open", "clock_state"], name="approvals_inst_open_state"),
            models.Index(fields=["department", "clock_state"], name="approvals_inst_dept_state"),
        ]

    def __str__(self):
        return f"{self.code} {self.item.name}"

    def get_absolute_url(self):
        return reverse("approvals:iteminstance_detail", args=[self.pk])

    def clean(self):
        super().clean()
        errors = {}
        if self.item_id and self.department_id and self.item.department_id != self.department_id:
            errors["department"] = _("The department must be the approval item's department.")
        if self.stage_id and self.project_id and self.stage.process.project_id != self.project_id:
            errors["stage"] = _("The stage belongs to another project.")
        if self.parallel_id and self.project_id and self.parallel.project_id != self.project_id:
            errors["parallel"] = _("The parallel approval belongs to another project.")
        if errors:
            raise ValidationError(errors)

    @property
    def remaining_display(self) -> str:
        if self.remaining is None:
            return ""
        return f"{self.remaining:.1f} {self.get_limit_unit_display()}"


class HandlingRecord(models.Model):
    """One step of a case (SPGL_XMSPSXBLXXXXB): status code, time, handler and opinion."""

    instance = models.ForeignKey(
        ItemInstance, models.CASCADE, related_name="records", verbose_name=_("item instance")
    )
    sequence = models.PositiveIntegerField(_("handling step"))
    status = models.PositiveSmallIntegerField(_("handling status"), choices=HandlingStatus.choices)
    handled_at = models.DateTimeField(_("handled at"))
    handler = models.CharField(_("handler"), max_length=50)
    opinion = models.CharField(_("opinion"), max_length=500, blank=True)

    scope_path = "instance__department"
    scope_follows_links = False
    objects = RestrictedManager()

    class Meta:
        verbose_name = _("handling record")
        verbose_name_plural = _("handling records")
        ordering = ["instance", "sequence"]
        constraints = [
            models.UniqueConstraint(fields=["instance", "sequence"], name="approvals_record_sequence"),
        ]

    def __str__(self):
        return f"{self.instance.code} #{self.sequence} {self.get_status_display()}"

    def get_absolute_url(self):
        return reverse("approvals:handlingrecord_detail", args=[self.pk])


class CodeMap(models.Model):
    """One local 办理状态 code and the code another level's system uses for it (e.g. 3 → 23)."""

    level = models.CharField(
        _("level"), max_length=50, help_text=_("The system the codes go to, e.g. 省级平台.")
    )
    local_code = models.PositiveSmallIntegerField(_("local code"), choices=HandlingStatus.choices)
    target_code = models.CharField(_("target code"), max_length=10)
    note = models.CharField(_("note"), max_length=200, blank=True)

    scope_path = None
    objects = RestrictedManager()

    class Meta:
        verbose_name = _("code map")
        verbose_name_plural = _("code maps")
        ordering = ["level", "local_code"]
        constraints = [models.UniqueConstraint(fields=["level", "local_code"], name="approvals_codemap_once")]

    def __str__(self):
        return f"{self.level} {self.local_code} → {self.target_code}"

    def get_absolute_url(self):
        return reverse("approvals:codemap_detail", args=[self.pk])
