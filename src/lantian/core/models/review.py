"""The review (审核) flow's data (ARCHITECTURE rule 5): the ``Reviewable`` mixin and the history.

The transitions themselves are the domain actions of ``lantian.core.review``; a model only mixes
in ``Reviewable``. Its review fields are not editable: an ordinary save keeps them as they are in
the database and is refused while the object is under review or approved.
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
    """An edit or deletion of an object under review or approved. A ValidationError, so that forms
    and bulk edits show it as an error; the API checks ``lantian.core.review.is_locked`` first."""

    def __init__(self, obj, status: str):
        if status == ReviewStatus.APPROVED:
            message = gettext("%(object)s has been approved and is locked: it can no longer be changed.")
        else:
            message = gettext("%(object)s is awaiting review and cannot be changed until it is reviewed.")
        super().__init__(message % {"object": obj}, code="locked")


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
