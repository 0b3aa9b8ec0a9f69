"""What a testing agency's home page shows of its filing: its state, and what lapses soon."""

from datetime import timedelta

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from lantian.agencies.models import AgencyFiling, Instrument, QualificationDocument, StaffMember
from lantian.core.home import Figure, Panel, register_home_panel

SOON = timedelta(days=60)  # how far ahead a certificate or calibration counts as "expiring"


@register_home_panel(homes=("provider",))
def filing(user):
    """The agency's own filing: review state, CMA certificate, and staff certificates, instrument
    calibrations and qualification documents lapsed or lapsing within ``SOON``."""
    if user.organization_id is None or not user.has_perm("agencies.view_agencyfiling"):
        return None
    own = AgencyFiling.objects.restrict(user, "view").filter(agency_id=user.organization_id)
    record = own.first()
    if record is None:
        if user.organization.kind != user.organization.Kind.AGENCY or not user.has_perm(
            "agencies.add_agencyfiling"
        ):
            return None
        add = reverse("agencies:agencyfiling_add")
        return Panel(
            "agencies.filing",
            _("Agency filing"),
            "certificate",
            [],
            url=add,
            note=_("Not filed yet."),
            weight=10,
        )
    limit = timezone.localdate() + SOON
    staff = StaffMember.objects.restrict(user, "view").filter(filing=record).order_by()
    instruments = Instrument.objects.restrict(user, "view").filter(filing=record).order_by()
    documents = QualificationDocument.objects.restrict(user, "view").filter(filing=record).order_by()
    staff_counts = staff.aggregate(
        total=Count("pk"), lapsing=Count("pk", filter=Q(certificate_valid_until__lt=limit))
    )
    instrument_counts = instruments.aggregate(
        total=Count("pk"), due=Count("pk", filter=Q(calibration_due__lt=limit))
    )
    lapsing_documents = documents.filter(valid_until__lt=limit).count()
    on = limit.isoformat()
    figures = [
        Figure(
            _("staff"), staff_counts["total"], f"{reverse('agencies:staffmember_list')}?filing={record.pk}"
        ),
        Figure(
            _("certificates expiring in %(days)d days") % {"days": SOON.days},
            staff_counts["lapsing"],
            f"{reverse('agencies:staffmember_list')}?filing={record.pk}&certificate_expires_before={on}",
            attention=staff_counts["lapsing"] > 0,
        ),
        Figure(
            _("instruments"),
            instrument_counts["total"],
            f"{reverse('agencies:instrument_list')}?filing={record.pk}",
        ),
        Figure(
            _("calibrations due in %(days)d days") % {"days": SOON.days},
            instrument_counts["due"],
            f"{reverse('agencies:instrument_list')}?filing={record.pk}&calibration_due_before={on}",
            attention=instrument_counts["due"] > 0,
        ),
        Figure(
            _("qualification documents expiring in %(days)d days") % {"days": SOON.days},
            lapsing_documents,
            f"{reverse('agencies:qualificationdocument_list')}?filing={record.pk}&expires_before={on}",
            attention=lapsing_documents > 0,
        ),
    ]
    note = _("%(status)s · CMA certificate valid until %(date)s") % {
        "status": record.get_status_display(),
        "date": record.cma_valid_until.isoformat(),
    }
    return Panel(
        "agencies.filing",
        _("Agency filing"),
        "certificate",
        figures,
        url=record.get_absolute_url(),
        note=note,
        weight=10,
    )
