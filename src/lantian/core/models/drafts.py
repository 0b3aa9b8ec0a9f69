from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _


class Draft(models.Model):
    """A form saved unfinished: the posted values, unvalidated, private to the user who saved it.

    ``object_id`` is the object being edited, or None for a new one.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="drafts")
    content_type = models.ForeignKey(ContentType, models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField(null=True, blank=True)
    title = models.CharField(_("title"), max_length=200)
    data = models.JSONField(default=dict)  # form field name → list of posted values
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("saved at"), auto_now=True)

    class Meta:
        ordering = ["-updated_at", "-pk"]
        indexes = [models.Index(fields=["user", "content_type", "object_id"])]
        verbose_name = _("draft")
        verbose_name_plural = _("drafts")

    def __str__(self):
        return self.title

    def get_absolute_url(self) -> str | None:
        """The add or edit form of the object, filled from this draft; None if it has no form now."""
        from lantian.core.registry import registration_for

        registration = registration_for(self.model) if self.model is not None else None
        action = "add" if self.object_id is None else "edit"
        if registration is None or action not in registration.actions:
            return None
        try:
            arguments = [] if self.object_id is None else [self.object_id]
            url = reverse(registration.url_name(action), args=arguments)
        except NoReverseMatch:
            return None
        return f"{url}?draft={self.pk}"

    @property
    def model_label(self) -> str:
        return self.model._meta.verbose_name if self.model is not None else self.content_type.model

    @property
    def model(self):
        return self.content_type.model_class()
