"""To-do items of a testing agency's own filing: lapsed certificates and calibrations.

Filings awaiting review (for the bureau) and filings sent back (for the agency) need nothing here:
the core to-do centre lists them for every reviewable model.
"""

from django.utils import timezone
from django.utils.translation import gettext as _

from lantian.agencies.models import AgencyFiling, Instrument, StaffMember
from lantian.core.todo import TodoItem, register_todo_provider


def _own_filings(user):
    """The filing of the user's own agency, if the user may change it."""
    if user.organization_id is None or not user.has_perm("agencies.change_agencyfiling"):
        return AgencyFiling.objects.none()
    return AgencyFiling.objects.restrict(user, "change").filter(agency_id=user.organization_id)


def lapsed_items(user):
    today = timezone.localdate()
    filings = list(_own_filings(user).select_related("agency"))
    if not filings:
        return
    for filing in filings:
        if filing.cma_valid_until < today:
            yield TodoItem(
                title=_("CMA certificate of %(agency)s expired") % {"agency": filing.agency},
                url=filing.get_absolute_url(),
                kind="overdue",
                due=filing.cma_valid_until,
                organization=filing.agency,
                detail=_("Renew it and revise the filing."),
            )
    for member in StaffMember.objects.filter(
        filing__in=filings, certificate_valid_until__lt=today
    ).select_related("filing__agency"):
        yield TodoItem(
            title=_("Certificate of %(name)s expired") % {"name": member.name},
            url=member.get_absolute_url(),
            kind="overdue",
            due=member.certificate_valid_until,
            organization=member.filing.agency,
            detail=member.certificate_name,
        )
    for instrument in Instrument.objects.filter(filing__in=filings, calibration_due__lt=today).select_related(
        "filing__agency"
    ):
        yield TodoItem(
            title=_("Calibration of %(instrument)s overdue") % {"instrument": instrument},
            url=instrument.get_absolute_url(),
            kind="overdue",
            due=instrument.calibration_due,
            organization=instrument.filing.agency,
            detail=instrument.calibration_certificate,
        )


def lapsed_count(user) -> int:
    today = timezone.localdate()
    filings = _own_filings(user)
    if not filings.exists():
        return 0
    return (
        filings.filter(cma_valid_until__lt=today).count()
        + StaffMember.objects.filter(filing__in=filings, certificate_valid_until__lt=today).count()
        + Instrument.objects.filter(filing__in=filings, calibration_due__lt=today).count()
    )


register_todo_provider(lapsed_items, count=lapsed_count)
