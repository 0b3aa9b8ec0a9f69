"""Testing-agency filing (检测机构备案, ldar spec §5 [8.1–8.3]).

One ``AgencyFiling`` per testing agency (an Organization of kind "agency"), reviewed by the bureau
with the core review flow. Its staff, instruments, qualification documents and training records are
``ReviewedPart`` rows: they are locked whenever the filing is (awaiting review or approved). Each
approval archives what was approved (``FilingArchive``). An approved filing may be reopened
("revise") when the agency's staff or instruments change: it is a draft again, recorded in the review
history, and the agency counts as approved only once the bureau approves it again.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from lantian.agencies import standards
from lantian.core.models import Organization, Reviewable, ReviewStatus
from lantian.core.models.review import ReviewedPart
from lantian.core.scope import RestrictedManager

ID_MESSAGES = {
    "format": _("An identity number has 18 characters: 17 digits and a digit or X."),
    "birth_date": _("Characters 7–14 of an identity number are a date of birth; this one is not."),
    "check": _(
        "The check character (the 18th) is wrong: with these first 17 digits it must be %(expected)s."
    ),
}


class AgencyFiling(Reviewable):
    """The filing of one testing agency: its company information; staff, instruments, documents and
    training records are rows of their own models that point here."""

    agency = models.OneToOneField(
        Organization,
        models.PROTECT,
        related_name="agency_filing",
        limit_choices_to={"kind": Organization.Kind.AGENCY},
        verbose_name=_("testing agency"),
    )
    legal_representative = models.CharField(_("legal representative"), max_length=50)
    registered_capital = models.DecimalField(
        _("registered capital (ten thousand yuan)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    business_scope = models.TextField(_("business scope"), blank=True)
    laboratory_address = models.CharField(_("laboratory address"), max_length=200)
    cma_number = models.CharField(
        _("CMA certificate number"),
        max_length=12,
        unique=True,
        help_text=_("The 12-digit number of the inspection-body qualification (CMA) certificate."),
    )
    cma_valid_until = models.DateField(_("CMA certificate valid until"))
    contact_person = models.CharField(_("contact person"), max_length=50)
    contact_phone = models.CharField(_("contact phone"), max_length=30)
    introduction = models.TextField(_("company introduction"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    scope_path = "agency"
    scope_follows_links = False  # an agency's filing is its own and its bureau's, never its clients'
    reopenable = True
    objects = RestrictedManager()

    class Meta:
        ordering = ["agency__name"]
        verbose_name = _("agency filing")
        verbose_name_plural = _("agency filings")

    def __str__(self):
        return gettext("Filing of %(agency)s") % {"agency": self.agency.name if self.agency_id else "—"}

    def get_absolute_url(self):
        return reverse("agencies:agencyfiling_detail", args=[self.pk])

    @property
    def is_approved(self) -> bool:
        return self.status == ReviewStatus.APPROVED

    def clean(self):
        super().clean()
        errors = {}
        if self.agency_id and self.agency.kind != Organization.Kind.AGENCY:
            errors["agency"] = _("Only a testing agency files here; %(organization)s is not one.") % {
                "organization": self.agency
            }
        if self.cma_number:
            self.cma_number = self.cma_number.strip()
            if not standards.is_cma_number(self.cma_number):
                errors["cma_number"] = _("A CMA certificate number has 12 digits.")
        if errors:
            raise ValidationError(errors)

    # --- the review flow's hooks (lantian.core.review) ---

    def review_problems(self, action: str) -> list[str]:
        if action != "submit":
            return []
        problems = []
        if not self.staff.exists():
            problems.append(gettext("Add at least one staff member before submitting the filing."))
        if not self.instruments.exists():
            problems.append(gettext("Add at least one detection instrument before submitting the filing."))
        if self.cma_valid_until and self.cma_valid_until < timezone.localdate():
            problems.append(
                gettext("The CMA certificate expired on %(date)s: renew it and enter the new one.")
                % {"date": self.cma_valid_until.isoformat()}
            )
        return problems

    def after_review(self, action: str, user, reason: str) -> None:
        if action == "approve":
            from lantian.agencies.archive import archive_filing

            archive_filing(self, user)

    # --- what the review page warns about ---

    def warnings(self, today: datetime.date | None = None) -> list[str]:
        """Certificates and calibrations that have lapsed, for the agency and its reviewer."""
        today = today or timezone.localdate()
        warnings = []
        if self.cma_valid_until and self.cma_valid_until < today:
            warnings.append(
                gettext("The CMA certificate expired on %(date)s.")
                % {"date": self.cma_valid_until.isoformat()}
            )
        for member in self.staff.filter(certificate_valid_until__lt=today):
            warnings.append(
                gettext("The certificate of %(name)s expired on %(date)s.")
                % {"name": member.name, "date": member.certificate_valid_until.isoformat()}
            )
        for instrument in self.instruments.filter(calibration_due__lt=today):
            warnings.append(
                gettext("The calibration of %(instrument)s was due on %(date)s.")
                % {"instrument": instrument, "date": instrument.calibration_due.isoformat()}
            )
        return warnings


class FilingPartManager(RestrictedManager):
    """Rows come with their filing and its agency, which their pages, API and to-do items name."""

    def get_queryset(self):
        return super().get_queryset().select_related("filing__agency")


class FilingPart(ReviewedPart):
    """A row of a filing: scoped by the filing's agency and locked whenever the filing is."""

    # Each subclass declares ``filing = models.ForeignKey(AgencyFiling, …, related_name=…)``.
    review_parent = "filing"
    scope_path = "filing__agency"
    scope_follows_links = False
    objects = FilingPartManager()

    class Meta:
        abstract = True

    def get_absolute_url(self):
        return reverse(f"agencies:{self._meta.model_name}_detail", args=[self.pk])


class StaffMember(FilingPart):
    class Gender(models.TextChoices):
        MALE = "male", _("Male")
        FEMALE = "female", _("Female")

    filing = models.ForeignKey(
        AgencyFiling, models.CASCADE, related_name="staff", verbose_name=_("agency filing")
    )
    name = models.CharField(_("name"), max_length=50)
    gender = models.CharField(_("gender"), max_length=10, choices=Gender.choices)
    id_number = models.CharField(
        _("identity number"), max_length=18, help_text=_("18 characters, GB 11643-1999")
    )
    position = models.CharField(
        _("job position"), max_length=50, help_text=_("e.g. detection technician, technical manager")
    )
    title = models.CharField(_("professional title"), max_length=50, blank=True)
    certificate_name = models.CharField(_("certificate name"), max_length=100, blank=True)
    certificate_number = models.CharField(_("certificate number"), max_length=50, blank=True)
    certificate_valid_until = models.DateField(_("certificate valid until"), null=True, blank=True)

    class Meta:
        ordering = ["filing", "pk"]
        verbose_name = _("agency staff member")
        verbose_name_plural = _("agency staff")
        constraints = [
            models.UniqueConstraint(fields=["filing", "id_number"], name="agencies_staff_unique_id_number")
        ]

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()  # a row of a locked filing: nothing else matters
        errors = {}
        if self.id_number:
            self.id_number = standards.normalize_id_number(self.id_number)
            try:
                standards.validate_id_number(self.id_number)
            except standards.IdNumberError as error:
                errors["id_number"] = ID_MESSAGES[error.reason] % {"expected": error.expected}
        if self.certificate_number and not self.certificate_name:
            errors["certificate_name"] = _("Name the certificate whose number is given.")
        if errors:
            raise ValidationError(errors)


class Instrument(FilingPart):
    class DetectorType(models.TextChoices):
        FID = "fid", _("FID (flame ionisation)")
        PID = "pid", _("PID (photo-ionisation)")
        OTHER = "other", _("Other detector")

    filing = models.ForeignKey(
        AgencyFiling, models.CASCADE, related_name="instruments", verbose_name=_("agency filing")
    )
    name = models.CharField(_("name"), max_length=100)
    model_number = models.CharField(_("instrument model"), max_length=50)
    serial_number = models.CharField(_("serial number"), max_length=50)
    detector_type = models.CharField(_("detector type"), max_length=10, choices=DetectorType.choices)
    calibration_certificate = models.CharField(
        _("calibration certificate number"),
        max_length=50,
        blank=True,
        help_text=_("The number of the verification or calibration certificate."),
    )
    calibration_due = models.DateField(_("calibration due"), null=True, blank=True)

    class Meta:
        ordering = ["filing", "pk"]
        verbose_name = _("instrument")
        verbose_name_plural = _("instruments")
        constraints = [
            models.UniqueConstraint(
                fields=["filing", "serial_number"], name="agencies_instrument_unique_serial"
            )
        ]

    def __str__(self):
        return f"{self.name} {self.model_number}（{self.serial_number}）"


class QualificationDocument(FilingPart):
    class Kind(models.TextChoices):
        BUSINESS_LICENCE = "licence", _("Business licence")
        CMA = "cma", _("CMA qualification certificate")
        ACCREDITATION = "accreditation", _("Laboratory accreditation (CNAS)")
        OTHER = "other", _("Other qualification")

    filing = models.ForeignKey(
        AgencyFiling, models.CASCADE, related_name="documents", verbose_name=_("agency filing")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    number = models.CharField(_("document number"), max_length=50, blank=True)
    issuer = models.CharField(_("issued by"), max_length=100, blank=True)
    issued_on = models.DateField(_("issued on"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)

    class Meta:
        ordering = ["filing", "pk"]
        verbose_name = _("qualification document")
        verbose_name_plural = _("qualification documents")

    def __str__(self):
        return self.title

    def clean(self):
        super().clean()
        if self.issued_on and self.valid_until and self.valid_until < self.issued_on:
            raise ValidationError({"valid_until": _("A document cannot expire before it is issued.")})


class TrainingRecord(FilingPart):
    filing = models.ForeignKey(
        AgencyFiling, models.CASCADE, related_name="training", verbose_name=_("agency filing")
    )
    date = models.DateField(_("training date"))
    topic = models.CharField(_("training topic"), max_length=200)
    trainer = models.CharField(_("trainer"), max_length=50)
    hours = models.DecimalField(_("training hours"), max_digits=5, decimal_places=1)
    participants = models.TextField(_("participants"), help_text=_("Names separated by 、 or commas."))

    class Meta:
        ordering = ["filing", "-date", "pk"]
        verbose_name = _("training record")
        verbose_name_plural = _("training records")

    def __str__(self):
        return f"{self.date.isoformat() if self.date else ''} {self.topic}".strip()

    def clean(self):
        super().clean()
        if self.hours is not None and self.hours <= 0:
            raise ValidationError({"hours": _("Training takes some time: give the hours.")})


class FilingArchive(models.Model):
    """What the bureau approved, kept as it was at each approval (备案存档): the filing is locked
    while approved, and when it is reopened and changed, its earlier approvals stay on record."""

    filing = models.ForeignKey(
        AgencyFiling, models.CASCADE, related_name="archives", verbose_name=_("agency filing")
    )
    version = models.PositiveIntegerField(_("version"))
    approved_at = models.DateTimeField(_("approved at"))
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("approved by")
    )
    snapshot = models.JSONField(_("archived content"), editable=False)

    scope_path = "filing__agency"
    scope_follows_links = False
    objects = FilingPartManager()

    class Meta:
        ordering = ["filing", "-version"]
        verbose_name = _("filing archive")
        verbose_name_plural = _("filing archives")
        constraints = [
            models.UniqueConstraint(fields=["filing", "version"], name="agencies_archive_unique_version")
        ]

    def __str__(self):
        return gettext("%(filing)s, approved version %(version)d") % {
            "filing": self.filing,
            "version": self.version,
        }

    def get_absolute_url(self):
        return reverse("agencies:filingarchive_detail", args=[self.pk])
