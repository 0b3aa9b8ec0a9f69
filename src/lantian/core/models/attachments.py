"""What any object may carry besides its fields: attached files and a journal of remarks.

Both point at their object through a content type and an id. They are reached only through that
object, whose registration and ``restrict`` decide who may see and change them.
"""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class AttachedQuerySet(models.QuerySet):
    def for_object(self, obj):
        content_type = ContentType.objects.get_for_model(obj, for_concrete_model=False)
        return self.filter(content_type=content_type, object_id=obj.pk)


class Attachment(models.Model):
    """A photo or document attached to an object. The file lives under MEDIA_ROOT/attachments/."""

    content_type = models.ForeignKey(ContentType, models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField()
    target = GenericForeignKey("content_type", "object_id", for_concrete_model=False)
    file = models.FileField(_("file"), max_length=255, editable=False)
    thumbnail = models.FileField(_("thumbnail"), max_length=255, blank=True, editable=False)
    original_name = models.CharField(_("file name"), max_length=255)
    file_type = models.CharField(_("file type"), max_length=10)  # a key of lantian.core.files.FILE_TYPES
    mime_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size"))
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    description = models.CharField(_("description"), max_length=200, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="attachments", verbose_name=_("uploaded by")
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    objects = AttachedQuerySet.as_manager()

    class Meta:
        ordering = ["-uploaded_at", "-pk"]
        indexes = [models.Index(fields=["content_type", "object_id"])]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self):
        # The change log shows this: name the object the file belongs to.
        return f"{self.original_name}（{self.content_type.name} #{self.object_id}）"

    def get_absolute_url(self):
        return reverse("core:attachment_download", args=[self.pk])

    def get_thumbnail_url(self):
        return reverse("core:attachment_thumbnail", args=[self.pk]) if self.thumbnail else None

    @property
    def is_image(self) -> bool:
        return self.mime_type.startswith("image/")

    def get_additional_data(self) -> dict:
        """Stored by django-auditlog with each change, so the object's attachment history can be found."""
        return {"content_type": self.content_type_id, "object_id": self.object_id}


class JournalEntry(models.Model):
    """A free-text remark on an object, by its author."""

    class Kind(models.TextChoices):
        INFO = "info", _("Information")
        SUCCESS = "success", _("Success")
        WARNING = "warning", _("Warning")
        DANGER = "danger", _("Danger")

    content_type = models.ForeignKey(ContentType, models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField()
    target = GenericForeignKey("content_type", "object_id", for_concrete_model=False)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.INFO)
    text = models.TextField(_("remark"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="journal_entries", verbose_name=_("author")
    )
    created_at = models.DateTimeField(_("time"), auto_now_add=True)

    objects = AttachedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["content_type", "object_id", "-created_at"])]
        verbose_name = _("journal entry")
        verbose_name_plural = _("journal")

    def __str__(self):
        return f"{self.content_type.name} #{self.object_id}: {self.text[:50]}"
