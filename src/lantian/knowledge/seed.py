"""The seed entries of the knowledge base (``data/seed_documents.json``), loaded by a data migration."""

import datetime
import json
from pathlib import Path

SEED_FILE = Path(__file__).parent / "data" / "seed_documents.json"
FIELDS = ("title", "category", "issuer", "issued_on", "effective_on", "keywords", "summary")


def read_seed(path: Path = SEED_FILE) -> list[dict]:
    rows = []
    for entry in json.loads(path.read_text(encoding="utf-8"))["documents"]:
        row = {key: value for key, value in entry.items() if not key.startswith("_")}
        for name in ("issued_on", "effective_on"):
            row[name] = datetime.date.fromisoformat(row[name]) if row.get(name) else None
        rows.append(row)
    return rows


def load_seed(document_model, rows: list[dict] | None = None) -> int:
    """Create the seed entries that are missing (found by number); entries already there, perhaps
    edited by an administrator, are left as they are. Returns how many were created.

    Takes the model class so that the data migration can pass its historical model.
    """
    rows = read_seed() if rows is None else rows
    present = set(
        document_model.objects.filter(number__in=[r["number"] for r in rows]).values_list("number", flat=True)
    )
    missing = [
        document_model(number=row["number"], **{name: row.get(name) or _empty(name) for name in FIELDS})
        for row in rows
        if row["number"] not in present
    ]
    document_model.objects.bulk_create(missing)
    return len(missing)


def _empty(name: str):
    return None if name.endswith("_on") else ""
