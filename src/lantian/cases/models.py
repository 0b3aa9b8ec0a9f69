"""The command centre's records: categories, workflows and their versions, unit grids, cases and
their timeline (cases.md "Case handling")."""

from __future__ import annotations

import math

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from lantian.cases import roles
from lantian.cases.engine import SIDE_ACTIONS, UNITS, Definition
from lantian.core.models import Organization
from lantian.core.scope import RestrictedManager, RestrictedQuerySet, scope_for


class Kind(models.TextChoices):
    COMPONENT = "component", _("component")
    EVENT = "event", _("event")


UNIT_CHOICES = [("hours", _("working hours")), ("days", _("working days"))]
assert {code for code, _label in UNIT_CHOICES} == set(UNITS)


class Category(models.Model):
    """A major class (no parent) or a minor class of components (部件) or events (事件). A minor
    class names its workflow, its time limits per step and the condition for closing its cases."""

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    parent = models.ForeignKey(
        "self", models.PROTECT, null=True, blank=True, related_name="children", verbose_name=_("major class")
    )
    code = models.CharField(_("code"), max_length=10, unique=True)
    name = models.CharField(_("name"), max_length=50)
    workflow = models.ForeignKey(
        "cases.Workflow", models.PROTECT, null=True, blank=True, related_name="categories",
        verbose_name=_("workflow"),
    )  # fmt: skip
    step_limits = models.JSONField(
        _("time limits per step"),
        default=dict,
        blank=True,
        help_text=_("Limits that differ from the workflow's, by step code."),
    )
    closing_condition = models.TextField(_("closing condition"), blank=True)
    is_active = models.BooleanField(_("in use"), default=True)

    scope_path = None  # shared reference data of every command centre
    objects = RestrictedManager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("case category")
        verbose_name_plural = _("case categories")

    def __str__(self):
        return f"{self.code} {self.name}"

    def get_absolute_url(self):
        return reverse("cases:category_detail", args=[self.pk])

    @property
    def is_minor(self) -> bool:
        return self.parent_id is not None

    def limit_for(self, step) -> tuple[int, str]:
        """The time limit of ``step`` (an engine Step) for cases of this class."""
        own = self.step_limits.get(step.code)
        if own:
            return int(own["limit"]), own["unit"]
        return step.limit, step.unit

    def clean(self):
        super().clean()
        errors = {}
        if self.parent_id:
            if self.parent.parent_id:
                errors["parent"] = _("A major class cannot itself have a major class.")
            elif self.parent.kind != self.kind:
                errors["kind"] = _("A minor class has the kind of its major class.")
            if not self.workflow_id:
                errors["workflow"] = _("A minor class needs the workflow its cases follow.")
        elif self.workflow_id or self.step_limits:
            errors["workflow"] = _("Only minor classes have a workflow and time limits.")
        errors.update(self._limit_errors())
        if errors:
            raise ValidationError(errors)

    def _limit_errors(self) -> dict:
        if not isinstance(self.step_limits, dict):
            return {"step_limits": _("The limits are an object keyed by step code.")}
        steps = set()
        if self.workflow_id and self.workflow.published_id:
            steps = {step.code for step in self.workflow.published.parsed.steps}
        for code, value in self.step_limits.items():
            ok = (
                isinstance(value, dict)
                and value.get("unit") in UNITS
                and isinstance(value.get("limit"), int)
                and 0 < value["limit"] <= 2000
            )
            if not ok:
                return {
                    "step_limits": _(
                        'Step “%(step)s”: write a limit as {"limit": a whole number from 1, "unit": '
                        '"hours" or "days"}.'
                    )
                    % {"step": code}
                }
            if steps and code not in steps:
                return {
                    "step_limits": _("The workflow has no step “%(step)s”; its steps are %(steps)s.")
                    % {"step": code, "steps": "、".join(sorted(steps))}
                }
        return {}


class Workflow(models.Model):
    """A workflow whose definitions are kept as versions: one draft being edited, the published
    versions unchanged for ever (a running case follows the version it started with)."""

    code = models.CharField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=100)
    description = models.TextField(_("description"), blank=True)
    published = models.ForeignKey(
        "cases.WorkflowVersion", models.PROTECT, null=True, blank=True, related_name="+",
        editable=False, verbose_name=_("current version"),
    )  # fmt: skip
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    scope_path = None
    objects = RestrictedManager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("workflow")
        verbose_name_plural = _("workflows")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("cases:workflow_detail", args=[self.pk])

    @property
    def draft(self) -> WorkflowVersion | None:
        return self.versions.filter(number=None).first()


class WorkflowVersion(models.Model):
    workflow = models.ForeignKey(
        Workflow, models.CASCADE, related_name="versions", verbose_name=_("workflow")
    )
    number = models.PositiveIntegerField(_("version"), null=True, blank=True)  # None: the draft
    definition = models.JSONField(_("definition"), default=dict)
    note = models.CharField(_("what changed"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("published by"),
    )  # fmt: skip

    class Meta:
        ordering = ["workflow", models.F("number").desc(nulls_first=True)]
        verbose_name = _("workflow version")
        verbose_name_plural = _("workflow versions")
        constraints = [
            models.UniqueConstraint(fields=["workflow", "number"], name="cases_version_unique_number"),
            models.UniqueConstraint(
                fields=["workflow"], condition=Q(number=None), name="cases_version_one_draft"
            ),
        ]

    def __str__(self):
        if self.number is None:
            return _("%(workflow)s (draft)") % {"workflow": self.workflow}
        return _("%(workflow)s v%(number)s") % {"workflow": self.workflow, "number": self.number}

    @property
    def parsed(self) -> Definition:
        return Definition.from_dict(self.definition or {})

    @property
    def is_draft(self) -> bool:
        return self.number is None


class Grid(models.Model):
    """A unit grid (单元网格, CJ/T 213) of a command centre, as its bounding box, with the grid
    worker who patrols it."""

    organization = models.ForeignKey(
        "core.Organization", models.PROTECT, related_name="case_grids", verbose_name=_("command centre")
    )
    code = models.CharField(_("grid code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=50)
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="case_grids",
        verbose_name=_("grid worker"),
    )  # fmt: skip
    south = models.DecimalField(_("south latitude"), max_digits=9, decimal_places=6)
    west = models.DecimalField(_("west longitude"), max_digits=9, decimal_places=6)
    north = models.DecimalField(_("north latitude"), max_digits=9, decimal_places=6)
    east = models.DecimalField(_("east longitude"), max_digits=9, decimal_places=6)

    scope_path = "organization"
    objects = RestrictedManager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("unit grid")
        verbose_name_plural = _("unit grids")

    def __str__(self):
        return f"{self.code} {self.name}"

    def get_absolute_url(self):
        return reverse("cases:grid_detail", args=[self.pk])

    def clean(self):
        super().clean()
        if None not in (self.south, self.north) and self.south >= self.north:
            raise ValidationError({"north": _("The north edge must lie north of the south edge.")})
        if None not in (self.west, self.east) and self.west >= self.east:
            raise ValidationError({"east": _("The east edge must lie east of the west edge.")})


class Channel(models.TextChoices):
    GRID = "grid", _("grid worker report")
    VIDEO = "video", _("video patrol")
    HOTLINE = "hotline", _("hotline 12345")
    PUBLIC = "public", _("public report")
    API = "api", _("other platform")
    OPEN311 = "open311", _("Open311")


class State(models.TextChoices):
    OPEN = "open", _("in progress")
    PARKED = "parked", _("parked")
    CLOSED = "closed", _("closed")
    CANCELLED = "cancelled", _("cancelled")


class Clock(models.TextChoices):
    NORMAL = "normal", _("on time")
    WARNING = "warning", _("due soon")
    OVERDUE = "overdue", _("overdue")


class CaseQuerySet(RestrictedQuerySet):
    def within_scope(self, user, action: str = "view"):
        """Handlers see the cases dispatched to their department, grid workers their own reports and
        the cases sent to them; everyone else the cases of their organisation's subtree."""
        audience = roles.audience(user)
        if audience == "department":
            scope = scope_for(user)
            if scope.everything:
                return self
            if not scope.own_paths:
                return self.none()
            departments = Organization.objects.none()
            for path in scope.own_paths:
                departments |= Organization.objects.filter(path__startswith=path)
            # By id through a small subquery: the (department, state) index does the rest.
            return self.filter(department__in=departments.values("pk"))
        queryset = super().within_scope(user, action)
        if audience == "grid_worker":
            return queryset.filter(Q(reporter=user) | Q(field_worker=user))
        return queryset

    def open(self):
        return self.filter(state__in=(State.OPEN, State.PARKED))


class Case(models.Model):
    """A case (案卷) from its report to its closing."""

    number = models.CharField(_("case number"), max_length=20, unique=True, editable=False)
    organization = models.ForeignKey(
        "core.Organization", models.PROTECT, related_name="cases", verbose_name=_("command centre")
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    category = models.ForeignKey(Category, models.PROTECT, related_name="cases", verbose_name=_("category"))
    workflow_version = models.ForeignKey(
        WorkflowVersion,
        models.PROTECT,
        related_name="cases",
        verbose_name=_("workflow version"),
        editable=False,
    )
    step = models.CharField(_("step code"), max_length=30, editable=False)
    step_name = models.CharField(_("step"), max_length=50, editable=False)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.OPEN)
    description = models.TextField(_("description"), max_length=2000)
    address = models.CharField(_("address"), max_length=200, blank=True)
    lat = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )  # fmt: skip
    lng = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )  # fmt: skip
    grid = models.ForeignKey(
        Grid, models.SET_NULL, null=True, blank=True, related_name="cases", verbose_name=_("unit grid")
    )
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="reported_cases",
        verbose_name=_("registered by"),
    )  # fmt: skip
    reporter_name = models.CharField(_("reporter"), max_length=50, blank=True)
    reporter_phone = models.CharField(_("reporter's phone"), max_length=30, blank=True)
    reporter_email = models.EmailField(_("reporter's e-mail"), blank=True)
    field_worker = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="field_cases",
        verbose_name=_("grid worker"),
    )  # fmt: skip
    department = models.ForeignKey(
        "core.Organization", models.PROTECT, null=True, blank=True, related_name="dispatched_cases",
        verbose_name=_("handling department"),
    )  # fmt: skip
    step_started_at = models.DateTimeField(_("step started"), editable=False)
    due_at = models.DateTimeField(_("step due"), null=True, blank=True, editable=False)
    warn_at = models.DateTimeField(_("warning from"), null=True, blank=True, editable=False)
    clock = models.CharField(
        _("time limit"), max_length=10, choices=Clock.choices, default=Clock.NORMAL, editable=False
    )
    parked_at = models.DateTimeField(_("parked at"), null=True, blank=True, editable=False)
    extension_count = models.PositiveSmallIntegerField(_("extensions"), default=0, editable=False)
    urge_count = models.PositiveSmallIntegerField(_("urged"), default=0, editable=False)
    supervised = models.BooleanField(_("supervised"), default=False, editable=False)
    rework_count = models.PositiveSmallIntegerField(_("reworked"), default=0, editable=False)
    duplicate_of = models.ForeignKey(
        "self", models.SET_NULL, null=True, blank=True, related_name="duplicates",
        verbose_name=_("duplicate of"),
    )  # fmt: skip
    media_url = models.URLField(_("photo address"), blank=True, editable=False)
    photo_reused = models.BooleanField(_("photo used before"), default=False, editable=False)
    token = models.CharField(_("public token"), max_length=32, unique=True, editable=False)
    feedback_fixed = models.BooleanField(_("reporter says fixed"), null=True, blank=True, editable=False)
    feedback_comment = models.CharField(_("reporter's comment"), max_length=500, blank=True, editable=False)
    feedback_at = models.DateTimeField(_("answered at"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("reported at"), editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True, editable=False)

    scope_path = "organization"
    objects = RestrictedManager.from_queryset(CaseQuerySet)()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        indexes = [
            models.Index(fields=["state", "clock"], name="cases_case_state_clock"),
            models.Index(fields=["state", "due_at"], name="cases_case_state_due"),
            models.Index(fields=["category", "state", "created_at"], name="cases_case_category_state"),
            models.Index(fields=["department", "state"], name="cases_case_department_state"),
            models.Index(fields=["created_at"], name="cases_case_created"),
        ]

    def __str__(self):
        return f"{self.number} {self.category.name}"

    def get_absolute_url(self):
        return reverse("cases:case_detail", args=[self.pk])

    @property
    def definition(self) -> Definition:
        parsed = getattr(self, "_definition", None)
        if parsed is None:
            parsed = self._definition = self.workflow_version.parsed
        return parsed

    @property
    def current_step(self):
        return self.definition.step(self.step)

    @property
    def is_open(self) -> bool:
        return self.state in (State.OPEN, State.PARKED)

    def distance_to(self, lat: float, lng: float) -> float | None:
        """Metres from this case to (lat, lng): equirectangular, exact enough within a town."""
        if self.lat is None or self.lng is None:
            return None
        return distance_m(float(self.lat), float(self.lng), lat, lng)


def distance_m(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    mean = math.radians((lat1 + lat2) / 2)
    dx = math.radians(lng2 - lng1) * math.cos(mean)
    dy = math.radians(lat2 - lat1)
    return 6_371_000 * math.hypot(dx, dy)


class EventKind(models.TextChoices):
    REPORT = "report", _("reported")
    TRANSITION = "transition", _("passed on")
    EXTEND = "extend", _("extended")
    SEND_BACK = "send_back", _("sent back")
    PARK = "park", _("parked")
    RESUME = "resume", _("resumed")
    CANCEL = "cancel", _("cancelled")
    URGE = "urge", _("urged")
    SUPERVISE = "supervise", _("supervised")
    FEEDBACK = "feedback", _("reporter's answer")
    REOPEN = "reopen", _("reopened")


assert set(SIDE_ACTIONS) <= set(EventKind.values)


class CaseEvent(models.Model):
    """One entry of a case's timeline: who did what at which step, when, with which opinion and
    files, and how the step's time limit stood."""

    case = models.ForeignKey(Case, models.CASCADE, related_name="events", verbose_name=_("case"))
    kind = models.CharField(_("action"), max_length=10, choices=EventKind.choices)
    step = models.CharField(_("step code"), max_length=30)
    step_name = models.CharField(_("at step"), max_length=50)
    target_step = models.CharField(_("next step code"), max_length=30, blank=True)
    target_name = models.CharField(_("to step"), max_length=50, blank=True)
    name = models.CharField(_("what was done"), max_length=50)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    actor_name = models.CharField(_("by"), max_length=50, blank=True)
    at = models.DateTimeField(_("time"))
    opinion = models.TextField(_("opinion"), blank=True, max_length=2000)
    department = models.ForeignKey(
        "core.Organization", models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("department"),
    )  # fmt: skip
    step_due_at = models.DateTimeField(_("step due"), null=True, blank=True)
    on_time = models.BooleanField(_("in time"), null=True, blank=True)
    attachments = models.ManyToManyField("core.Attachment", blank=True, related_name="+")

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("case event")
        verbose_name_plural = _("case events")
        indexes = [models.Index(fields=["case", "at"], name="cases_event_case_at")]

    def __str__(self):
        return f"{self.case.number} {self.name}"
