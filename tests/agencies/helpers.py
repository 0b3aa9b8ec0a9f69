"""Filings and their rows for the tests, built directly (no review, no forms)."""

import datetime
import itertools

from lantian.agencies.models import (
    AgencyFiling,
    FilingArchive,
    Instrument,
    QualificationDocument,
    StaffMember,
    TrainingRecord,
)
from lantian.agencies.standards import id_check_character
from lantian.core.models import Organization, ReviewStatus
from tests.conftest import make_org

SERIAL = itertools.count(1)
FAR = datetime.date(2030, 12, 31)


def id_number(serial: int, born: str = "19900315") -> str:
    first17 = f"610302{born}{serial % 1000:03d}"
    return first17 + id_check_character(first17)


def filing_of(agency: Organization, **values) -> AgencyFiling:
    """The filing of ``agency`` (created once, as a draft)."""
    filing = AgencyFiling.objects.filter(agency=agency).first()
    if filing is not None:
        return filing
    defaults = {
        "legal_representative": "孙建华",
        "laboratory_address": agency.address or "渭川市高新二路 16 号",
        "cma_number": f"2216{agency.pk:08d}",
        "cma_valid_until": FAR,
        "contact_person": "孙丽娟",
        "contact_phone": "0917-3688001",
    }
    return AgencyFiling.objects.create(agency=agency, **{**defaults, **values})


def staff_of(filing, name="张伟", **values) -> StaffMember:
    defaults = {"gender": "male", "id_number": id_number(next(SERIAL)), "position": "检测员",
                "certificate_name": "LDAR检测员证", "certificate_number": f"LDAR-{next(SERIAL):04d}",
                "certificate_valid_until": FAR}  # fmt: skip
    return StaffMember.objects.create(filing=filing, name=name, **{**defaults, **values})


def instrument_of(filing, **values) -> Instrument:
    defaults = {
        "name": "便携式有机气体分析仪",
        "model_number": "TVA2020",
        "serial_number": f"SN{next(SERIAL)}",
        "detector_type": "fid",
        "calibration_certificate": "JJ2025-001",
        "calibration_due": FAR,
    }
    return Instrument.objects.create(filing=filing, **{**defaults, **values})


def document_of(filing, **values) -> QualificationDocument:
    defaults = {"kind": "licence", "title": f"营业执照{next(SERIAL)}", "number": "91610302MA6Y2U8W2X"}
    return QualificationDocument.objects.create(filing=filing, **{**defaults, **values})


def training_of(filing, **values) -> TrainingRecord:
    defaults = {
        "date": datetime.date(2026, 3, 12),
        "topic": f"HJ 733 培训{next(SERIAL)}",
        "trainer": "王建国",
        "hours": 4,
        "participants": "张伟、李娜",
    }
    return TrainingRecord.objects.create(filing=filing, **{**defaults, **values})


def complete_filing(agency) -> AgencyFiling:
    """A draft filing with what a submission needs: a staff member and an instrument."""
    filing = filing_of(agency)
    if not filing.staff.exists():
        staff_of(filing)
    if not filing.instruments.exists():
        instrument_of(filing)
    return filing


def put_in(filing, status, submitter=None):
    """Place the filing in ``status`` directly, as if the review had led there."""
    AgencyFiling.objects.filter(pk=filing.pk).update(status=status, submitted_by=submitter)
    filing.refresh_from_db()
    return filing


def approved_filing(tree) -> AgencyFiling:
    return put_in(complete_filing(tree.agency), ReviewStatus.APPROVED, tree.agency_admin)


def archive_of(filing, reviewer, version=1) -> FilingArchive:
    from django.utils import timezone

    from lantian.agencies.archive import snapshot

    return FilingArchive.objects.create(
        filing=filing,
        version=version,
        approved_at=timezone.now(),
        approved_by=reviewer,
        snapshot=snapshot(filing),
    )


def more_agencies(tree, n):
    """n more agencies under the city, each with a filing (the city bureau sees them)."""
    for _ in range(n):
        serial = next(SERIAL)
        filing_of(make_org(f"检测公司{serial}", Organization.Kind.AGENCY, tree.city))


def as_user(user):
    """An API client authenticated by the user's token, as a program would be."""
    from rest_framework.test import APIClient

    from lantian.core.models import ApiToken

    client = APIClient()
    _token, key = ApiToken.objects.issue(user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def api_url(model, pk=None) -> str:
    from django.urls import reverse

    name = f"api:{model._meta.app_label}-{model._meta.model_name}"
    return reverse(f"{name}-detail", args=[pk]) if pk is not None else reverse(f"{name}-list")


def signed_in(user):
    """A test client of its own, signed in as ``user`` through the login form."""
    from django.test import Client

    from tests.conftest import PASSWORD

    client = Client()
    response = client.post("/login/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302, response.content.decode()[:300]
    return client
