from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lantian.core.models import Organization, Reviewable, ReviewStatus
from lantian.core.scope import RestrictedManager


class NoticeState(models.TextChoices):
    """Where a notice stands, derived from its response (never typed)."""

    OPEN = "open", _("Awaiting rectification")
    SUBMITTED = "submitted", _("Rectification awaiting review")
    RETURNED = "returned", _("Rectification returned")
    CLOSED = "closed", _("Rectified")


class RectificationNotice(models.Model):
    """What the bureau found at a site check and what the enterprise must put right by the deadline.
    Photos of the findings are attachments of the notice."""

    number = models.CharField(_("notice number"), max_length=20, unique=True, editable=False)
    enterprise = models.ForeignKey(
        Organization,
        models.PROTECT,
        related_name="rectification_notices",
        limit_choices_to={"kind": Organization.Kind.ENTERPRISE},
        verbose_name=_("enterprise"),
    )
    issued_by = models.ForeignKey(
        Organization,
        models.PROTECT,
        related_name="issued_rectification_notices",
        limit_choices_to={"kind": Organization.Kind.REGULATOR},
        verbose_name=_("issuing bureau"),
    )
    checked_on = models.DateField(_("site check date"))
    problems = models.TextField(_("problems found"))
    requirements = models.TextField(_("requirements"), blank=True)
    deadline = models.DateField(_("deadline"))
    state = models.CharField(
        _("state"), max_length=10, choices=NoticeState.choices, default=NoticeState.OPEN, editable=False
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True, editable=False)
    # Set by the periodic job `rectification.overdue` (lantian.rectification.overdue), not on page load.
    is_overdue = models.BooleanField(_("overdue"), default=False, editable=False, db_index=True)
    created_at = models.DateTimeField(_("issued at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    # Read by the enterprise and the bureaus above it; written only by the issuing bureau's tree.
    scope_path = "enterprise"
    scope_write_path = "issued_by"
    scope_follows_links = False
    objects = RestrictedManager()

    class Meta:
        ordering = ["-checked_on", "-pk"]
        verbose_name = _("rectification notice")
        verbose_name_plural = _("rectification notices")

    def __str__(self):
        return self.number or str(_("new rectification notice"))

    def save(self, *args, **kwargs):
        if self.number:
            return super().save(*args, **kwargs)
        # Two bureaus issuing at the same moment may read the same last number: the unique index
        # refuses the second, which takes the next one.
        for _attempt in range(5):
            self.number = next_number(self.checked_on.year)
            try:
                with transaction.atomic():
                    return super().save(*args, **kwargs)
            except IntegrityError:
                if RectificationNotice.objects.filter(number=self.number).exists():
                    self.number = ""
                    continue
                raise
        raise IntegrityError("no free rectification notice number after 5 attempts")

    def get_absolute_url(self):
        return reverse("rectification:rectificationnotice_detail", args=[self.pk])

    def clean(self):
        super().clean()
        if self.checked_on and self.deadline and self.deadline < self.checked_on:
            raise ValidationError({"deadline": _("The deadline cannot be before the site check.")})
        if self.pk and self.state == NoticeState.CLOSED:
            raise ValidationError(
                _("This notice has been rectified and closed: it can no longer be changed.")
            )


def next_number(year: int) -> str:
    """ZG-2026-0001: the year of the site check and a serial within it."""
    prefix = f"ZG-{year}-"
    last = RectificationNotice.objects.filter(number__startswith=prefix).aggregate(last=Max("number"))["last"]
    serial = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return f"{prefix}{serial:04d}"


class RectificationResponse(Reviewable):
    """The enterprise's account of what it did, with its files (attachments); submitted for the
    bureau's review: approval closes the notice, a rejection returns it with the reason."""

    notice = models.OneToOneField(
        RectificationNotice, models.PROTECT, related_name="response", verbose_name=_("rectification notice")
    )
    measures = models.TextField(_("measures taken"))
    completed_on = models.DateField(_("completed on"))
    contact_person = models.CharField(_("contact person"), max_length=50)
    contact_phone = models.CharField(_("contact phone"), max_length=30, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    scope_path = "notice__enterprise"
    scope_follows_links = False
    objects = RestrictedManager()

    class Meta:
        ordering = ["-pk"]
        verbose_name = _("rectification report")
        verbose_name_plural = _("rectification reports")

    def __str__(self):
        return str(_("Rectification of %(notice)s") % {"notice": self.notice})

    def get_absolute_url(self):
        return reverse("rectification:rectificationresponse_detail", args=[self.pk])

    def clean(self):
        super().clean()
        notice = getattr(self, "notice", None) if self.notice_id else None
        if notice is None:
            return
        if notice.state == NoticeState.CLOSED and self.status != ReviewStatus.APPROVED:
            raise ValidationError({"notice": _("This notice has been rectified and closed already.")})
        if self.completed_on and self.completed_on < notice.checked_on:
            raise ValidationError(
                {"completed_on": _("The rectification cannot be completed before the site check.")}
            )

    def after_review(self, action: str, user, reason: str) -> None:
        """The notice follows its response: awaiting review, returned, or closed once approved."""
        state = {
            "submit": NoticeState.SUBMITTED,
            "withdraw": NoticeState.OPEN,
            "approve": NoticeState.CLOSED,
            "reject": NoticeState.RETURNED,
        }[action]
        closed_at = timezone.now() if state == NoticeState.CLOSED else None
        updates = {"state": state, "closed_at": closed_at}
        if state == NoticeState.CLOSED:
            updates["is_overdue"] = False
        RectificationNotice.objects.filter(pk=self.notice_id).update(**updates)
