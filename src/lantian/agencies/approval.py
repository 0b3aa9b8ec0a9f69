"""Which testing agencies count as approved, and what follows from it (ldar spec §5 [8.2]).

An agency counts as approved while its filing's review status is "approved". Only an approved
agency may be linked to enterprises for detection work (``approved_filing_required``, a core link
rule registered in ``AgenciesConfig.ready``; other modules ask ``has_approved_filing`` before
assigning detection work or accepting reports). When its staff or instruments change, the agency
revises its approved filing (``revise``): the filing is a draft again, the reason is kept in the review
history, and the agency no longer counts as approved (no new links) until the bureau approves the
filing again. Links made while it was approved stay: the detection work under way goes on.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from lantian.agencies.models import AgencyFiling
from lantian.core import review
from lantian.core.models import Organization, ReviewStatus


def has_approved_filing(organization: Organization) -> bool:
    return AgencyFiling.objects.filter(agency=organization, status=ReviewStatus.APPROVED).exists()


def approved_agencies():
    """The testing agencies whose filing is approved."""
    return Organization.objects.filter(
        kind=Organization.Kind.AGENCY, agency_filing__status=ReviewStatus.APPROVED
    )


def approved_filing_required(link) -> None:
    """A core link rule: a testing agency serves enterprises only once its filing is approved."""
    provider = link.provider
    if provider.kind != Organization.Kind.AGENCY:
        return
    filing = AgencyFiling.objects.filter(agency=provider).only("status").first()
    if filing is not None and filing.status == ReviewStatus.APPROVED:
        return
    if filing is None:
        message = _(
            "%(agency)s has no agency filing yet: a testing agency can be linked to enterprises for "
            "detection work only once the bureau has approved its filing."
        ) % {"agency": provider}
    else:
        message = _(
            "The filing of %(agency)s is %(status)s, not approved: a testing agency can be linked to "
            "enterprises for detection work only once the bureau has approved its filing."
        ) % {"agency": provider, "status": ReviewStatus(filing.status).label}
    raise ValidationError({"provider": ValidationError(message, code="agency_not_approved")})


def revise(filing: AgencyFiling, user, reason: str) -> AgencyFiling:
    """Reopen an approved filing to change it (staff or instruments changed): it is a draft again and
    must be resubmitted and approved; the earlier approval stays in the archive and the history."""
    return review.reopen(filing, user, reason)
