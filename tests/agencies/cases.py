"""Test cases of the agencies models for the generated tests (tests/generic.py)."""

from lantian.agencies.models import (
    AgencyFiling,
    FilingArchive,
    Instrument,
    QualificationDocument,
    StaffMember,
    TrainingRecord,
)
from tests.agencies.helpers import (
    archive_of,
    document_of,
    filing_of,
    instrument_of,
    more_agencies,
    staff_of,
    training_of,
)
from tests.generic import Case, add_cases


def _staff(tree):
    return StaffMember.objects.filter(filing=filing_of(tree.agency)).first() or staff_of(
        filing_of(tree.agency)
    )


def _instrument(tree):
    filing = filing_of(tree.agency)
    return Instrument.objects.filter(filing=filing).first() or instrument_of(filing)


def _document(tree):
    filing = filing_of(tree.agency)
    return QualificationDocument.objects.filter(filing=filing).first() or document_of(filing)


def _training(tree):
    filing = filing_of(tree.agency)
    return TrainingRecord.objects.filter(filing=filing).first() or training_of(filing)


def _archive(tree):
    filing = filing_of(tree.agency)
    return FilingArchive.objects.filter(filing=filing).first() or archive_of(filing, tree.city_admin)


def _more_archives(tree, n):
    filing = filing_of(tree.agency)
    start = FilingArchive.objects.filter(filing=filing).count() + 1
    for version in range(start, start + n):
        archive_of(filing, tree.city_admin, version)


def _more(factory):
    return lambda tree, n: [factory(filing_of(tree.agency)) for _ in range(n)]


add_cases(
    Case(
        AgencyFiling, lambda t: filing_of(t.agency), member="city_admin", outsider="county_b_admin",
        more=more_agencies,
        unfiltered=frozenset({"agency__credit_code", "cma_number", "legal_representative", "contact_person",
                              "contact_phone"}),
    ),
    Case(
        StaffMember, _staff, member="agency_admin", outsider="county_b_admin", more=_more(staff_of),
        unfiltered=frozenset({"position", "title", "certificate_name", "certificate_number"}),
    ),
    Case(
        Instrument, _instrument, member="agency_admin", outsider="county_b_admin", more=_more(instrument_of),
        unfiltered=frozenset({"name", "model_number", "serial_number", "calibration_certificate"}),
    ),
    Case(
        QualificationDocument, _document, member="agency_admin", outsider="county_b_admin",
        more=_more(document_of), unfiltered=frozenset({"title", "number", "issuer", "issued_on"}),
    ),
    Case(
        TrainingRecord, _training, member="agency_admin", outsider="county_b_admin", more=_more(training_of),
        unfiltered=frozenset({"topic", "trainer", "hours", "participants"}),
    ),
    Case(
        FilingArchive, _archive, member="agency_admin", outsider="county_b_admin", more=_more_archives,
        unfiltered=frozenset({"version", "approved_at", "approved_by__name"}),
    ),
)  # fmt: skip
