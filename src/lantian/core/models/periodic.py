from django.db import models
from django.utils.translation import gettext_lazy as _


class PeriodicJobState(models.Model):
    """The last run of a registered periodic job (``lantian.core.periodic``): when it ran, how long it
    took and what it did or why it failed. One row per job, written by ``run_periodic_job``."""

    name = models.CharField(_("job"), max_length=100, unique=True)
    last_started = models.DateTimeField(_("last started"), null=True, blank=True)
    last_finished = models.DateTimeField(_("last finished"), null=True, blank=True)
    last_ok = models.BooleanField(_("succeeded"), null=True)
    last_summary = models.CharField(_("result"), max_length=500, blank=True)
    duration_ms = models.PositiveIntegerField(_("duration (ms)"), null=True, blank=True)
    runs = models.PositiveIntegerField(_("runs"), default=0)
    failures = models.PositiveIntegerField(_("failures"), default=0)

    class Meta:
        ordering = ["name"]
        verbose_name = _("periodic job")
        verbose_name_plural = _("periodic jobs")

    def __str__(self):
        return self.name
