from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext_lazy as _

from lantian.core.scope import RestrictedManager


class WorkCalendarDay(models.Model):
    """A day that differs from the weekly pattern: a holiday, or a weekend worked (调休).

    The work calendar is reference data shared by every module (core.md "Working time"), maintained
    by the system administrator; ``lantian.core.worktime.calendar()`` reads it.
    """

    class Kind(models.TextChoices):
        HOLIDAY = "holiday", _("Holiday")
        WORKDAY = "workday", _("Working weekend")

    year = models.PositiveSmallIntegerField(_("year"), editable=False, db_index=True)
    date = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    name = models.CharField(
        _("name"), max_length=50, help_text=_("The holiday the day belongs to, e.g. 春节 or 国庆节.")
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    scope_path = None
    objects = RestrictedManager()

    class Meta:
        ordering = ["date"]
        verbose_name = _("work calendar day")
        verbose_name_plural = _("work calendar")

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {self.name}（{self.get_kind_display()}）"

    def save(self, *args, **kwargs):
        self.year = self.date.year
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "date" in update_fields:
            kwargs["update_fields"] = {*update_fields, "year"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("core:workcalendarday_detail", args=[self.pk])

    @property
    def weekday(self) -> str:
        return str(WEEKDAYS[self.date.weekday()])

    def clean(self):
        if self.kind == self.Kind.WORKDAY and self.date and self.date.weekday() < 5:
            raise ValidationError(
                {
                    "kind": _(
                        "%(date)s is a weekday and so a working day already: only a Saturday or a Sunday "
                        "can be a working weekend."
                    )
                    % {"date": f"{self.date:%Y-%m-%d}"}
                }
            )
