"""The review (审核) flow's data (ARCHITECTURE rule 5): the ``Reviewable`` mixin and the history.

The transitions themselves are the domain actions of ``lantian.core.review``; a model only mixes
in ``Reviewable``. Its review fields are not editable: an ordinary save keeps them as they are in
the database and is refused while the object is under review or approved.

A record reviewed as a whole often has rows of its own in other models (a testing agency's filing
and its staff, instruments, documents). Such a model mixes in ``ReviewedPart`` and names the
record in ``review_parent`` (a lookup path such as ``"filing"``): its rows are then locked whenever
their record is, at the model (save, delete, validation) and in every view, the API and the import,
which all ask ``lantian.core.review.is_locked`` / ``locked_reason``.
"""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class ReviewStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Awaiting review")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


# Under review, the reviewer must judge what was submitted; once approved, the record stands.
LOCKED_STATUSES = frozenset({ReviewStatus.SUBMITTED, ReviewStatus.APPROVED})
REVIEW_FIELDS = ("status", "submitted_by", "submitted_at", "reviewed_by", "reviewed_at", "review_reason")


class Locked(ValidationError):
    """An edit or deletion of an object under review or approved, or of a part of such a record
    (``parent``). A ValidationError, so that forms and bulk edits show it as an error; the API checks
    ``lantian.core.review.is_locked`` first."""

    def __init__(self, obj, status: str, parent=None):
        if parent is not None and status == ReviewStatus.APPROVED:
            message = gettext(
                "%(object)s is part of %(parent)s, which has been approved and is locked: "
                "it can no longer be changed."
            )
        elif parent is not None:
            message = gettext(
                "%(object)s is part of %(parent)s, which is awaiting review: "
                "it cannot be changed until that is reviewed."
            )
        elif status == ReviewStatus.APPROVED:
            message = gettext("%(object)s has been approved and is locked: it can no longer be changed.")
        else:
            message = gettext("%(object)s is awaiting review and cannot be changed until it is reviewed.")
        super().__init__(message % {"object": obj, "parent": parent}, code="locked")


class Reviewable(models.Model):
    """Adds the review status and the latest submission and decision to a model."""

    status = models.CharField(
        _("review status"),
        max_length=10,
        choices=ReviewStatus.choices,
        default=ReviewStatus.DRAFT,
        editable=False,
        db_index=True,
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("submitted by"),
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True, editable=False)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("reviewed by"),
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True, editable=False)
    review_reason = models.TextField(_("reason for rejection"), blank=True, editable=False)

    # Whether an approved record may be returned to draft by ``lantian.core.review.reopen`` (e.g. a
    # testing agency's filing when its staff change); off unless a model opts in.
    reopenable = False

    class Meta:
        abstract = True

    def save(self, *args, update_fields=None, **kwargs):
        """An edit: refused if the stored row is locked, and never changes the review fields.

        Only the review actions save with ``update_fields`` inside ``REVIEW_FIELDS``.
        """
        if self.pk is None or (update_fields is not None and set(update_fields) <= set(REVIEW_FIELDS)):
            return super().save(*args, update_fields=update_fields, **kwargs)
        attnames = [self._meta.get_field(name).attname for name in REVIEW_FIELDS]
        with transaction.atomic(using=kwargs.get("using")):
            stored = type(self)._base_manager.select_for_update().filter(pk=self.pk).values(*attnames).first()
            if stored is not None:
                if stored["status"] in LOCKED_STATUSES:
                    raise Locked(self, stored["status"])
                for attname, value in stored.items():
                    setattr(self, attname, value)
            return super().save(*args, update_fields=update_fields, **kwargs)

    def delete(self, *args, **kwargs):
        stored = type(self)._base_manager.filter(pk=self.pk).values_list("status", flat=True).first()
        if stored in LOCKED_STATUSES:
            raise Locked(self, stored)
        return super().delete(*args, **kwargs)

    @property
    def is_locked(self) -> bool:
        return self.status in LOCKED_STATUSES

    def review_problems(self, action: str) -> list[str]:
        """Why the review ``action`` (a key of ``lantian.core.review.TRANSITIONS``, or "reopen") cannot
        be taken on this record now, for the user (e.g. a filing without staff cannot be submitted).
        Checked inside the transition's transaction; none by default."""
        return []

    def after_review(self, action: str, user, reason: str) -> None:
        """The record's own consequences of a transition just made (e.g. archiving what was
        approved), inside the transition's transaction; nothing by default."""


def review_parent_of(obj):
    """The reviewable record ``obj`` is part of (by its model's ``review_parent``), or None."""
    path = getattr(type(obj), "review_parent", "")
    if not path:
        return None
    for part in path.split("__"):
        obj = getattr(obj, part, None)  # an unset relation raises a subclass of AttributeError
        if obj is None:
            return None
    return obj if isinstance(obj, Reviewable) else None


def review_parent_model(model) -> type[Reviewable] | None:
    path = getattr(model, "review_parent", "")
    if not path:
        return None
    for part in path.split("__"):
        model = model._meta.get_field(part).related_model
    return model


class ReviewedPart(models.Model):
    """A row that is part of a reviewable record (a filing's staff member): it is locked whenever the
    record is, i.e. while the record awaits review and once it is approved.

    ``review_parent`` is the lookup path from this model to the record, e.g. ``"filing"``. Saving,
    deleting and validating a row whose record (or, for a stored row, the record it was part of) is
    locked are refused with ``Locked``; ``lantian.core.review.is_locked`` and ``locked_reason`` answer
    for the row as for the record, so pages, bulk views, the API and imports refuse it too.
    """

    review_parent = ""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        with transaction.atomic(using=kwargs.get("using")):
            if locked := self.locking_parent():
                raise Locked(self, locked[1], locked[0])
            return super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        with transaction.atomic(using=kwargs.get("using")):
            if locked := self.locking_parent():
                raise Locked(self, locked[1], locked[0])
            return super().delete(*args, **kwargs)

    def clean(self):
        super().clean()
        parent = review_parent_of(self)
        if parent is not None and parent.status in LOCKED_STATUSES:
            raise Locked(self, parent.status, parent)

    def locking_parent(self) -> tuple[Reviewable, str] | None:
        """(record, status) of the locked record that this row is, or as stored was, part of; or None.

        Reads the statuses from the database and locks the records' rows until the transaction ends,
        so that a review cannot slip in between this check and the write.
        """
        parent_model = review_parent_model(type(self))
        candidates = []
        parent = review_parent_of(self)
        if parent is not None and parent.pk is not None:
            candidates.append(parent.pk)
        if self.pk is not None:
            stored = (
                type(self)
                ._base_manager.filter(pk=self.pk)
                .values_list(f"{self.review_parent}__pk", flat=True)
                .first()
            )
            if stored is not None and stored not in candidates:
                candidates.append(stored)
        if not candidates:
            return None
        statuses = dict(
            parent_model._base_manager.select_for_update()
            .filter(pk__in=candidates)
            .values_list("pk", "status")
        )
        for pk in candidates:
            if statuses.get(pk) in LOCKED_STATUSES:
                record = (
                    parent
                    if parent is not None and parent.pk == pk
                    else parent_model._base_manager.get(pk=pk)
                )
                return record, statuses[pk]
        return None


class ReviewEvent(models.Model):
    """One transition of one reviewable object: who moved it from which status to which, and why."""

    content_type = models.ForeignKey(ContentType, models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField()
    target = GenericForeignKey("content_type", "object_id", for_concrete_model=False)
    from_status = models.CharField(_("from status"), max_length=10, choices=ReviewStatus.choices)
    to_status = models.CharField(_("to status"), max_length=10, choices=ReviewStatus.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="review_events", verbose_name=_("by")
    )
    at = models.DateTimeField(_("time"), auto_now_add=True)
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["content_type", "object_id", "-at"])]
        verbose_name = _("review event")
        verbose_name_plural = _("review history")

    def __str__(self):
        return f"{self.get_from_status_display()} → {self.get_to_status_display()}"
