from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class TablePreference(models.Model):
    """The columns a user chose for a list, kept across sessions."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="table_preferences")
    table = models.CharField(max_length=100)  # "app_label.model_name"
    columns = models.JSONField(default=list)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "table"], name="table_preference_unique")]
        verbose_name = _("table preference")
        verbose_name_plural = _("table preferences")

    def __str__(self):
        return f"{self.user} · {self.table}"
