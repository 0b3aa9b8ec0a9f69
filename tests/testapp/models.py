from django.db import models
from django.urls import reverse

from lantian.core.models import Organization, Reviewable
from lantian.core.scope import RestrictedManager


class Filing(Reviewable):
    """An enterprise's filing (备案), reviewed by its bureau."""

    organization = models.ForeignKey(
        Organization, models.PROTECT, related_name="+", verbose_name="organization"
    )
    title = models.CharField("title", max_length=100)
    note = models.TextField("note", blank=True)

    scope_path = "organization"
    objects = RestrictedManager()

    class Meta:
        ordering = ["pk"]
        verbose_name = "filing"
        verbose_name_plural = "filings"

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("testapp:filing_detail", args=[self.pk])
