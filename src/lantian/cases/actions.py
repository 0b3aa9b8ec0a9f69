"""The domain actions of the command centre (ARCHITECTURE rule 6): report a case, move it along
its workflow, the side actions (extend, send back, park, cancel, urge, supervise), the reporter's
answer, and saving and publishing workflows. Views and APIs call these; each checks who may act,
runs in one transaction on the locked case and records an event with actor, time and opinion."""

from __future__ import annotations

import math
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lantian.cases import clock, roles
from lantian.cases.engine import Definition
from lantian.cases.models import (
    Case,
    CaseEvent,
    Category,
    Channel,
    Clock,
    EventKind,
    Grid,
    State,
    Workflow,
    WorkflowVersion,
)
from lantian.core import files
from lantian.core.models import Attachment, Organization, Role
from lantian.core.worktime import calendar

MAX_PHOTOS = 6
MAX_CANDIDATES = 200  # open cases looked at for a duplicate


def duplicate_meters() -> float:
    return float(getattr(settings, "LANTIAN_CASES_DUPLICATE_METERS", 100))


def duplicate_days() -> int:
    return int(getattr(settings, "LANTIAN_CASES_DUPLICATE_DAYS", 7))


# Intake


@dataclass
class Report:
    """What a report says, from any channel."""

    organization: Organization
    category: Category
    channel: str
    description: str
    lat: Decimal | None = None
    lng: Decimal | None = None
    address: str = ""
    reporter_name: str = ""
    reporter_phone: str = ""
    reporter_email: str = ""
    duplicate_of: Case | None = None
    media_url: str = ""


def find_duplicates(category: Category, lat, lng, now: datetime | None = None) -> list[Case]:
    """Open cases of the same class within the configured distance and days of a new report at
    (lat, lng), nearest first."""
    if lat is None or lng is None:
        return []
    now = now or timezone.now()
    meters = duplicate_meters()
    lat, lng = float(lat), float(lng)
    # A box around the point first (a degree of latitude is about 111 km), then the exact distance.
    dlat = meters / 111_000
    dlng = dlat / max(0.1, abs(math.cos(math.radians(lat))))
    candidates = (
        Case.objects.open()
        .filter(
            category=category,
            created_at__gte=now - timedelta(days=duplicate_days()),
            lat__range=(Decimal(str(lat - dlat)), Decimal(str(lat + dlat))),
            lng__range=(Decimal(str(lng - dlng)), Decimal(str(lng + dlng))),
        )
        .select_related("category")[:MAX_CANDIDATES]
    )
    near = [(case.distance_to(lat, lng), case) for case in candidates]
    return [case for distance, case in sorted(near, key=lambda pair: pair[0]) if distance <= meters]


def photos_used_before(uploads) -> list[int]:
    """The ids of cases that already carry one of these photos (the same bytes)."""
    hashes = [files.sha256(upload) for upload in uploads]
    if not hashes:
        return []
    content_type = ContentType.objects.get_for_model(Case)
    return sorted(
        set(
            Attachment.objects.filter(content_type=content_type, sha256__in=hashes).values_list(
                "object_id", flat=True
            )
        )
    )


def grid_at(organization: Organization, lat, lng) -> Grid | None:
    if lat is None or lng is None:
        return None
    return Grid.objects.filter(
        organization=organization, south__lte=lat, north__gte=lat, west__lte=lng, east__gte=lng
    ).first()


def report_case(report: Report, user=None, uploads=(), at: datetime | None = None) -> Case:
    """Register a new case at its workflow's start step; its photos are stored with it."""
    if user is not None and not user.has_perm("cases.add_case"):
        raise PermissionDenied
    uploads = list(uploads)
    if len(uploads) > MAX_PHOTOS:
        raise ValidationError(_("At most %(count)s photos per report.") % {"count": MAX_PHOTOS})
    category = report.category
    if not category.is_minor or not category.is_active:
        raise ValidationError(_("Choose a minor class in use."))
    workflow = category.workflow
    if workflow is None or workflow.published_id is None:
        raise ValidationError(_("The class “%(name)s” has no published workflow.") % {"name": category})
    if (report.lat is None) != (report.lng is None):
        raise ValidationError(_("Give both latitude and longitude, or neither."))
    if report.lat is None and not report.address.strip():
        raise ValidationError(_("Give the location or the address of the problem."))
    if user is not None and report.organization.pk not in _organizations_of(user):
        raise PermissionDenied
    at = at or timezone.now()
    version = workflow.published
    definition = version.parsed
    start = definition.step(definition.start)
    reused = bool(photos_used_before(uploads))
    grid = grid_at(report.organization, report.lat, report.lng)
    own_patrol = user is not None and roles.GRID_WORKER in roles.role_codes(user)
    with transaction.atomic():
        case = Case(
            organization=report.organization,
            channel=report.channel,
            category=category,
            workflow_version=version,
            step=start.code,
            step_name=start.name,
            description=report.description.strip(),
            address=report.address.strip(),
            lat=report.lat,
            lng=report.lng,
            grid=grid,
            reporter=user,
            reporter_name=report.reporter_name or (user.name if user is not None else ""),
            reporter_phone=report.reporter_phone,
            reporter_email=report.reporter_email,
            field_worker=user if own_patrol else (grid.worker if grid else None),
            duplicate_of=report.duplicate_of,
            media_url=report.media_url,
            photo_reused=reused,
            token=secrets.token_hex(16),
            created_at=at,
        )
        _start_step(case, start, at, calendar())
        case.full_clean(exclude=["number", "token", "workflow_version", "step_started_at", "created_at"])
        _save_with_number(case, at)
        event = CaseEvent.objects.create(
            case=case, kind=EventKind.REPORT, step=start.code, step_name=start.name,
            name=str(Channel(report.channel).label), actor=user, actor_name=case.reporter_name, at=at,
            opinion=case.description,
        )  # fmt: skip
        if uploads:
            event.attachments.add(*files.attach(case, uploads, user or _system_user(), _("reported")))
        if report.duplicate_of is not None:
            _cancel(case, event_actor=user, at=at, opinion=_("Duplicate of case %(number)s.")
                    % {"number": report.duplicate_of.number})  # fmt: skip
    return case


def _organizations_of(user) -> set[int]:
    from lantian.core.scope import scope_for

    scope = scope_for(user)
    if scope.everything:
        return set(Organization.objects.values_list("pk", flat=True))
    organizations = Organization.objects.none()
    for path in scope.own_paths:
        organizations |= Organization.objects.filter(path__startswith=path)
    return set(organizations.values_list("pk", flat=True))


def _system_user():
    """The account public and Open311 reports' photos are recorded under: the oldest superuser."""
    from lantian.core.models import User

    user = User.objects.filter(is_superuser=True).order_by("pk").first()
    if user is None:
        raise ValidationError(_("Photos of public reports need a system administrator account."))
    return user


def _save_with_number(case: Case, at: datetime) -> None:
    prefix = f"AJ{timezone.localtime(at):%Y%m%d}"
    for _attempt in range(5):
        # A range rather than LIKE: SQLite's case-insensitive LIKE cannot use the index.
        last = (
            Case.objects.filter(number__gte=prefix, number__lt=f"{prefix}~")
            .order_by("-number")
            .values_list("number", flat=True)
            .first()
        )
        case.number = f"{prefix}{int(last[len(prefix) :]) + 1 if last else 1:04d}"
        try:
            with transaction.atomic():
                case.save()
            return
        except IntegrityError:
            continue
    raise ValidationError(_("Could not give the case a number; try again."))


def _start_step(case: Case, step, at: datetime, cal) -> None:
    case.step, case.step_name, case.step_started_at = step.code, step.name, at
    if step.terminal:
        case.due_at = case.warn_at = None
        case.state, case.closed_at, case.clock = State.CLOSED, at, Clock.NORMAL
        return
    limit, unit = case.category.limit_for(step)
    case.due_at = clock.due_time(cal, at, limit, unit)
    case.warn_at = clock.warning_time(cal, at, case.due_at)
    case.clock = clock.clock_state(at, case.warn_at, case.due_at)


# Who may act


def may_act(user, case: Case, step=None) -> bool:
    """Whether ``user`` acts at ``case``'s current step: their role is the step's, the case is in
    their scope and, at a department's step, they belong to the department it was dispatched to."""
    step = step or case.current_step
    if step.terminal or step.role not in roles.role_codes(user):
        return False
    if step.by_department and not _in_department(user, case):
        return False
    return Case.objects.restrict(user, "change").filter(pk=case.pk).exists()


def may_side(user, case: Case, action: str) -> bool:
    step = case.current_step
    if step.terminal or not step.allows(action, roles.role_codes(user)):
        return False
    if roles.HANDLER in roles.role_codes(user) and step.by_department and not _in_department(user, case):
        return False
    return Case.objects.restrict(user, "change").filter(pk=case.pk).exists()


def _in_department(user, case: Case) -> bool:
    organization = user.organization
    return (
        case.department_id is not None
        and organization is not None
        and case.department.path.startswith(organization.path)
    )


def departments_for(case: Case):
    """The departments a case of this command centre may be dispatched to."""
    return Organization.objects.filter(
        path__startswith=case.organization.path, kind=Organization.Kind.DEPARTMENT, is_active=True
    ).exclude(pk=case.organization_id)


# Moving along the workflow


def _locked(case: Case, expected_step: str | None) -> Case:
    fresh = (
        Case.objects.select_for_update(of=("self",))  # PostgreSQL locks no nullable outer join
        .select_related("category", "workflow_version", "department")
        .get(pk=case.pk)
    )
    if expected_step is not None and fresh.step != expected_step:
        raise ValidationError(
            _("The case has moved on to “%(step)s” meanwhile; reload the page.") % {"step": fresh.step_name}
        )
    if not fresh.is_open:
        raise ValidationError(_("The case is %(state)s.") % {"state": fresh.get_state_display()})
    return fresh


def _event(case, kind, user, at, name, opinion="", uploads=(), **values) -> CaseEvent:
    event = CaseEvent.objects.create(
        case=case, kind=kind, step=case.step, step_name=case.step_name, name=name, actor=user,
        actor_name=user.name if user is not None else "", at=at, opinion=opinion.strip(), **values,
    )  # fmt: skip
    if uploads:
        event.attachments.add(*files.attach(case, list(uploads), user, name))
    return event


def transition(
    case: Case, user, target: str, opinion: str = "", department: Organization | None = None,
    uploads=(), expected_step: str | None = None, at: datetime | None = None,
) -> Case:  # fmt: skip
    """Move ``case`` from its current step to ``target`` along an allowed transition."""
    at = at or timezone.now()
    if len(list(uploads)) > MAX_PHOTOS:
        raise ValidationError(_("At most %(count)s photos per report.") % {"count": MAX_PHOTOS})
    with transaction.atomic():
        case = _locked(case, expected_step)
        if case.state == State.PARKED:
            raise ValidationError(_("The case is parked: resume it first."))
        definition = case.definition
        step = definition.step(case.step)
        if not may_act(user, case, step):
            raise PermissionDenied(_("You do not act at the step “%(step)s”.") % {"step": step.name})
        move = definition.transition(step.code, target)
        if move is None:
            raise ValidationError(
                _("“%(target)s” does not follow “%(step)s”.") % {"target": target, "step": step.name}
            )
        if step.dispatch:
            if department is None or not departments_for(case).filter(pk=department.pk).exists():
                raise ValidationError({"department": _("Choose the department that handles the case.")})
            case.department = department
        passed = _passed_steps(case)
        following = definition.step(target)
        _event(
            case, EventKind.TRANSITION, user, at, move.name, opinion, uploads, target_step=following.code,
            target_name=following.name, department=case.department if step.dispatch else None,
            step_due_at=case.due_at, on_time=case.due_at is None or at <= case.due_at,
        )  # fmt: skip
        if following.role == roles.GRID_WORKER and case.field_worker_id is None:
            case.field_worker = _grid_worker_for(case)
        if following.code in passed:
            case.rework_count += 1
        _start_step(case, following, at, calendar())
        case.save()
    return case


def _grid_worker_for(case: Case):
    """The grid worker who verifies or checks a case that none was sent to: its grid's."""
    worker = case.grid.worker if case.grid_id else None
    if worker is None:
        raise ValidationError(
            _(
                "No grid worker covers the case's location: "
                "it needs a location inside a unit grid that has one."
            )
        )
    return worker


def _passed_steps(case: Case) -> set[str]:
    return set(case.events.filter(kind=EventKind.TRANSITION).values_list("step", flat=True))


def extend(case: Case, user, amount: int, unit: str, opinion: str, at: datetime | None = None) -> Case:
    """Grant more working hours or days at the current step (延期)."""
    at = at or timezone.now()
    if not opinion.strip():
        raise ValidationError({"opinion": _("Give the reason for the extension.")})
    if unit not in ("hours", "days") or not isinstance(amount, int) or not 1 <= amount <= 365:
        raise ValidationError({"amount": _("An extension is 1 to 365 working hours or days.")})
    with transaction.atomic():
        case = _side_checked(case, user, "extend")
        if case.due_at is None:
            raise ValidationError(_("This step has no time limit to extend."))
        cal = calendar()
        previous = case.due_at
        case.due_at = clock.extended_due(cal, case.due_at, amount, unit)
        case.warn_at = clock.warning_time(cal, case.step_started_at, case.due_at)
        if case.state == State.OPEN:
            case.clock = clock.clock_state(at, case.warn_at, case.due_at)
        case.extension_count += 1
        label = _("%(amount)s working hours") if unit == "hours" else _("%(amount)s working days")
        name = _("extended by %(what)s") % {"what": label % {"amount": amount}}
        _event(case, EventKind.EXTEND, user, at, name, opinion, step_due_at=previous)
        case.save()
    return case


def send_back(case: Case, user, opinion: str, at: datetime | None = None) -> Case:
    """Return the case to the step it came from (回退), e.g. a department that is not responsible."""
    at = at or timezone.now()
    if not opinion.strip():
        raise ValidationError({"opinion": _("Say why the case is sent back.")})
    with transaction.atomic():
        case = _side_checked(case, user, "send_back")
        arrival = (
            case.events.filter(kind=EventKind.TRANSITION, target_step=case.step)
            .order_by("-at", "-pk")
            .first()
        )
        if arrival is None:
            raise ValidationError(_("The case has no earlier step to go back to."))
        previous = case.definition.step(arrival.step)
        _event(
            case, EventKind.SEND_BACK, user, at, _("sent back"), opinion, target_step=previous.code,
            target_name=previous.name, step_due_at=case.due_at,
            on_time=case.due_at is None or at <= case.due_at,
        )  # fmt: skip
        _start_step(case, previous, at, calendar())
        case.save()
    return case


def park(case: Case, user, opinion: str, at: datetime | None = None) -> Case:
    """Park the case (挂账): its clock stops until it is resumed."""
    at = at or timezone.now()
    if not opinion.strip():
        raise ValidationError({"opinion": _("Say why the case is parked.")})
    with transaction.atomic():
        case = _side_checked(case, user, "park")
        if case.state == State.PARKED:
            raise ValidationError(_("The case is parked already."))
        case.state, case.parked_at = State.PARKED, at
        _event(case, EventKind.PARK, user, at, _("parked"), opinion, step_due_at=case.due_at)
        case.save()
    return case


def resume(case: Case, user, opinion: str = "", at: datetime | None = None) -> Case:
    """Resume a parked case: the working time it had left counts from now."""
    at = at or timezone.now()
    with transaction.atomic():
        case = _side_checked(case, user, "park")
        if case.state != State.PARKED:
            raise ValidationError(_("The case is not parked."))
        cal = calendar()
        if case.due_at is not None:
            case.due_at = clock.resumed_due(cal, case.parked_at, at, case.due_at)
            case.warn_at = clock.resumed_due(cal, case.parked_at, at, case.warn_at) if case.warn_at else None
        case.state, case.parked_at = State.OPEN, None
        case.clock = clock.clock_state(at, case.warn_at, case.due_at)
        _event(case, EventKind.RESUME, user, at, _("resumed"), opinion, step_due_at=case.due_at)
        case.save()
    return case


def cancel(case: Case, user, opinion: str, at: datetime | None = None) -> Case:
    """Cancel the case (作废), with the reason."""
    at = at or timezone.now()
    if not opinion.strip():
        raise ValidationError({"opinion": _("Say why the case is cancelled.")})
    with transaction.atomic():
        case = _side_checked(case, user, "cancel")
        _cancel(case, user, at, opinion)
    return case


def _cancel(case: Case, event_actor, at: datetime, opinion: str) -> None:
    _event(case, EventKind.CANCEL, event_actor, at, _("cancelled"), opinion, step_due_at=case.due_at)
    case.state, case.closed_at, case.due_at, case.warn_at, case.clock = (
        State.CANCELLED, at, None, None, Clock.NORMAL,
    )  # fmt: skip
    case.save()


def urge(case: Case, user, opinion: str, at: datetime | None = None) -> Case:
    """Urge (催办) whoever acts at the current step."""
    at = at or timezone.now()
    with transaction.atomic():
        case = _side_checked(case, user, "urge")
        case.urge_count += 1
        _event(case, EventKind.URGE, user, at, _("urged"), opinion, step_due_at=case.due_at)
        case.save()
    return case


def supervise(case: Case, user, opinion: str, at: datetime | None = None) -> Case:
    """Put the case under the leaders' supervision (督办)."""
    at = at or timezone.now()
    if not opinion.strip():
        raise ValidationError({"opinion": _("Say what the supervision asks for.")})
    with transaction.atomic():
        case = _side_checked(case, user, "supervise")
        case.supervised = True
        _event(case, EventKind.SUPERVISE, user, at, _("supervised"), opinion, step_due_at=case.due_at)
        case.save()
    return case


def _side_checked(case: Case, user, action: str) -> Case:
    case = _locked(case, None)
    if not may_side(user, case, action):
        raise PermissionDenied(_("You may not do this at the step “%(step)s”.") % {"step": case.step_name})
    return case


SIDE_FUNCTIONS = {
    "send_back": send_back,
    "park": park,
    "cancel": cancel,
    "urge": urge,
    "supervise": supervise,
}


# The reporter's questionnaire


def answer_questionnaire(case: Case, fixed: bool, comment: str = "", at: datetime | None = None) -> Case:
    """The reporter says whether the problem was fixed; "not fixed" reopens the case at the step
    that checks the handling (the last step it passed from which work goes back to a department)."""
    at = at or timezone.now()
    with transaction.atomic():
        case = Case.objects.select_for_update().select_related("category", "workflow_version").get(pk=case.pk)
        if case.state != State.CLOSED:
            raise ValidationError(_("Only a closed case asks its reporter."))
        if case.feedback_at is not None:
            raise ValidationError(_("This question has been answered already."))
        case.feedback_fixed, case.feedback_comment, case.feedback_at = fixed, comment.strip()[:500], at
        name = _("fixed") if fixed else _("not fixed")
        _event(case, EventKind.FEEDBACK, None, at, name, comment)
        if not fixed:
            check = _checking_step(case)
            if check is not None:
                case.state, case.closed_at = State.OPEN, None
                _event(case, EventKind.REOPEN, None, at, _("reopened for checking"), comment,
                       target_step=check.code, target_name=check.name)  # fmt: skip
                _start_step(case, check, at, calendar())
        case.save()
    return case


def _checking_step(case: Case):
    definition = case.definition
    department_steps = {step.code for step in definition.steps if step.by_department}
    passed = (
        case.events.filter(kind=EventKind.TRANSITION).order_by("-at", "-pk").values_list("step", flat=True)
    )
    for code in passed:
        if (
            any(t.target in department_steps for t in definition.outgoing(code))
            and not definition.step(code).by_department
        ):
            return definition.step(code)
    return None


# Workflows


def save_draft(workflow: Workflow, definition: Definition, user, note: str = "") -> WorkflowVersion:
    """Keep ``definition`` as the workflow's draft (the only version that may change)."""
    if not Workflow.objects.restrict(user, "change").filter(pk=workflow.pk).exists():
        raise PermissionDenied
    with transaction.atomic():
        draft, _created = WorkflowVersion.objects.select_for_update().get_or_create(
            workflow=workflow, number=None
        )
        draft.definition, draft.note = definition.to_dict(), note[:200]
        draft.save()
        workflow.save(update_fields=["updated_at"])
    return draft


def known_role_codes() -> frozenset[str]:
    return frozenset(Role.objects.values_list("code", flat=True))


def publish(workflow: Workflow, user, at: datetime | None = None) -> WorkflowVersion:
    """Publish the draft as the next version; new cases follow it, running cases keep theirs."""
    from lantian.cases.problems import describe

    if not Workflow.objects.restrict(user, "change").filter(pk=workflow.pk).exists():
        raise PermissionDenied
    at = at or timezone.now()
    with transaction.atomic():
        workflow = Workflow.objects.select_for_update().get(pk=workflow.pk)
        draft = workflow.versions.filter(number=None).first()
        if draft is None:
            raise ValidationError(_("There is no draft to publish."))
        problems = draft.parsed.problems(known_role_codes())
        if problems:
            raise ValidationError([describe(problem) for problem in problems])
        last = (
            workflow.versions.exclude(number=None)
            .order_by("-number")
            .values_list("number", flat=True)
            .first()
        )
        draft.number, draft.published_at, draft.published_by = (last or 0) + 1, at, user
        draft.save()
        workflow.published = draft
        workflow.save(update_fields=["published", "updated_at"])
    return draft
