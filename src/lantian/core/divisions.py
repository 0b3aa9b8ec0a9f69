"""Loads the GB/T 2260 administrative divisions from ``data/divisions/divisions.csv``."""

import csv
from pathlib import Path

DIVISIONS_FILE = Path(__file__).parent / "data" / "divisions" / "divisions.csv"


def read_divisions(path: Path = DIVISIONS_FILE) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def sync_divisions(division_model, rows: list[dict] | None = None) -> int:
    """Create or update every division of the data file, parents first. Returns the rows written.

    Takes the model class so the data migration can pass its historical model.
    """
    rows = read_divisions() if rows is None else rows
    by_code = {d.code: d for d in division_model.objects.all()}
    written = 0
    for row in sorted(rows, key=lambda r: (r["parent_code"] != "", len(r["parent_code"]), r["code"])):
        parent = by_code.get(row["parent_code"]) if row["parent_code"] else None
        if row["parent_code"] and parent is None:
            raise ValueError(f"Division {row['code']}: parent {row['parent_code']} is not in the data file.")
        current = by_code.get(row["code"])
        wanted = {"name": row["name"], "level": row["level"], "parent": parent}
        if current is None:
            by_code[row["code"]] = division_model.objects.create(code=row["code"], **wanted)
            written += 1
        elif any(getattr(current, k) != v for k, v in wanted.items()):
            for key, value in wanted.items():
                setattr(current, key, value)
            current.save()
            written += 1
    return written
