"""The review (审核) flow's domain actions (ARCHITECTURE rules 5 and 6).

    draft ──submit──▶ submitted ──approve──▶ approved (locked)
      ▲                 │  ▲  │
      └────withdraw─────┘  │  └──reject (reason)──▶ rejected
                           └──────submit (resubmit)────┘

Who may act: submit and withdraw need the "change" permission on the object within the user's
scope; approve and reject need the model's "review" permission within scope, and not on one's own
submission. Every transition locks the row, records a ReviewEvent and shows in the to-do centre at
once, which reads the review status itself (``lantian.core.todo``). Views and the API call these
functions and ``is_locked``; nothing else changes a review status.

A model may refuse a transition with reasons (``Reviewable.review_problems``, e.g. an incomplete
filing cannot be submitted) and act on one (``Reviewable.after_review``, e.g. archive what was
approved). A model that opts in with ``reopenable = True`` may have an approved record returned to
draft with ``reopen`` (change permission, a reason required, recorded in the history); it is then no
longer approved until it is submitted and approved again. Rows of other models that are part of a
record (``ReviewedPart`` with ``review_parent``) are locked whenever their record is.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from lantian.core.models import Locked, Reviewable, ReviewEvent, ReviewStatus
from lantian.core.models.review import LOCKED_STATUSES, REVIEW_FIELDS, review_parent_of
from lantian.core.registry import registrations

S = ReviewStatus


class ReviewError(Exception):
    """A transition that is not possible now: its message says why, for the user."""


class ReviewNotAllowed(PermissionDenied):
    """The user may not take this review action on this object."""


# action → (statuses it starts from, status it leads to, permission action it needs)
TRANSITIONS: dict[str, tuple[frozenset[str], str, str]] = {
    "submit": (frozenset({S.DRAFT, S.REJECTED}), S.SUBMITTED, "change"),
    "withdraw": (frozenset({S.SUBMITTED}), S.DRAFT, "change"),
    "approve": (frozenset({S.SUBMITTED}), S.APPROVED, "review"),
    "reject": (frozenset({S.SUBMITTED}), S.REJECTED, "review"),
}
# Not a button of the generic review card: only for models with ``reopenable = True``, which offer it
# on their own pages.
REOPEN: tuple[frozenset[str], str, str] = (frozenset({S.APPROVED}), S.DRAFT, "change")


def submit(obj: Reviewable, user) -> Reviewable:
    """Send a draft, or a rejected object after fixing it, for review."""
    return _transition(obj, user, "submit")


def withdraw(obj: Reviewable, user) -> Reviewable:
    """Take a submission back before it is reviewed, to change it."""
    return _transition(obj, user, "withdraw")


def approve(obj: Reviewable, reviewer) -> Reviewable:
    """Approve a submission: the object is locked from then on."""
    return _transition(obj, reviewer, "approve")


def reject(obj: Reviewable, reviewer, reason: str) -> Reviewable:
    """Send a submission back to its submitter with the reason, which is required."""
    return _transition(obj, reviewer, "reject", reason)


def reopen(obj: Reviewable, user, reason: str) -> Reviewable:
    """Return an approved record to draft so that it can be changed (its model must be reopenable);
    the reason is required and kept in the history. It counts as approved again only once it has
    been resubmitted and approved."""
    if not type(obj).reopenable:
        raise ReviewError(_("%(object)s cannot be reopened once approved.") % {"object": obj})
    return _transition(obj, user, "reopen", reason)


def may_reopen(obj: Reviewable, user) -> bool:
    """Whether ``user`` may reopen ``obj`` now (for the button of the model's own page)."""
    return (
        type(obj).reopenable
        and obj.status in REOPEN[0]
        and type(obj).objects.restrict(user, REOPEN[2]).filter(pk=obj.pk).exists()
    )


def is_locked(obj) -> bool:
    """Whether ``obj`` may not be edited or deleted now: it is awaiting review or approved, or it is
    part of a record (``review_parent``) that is."""
    if isinstance(obj, Reviewable):
        return obj.status in LOCKED_STATUSES
    parent = review_parent_of(obj)
    return parent is not None and parent.status in LOCKED_STATUSES


def locked_reason(obj) -> str | None:
    """Why ``obj`` may not be edited or deleted now (for pages, the API and imports), or None."""
    if not is_locked(obj):
        return None
    if isinstance(obj, Reviewable):
        return Locked(obj, obj.status).messages[0]
    parent = review_parent_of(obj)
    return Locked(obj, parent.status, parent).messages[0]


def locked_q(model) -> Q | None:
    """The rows of ``model`` that are locked, for code that writes in bulk; None if it has no review."""
    if issubclass(model, Reviewable):
        return Q(status__in=LOCKED_STATUSES)
    path = getattr(model, "review_parent", "")
    return Q(**{f"{path}__status__in": LOCKED_STATUSES}) if path else None


def reviewable_models() -> list[type[Reviewable]]:
    return [r.model for r in registrations() if issubclass(r.model, Reviewable)]


def allowed_actions(obj: Reviewable, user) -> list[str]:
    """The review actions ``user`` may take on ``obj`` now, in TRANSITIONS order (for buttons)."""
    model = type(obj)
    permitted = {}
    actions = []
    for action, (sources, _target, permission) in TRANSITIONS.items():
        if obj.status not in sources:
            continue
        if permission == "review" and obj.submitted_by_id == user.pk:
            continue
        if permission not in permitted:
            permitted[permission] = model.objects.restrict(user, permission).filter(pk=obj.pk).exists()
        if permitted[permission]:
            actions.append(action)
    return actions


def history(obj: Reviewable):
    from django.contrib.contenttypes.models import ContentType

    content_type = ContentType.objects.get_for_model(obj, for_concrete_model=False)
    return ReviewEvent.objects.filter(content_type=content_type, object_id=obj.pk).select_related("actor")


def _transition(obj: Reviewable, user, action: str, reason: str = "") -> Reviewable:
    if not isinstance(obj, Reviewable):
        raise TypeError(f"{type(obj).__name__} is not Reviewable")
    sources, target, permission = REOPEN if action == "reopen" else TRANSITIONS[action]
    reason = (reason or "").strip()
    if action == "reject" and not reason:
        raise ReviewError(_("Give the reason for the rejection: the submitter needs it to fix the record."))
    if action == "reopen" and not reason:
        raise ReviewError(_("Say why the approved record is reopened: the reason is kept in its history."))
    model = type(obj)
    with transaction.atomic():
        attnames = [model._meta.get_field(name).attname for name in REVIEW_FIELDS]
        stored = model._base_manager.select_for_update().filter(pk=obj.pk).values(*attnames).first()
        if stored is None or not model.objects.restrict(user, permission).filter(pk=obj.pk).exists():
            raise ReviewNotAllowed
        for attname, value in stored.items():  # act on the row as it is now, not as it was read
            setattr(obj, attname, value)
        status = obj.status
        if status not in sources:
            raise ReviewError(_illegal(action) % {"object": obj, "status": S(status).label})
        if permission == "review" and obj.submitted_by_id == user.pk:
            raise ReviewError(_("You cannot review your own submission: another reviewer must."))
        problems = obj.review_problems(action)
        if problems:
            raise ReviewError(" ".join(str(problem) for problem in problems))
        now = timezone.now()
        if action == "submit":
            obj.submitted_by, obj.submitted_at = user, now
            obj.reviewed_by, obj.reviewed_at, obj.review_reason = None, None, ""
        elif action in ("approve", "reject"):
            obj.reviewed_by, obj.reviewed_at, obj.review_reason = user, now, reason
        elif action == "reopen":
            obj.review_reason = ""  # the reason is the event's; the record's reason is a rejection's
        obj.status = target
        obj.save(update_fields=list(REVIEW_FIELDS))
        ReviewEvent.objects.create(
            target=obj, from_status=status, to_status=target, actor=user, reason=reason
        )
        obj.after_review(action, user, reason)
    return obj


def _illegal(action: str) -> str:
    if action == "submit":
        return _("%(object)s is %(status)s: only a draft or a rejected record can be submitted.")
    if action == "withdraw":
        return _("%(object)s is %(status)s: only a record awaiting review can be withdrawn.")
    if action == "reopen":
        return _("%(object)s is %(status)s: only an approved record can be reopened.")
    return _("%(object)s is %(status)s: only a record awaiting review can be approved or rejected.")
