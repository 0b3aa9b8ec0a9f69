"""The seeded reference data: the code map (``data/code_map.csv``) and the default alarm rules
(``data/rules.json``). Existing rows are kept: an operator's changes win."""

import csv
import datetime
import json
from pathlib import Path

DATA = Path(__file__).parent / "data"


def code_map_rows() -> list[dict]:
    with open(DATA / "code_map.csv", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def seed_code_map(model) -> int:
    known = set(model.objects.values_list("code", flat=True))
    rows = [
        model(code=row["code"], quantity=row["quantity"], factor=float(row["factor"]), source=row["source"])
        for row in code_map_rows()
        if row["code"] not in known
    ]
    model.objects.bulk_create(rows)
    return len(rows)


def seed_rules(model) -> int:
    rules = json.loads((DATA / "rules.json").read_text(encoding="utf-8"))
    known = set(model.objects.values_list("code", flat=True))
    for rule in rules:
        for name in ("night_start", "night_end"):
            if name in rule:
                rule[name] = datetime.time.fromisoformat(rule[name])
    rows = [model(**rule) for rule in rules if rule["code"] not in known]
    model.objects.bulk_create(rows)
    return len(rows)
