"""The archive of what the bureau approved (备案存档): a snapshot of the filing, its rows and the
names and digests of their attachments, written inside the approval's transaction."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.db.models import Max

from lantian.agencies.models import (
    AgencyFiling,
    FilingArchive,
    Instrument,
    QualificationDocument,
    StaffMember,
    TrainingRecord,
)
from lantian.core.models import Attachment

FILING_FIELDS = (
    "legal_representative", "registered_capital", "business_scope", "laboratory_address", "cma_number",
    "cma_valid_until", "contact_person", "contact_phone", "introduction",
)  # fmt: skip
AGENCY_FIELDS = ("name", "credit_code", "address")
# key in the snapshot → (model, fields), in the order the filing's page shows them
SECTIONS = {
    "staff": (StaffMember, ("name", "gender", "id_number", "position", "title", "certificate_name",
                            "certificate_number", "certificate_valid_until")),
    "instruments": (Instrument, ("name", "model_number", "serial_number", "detector_type",
                                 "calibration_certificate", "calibration_due")),
    "documents": (QualificationDocument, ("kind", "title", "number", "issuer", "issued_on", "valid_until")),
    "training": (TrainingRecord, ("date", "topic", "trainer", "hours", "participants")),
}  # fmt: skip


def as_text(obj, name: str) -> str:
    display = getattr(obj, f"get_{name}_display", None)
    value = display() if display is not None else getattr(obj, name)
    if value is None:
        return ""
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return str(value)


def _attachments(model, pks) -> dict[int, list[dict]]:
    content_type = ContentType.objects.get_for_model(model, for_concrete_model=False)
    found: dict[int, list[dict]] = {}
    for attachment in Attachment.objects.filter(content_type=content_type, object_id__in=list(pks)).order_by(
        "pk"
    ):
        found.setdefault(attachment.object_id, []).append(
            {"name": attachment.original_name, "size": attachment.size, "sha256": attachment.sha256}
        )
    return found


def snapshot(filing: AgencyFiling) -> dict:
    """The filing as it stands, as plain text by field name (labels are shown in the reader's language)."""
    data = {
        "agency": {name: as_text(filing.agency, name) for name in AGENCY_FIELDS},
        "filing": {name: as_text(filing, name) for name in FILING_FIELDS},
        "attachments": _attachments(AgencyFiling, [filing.pk]).get(filing.pk, []),
        "sections": {},
    }
    for key, (model, fields) in SECTIONS.items():
        rows = list(model._base_manager.filter(filing=filing).order_by("pk"))
        files = _attachments(model, [row.pk for row in rows])
        data["sections"][key] = [
            {"fields": {name: as_text(row, name) for name in fields}, "attachments": files.get(row.pk, [])}
            for row in rows
        ]
    return data


def archive_filing(filing: AgencyFiling, user) -> FilingArchive:
    """Archive the filing as just approved by ``user``: the next version number of this filing."""
    last = FilingArchive.objects.filter(filing=filing).aggregate(last=Max("version"))["last"] or 0
    return FilingArchive.objects.create(
        filing=filing,
        version=last + 1,
        approved_at=filing.reviewed_at,
        approved_by=user,
        snapshot=snapshot(filing),
    )


def readable(archive: FilingArchive) -> dict:
    """The snapshot with the current language's labels, for the archive's page."""
    data = archive.snapshot
    agency_meta = AgencyFiling._meta.get_field("agency").related_model._meta
    company = [
        (agency_meta.get_field(name).verbose_name, data["agency"].get(name, "")) for name in AGENCY_FIELDS
    ] + [
        (AgencyFiling._meta.get_field(name).verbose_name, data["filing"].get(name, ""))
        for name in FILING_FIELDS
    ]
    sections = []
    for key, (model, fields) in SECTIONS.items():
        sections.append(
            {
                "key": key,
                "label": model._meta.verbose_name_plural,
                "headers": [model._meta.get_field(name).verbose_name for name in fields],
                "rows": [
                    {
                        "cells": [row["fields"].get(name, "") for name in fields],
                        "attachments": row["attachments"],
                    }
                    for row in data["sections"].get(key, [])
                ],
            }
        )
    return {"company": company, "attachments": data.get("attachments", []), "sections": sections}
