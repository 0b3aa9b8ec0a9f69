"""Entries of the knowledge base: laws, regulations, standards and technical guides (ldar.md §6)."""

import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lantian.core.scope import RestrictedManager, RestrictedQuerySet
from lantian.knowledge.search import normalize_number


class Category(models.TextChoices):
    LAW = "law", _("law")
    REGULATION = "regulation", _("regulation")
    DETECTION = "detection", _("detection standard")
    INDUSTRY = "industry", _("industry standard")
    ENVIRONMENTAL = "environmental", _("environmental standard")
    GUIDE = "guide", _("technical guide")


class Status(models.TextChoices):
    """Whether a document applies on a day; derived from its dates, never stored."""

    CURRENT = "current", _("in force")
    UPCOMING = "upcoming", _("not yet in force")
    ABOLISHED = "abolished", _("abolished")


def status_on(
    day: datetime.date, effective_on: datetime.date | None, abolished_on: datetime.date | None
) -> Status:
    """The status of a document on ``day``: abolished from its abolition date, not yet in force before its
    implementation date, otherwise in force (also when the implementation date is unknown)."""
    if abolished_on is not None and abolished_on <= day:
        return Status.ABOLISHED
    if effective_on is not None and effective_on > day:
        return Status.UPCOMING
    return Status.CURRENT


def status_condition(status: str, day: datetime.date) -> Q:
    """The rows whose ``status_on(day, …)`` is ``status``, as a query (the same rule in the database)."""
    abolished = Q(abolished_on__isnull=False, abolished_on__lte=day)
    standing = Q(abolished_on__isnull=True) | Q(abolished_on__gt=day)
    if status == Status.ABOLISHED:
        return abolished
    if status == Status.UPCOMING:
        return standing & Q(effective_on__isnull=False, effective_on__gt=day)
    if status == Status.CURRENT:
        return standing & (Q(effective_on__isnull=True) | Q(effective_on__lte=day))
    raise ValueError(f"unknown status {status!r}")


class DocumentQuerySet(RestrictedQuerySet):
    def with_status(self, status: str, day: datetime.date | None = None):
        return self.filter(status_condition(status, day or timezone.localdate()))


class Document(models.Model):
    """A law, regulation, standard or guide: its metadata, summary and (optionally) its full text.

    Shared reference data of the whole platform: every role reads it, bureau administrators keep it.
    """

    title = models.CharField(_("title"), max_length=200)
    number = models.CharField(
        _("standard or document number"),
        max_length=100,
        blank=True,
        help_text=_("e.g. GB 37822-2019 or 环大气〔2019〕53号; leave empty if it has none."),
    )
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    issuer = models.CharField(
        _("issuing body"),
        max_length=200,
        blank=True,
        help_text=_("Several bodies that issued it jointly are separated by 、"),
    )
    issued_on = models.DateField(_("issue date"), null=True, blank=True)
    effective_on = models.DateField(_("implementation date"), null=True, blank=True)
    abolished_on = models.DateField(
        _("abolition date"),
        null=True,
        blank=True,
        help_text=_("The day it stopped applying (abolished or replaced); empty while it applies."),
    )
    keywords = models.CharField(
        _("keywords"), max_length=300, blank=True, help_text=_("Separated by 、 or spaces.")
    )
    summary = models.TextField(_("summary"), blank=True)
    full_text = models.TextField(
        _("full text"),
        blank=True,
        help_text=_("Optional: paste the text of the document so that the search finds words in it."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    scope_path = None  # shared reference data: whoever may view documents sees them all
    objects = RestrictedManager.from_queryset(DocumentQuerySet)()

    class Meta:
        verbose_name = _("regulation or standard")
        verbose_name_plural = _("regulations and standards")
        ordering = [models.F("issued_on").desc(nulls_last=True), "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["number"],
                condition=~Q(number=""),
                name="knowledge_document_unique_number",
                violation_error_message=_("Another entry already has this number."),
            ),
        ]
        indexes = [models.Index(fields=["issued_on"], name="knowledge_doc_issued_on")]

    def __str__(self):
        return f"{self.number} {self.title}" if self.number else self.title

    def get_absolute_url(self):
        return reverse("knowledge:document_detail", args=[self.pk])

    @property
    def status(self) -> Status:
        return status_on(timezone.localdate(), self.effective_on, self.abolished_on)

    def get_status_display(self) -> str:
        return str(self.status.label)

    def clean(self):
        super().clean()
        self.number = normalize_number(self.number)
        errors = {}
        if self.number and Document.objects.exclude(pk=self.pk).filter(number=self.number).exists():
            errors["number"] = _("Another entry already has this number.")
        if self.issued_on and self.effective_on and self.effective_on < self.issued_on:
            errors["effective_on"] = _("The implementation date cannot be before the issue date.")
        if self.abolished_on:
            start = self.effective_on or self.issued_on
            if start and self.abolished_on < start:
                errors["abolished_on"] = _(
                    "The abolition date cannot be before the implementation (or issue) date."
                )
        if errors:
            raise ValidationError(errors)
