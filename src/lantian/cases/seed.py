"""The workflows and categories every installation starts with (data/*.json), loaded by a data
migration: what is missing is created, what an administrator has changed is left alone."""

import json
from pathlib import Path

from django.utils import timezone

DATA = Path(__file__).parent / "data"


def read(name: str) -> dict:
    return json.loads((DATA / name).read_text(encoding="utf-8"))


def load_seed(workflow_model, version_model, category_model) -> int:
    """Create the seed workflows (published as version 1) and categories that are missing; returns
    how many rows were created. Takes the model classes so that the migration can pass its own."""
    created = 0
    workflows = {}
    for spec in read("workflows.json")["workflows"]:
        workflow = workflow_model.objects.filter(code=spec["code"]).first()
        if workflow is None:
            workflow = workflow_model.objects.create(
                code=spec["code"], name=spec["name"], description=spec["description"]
            )
            version = version_model.objects.create(
                workflow=workflow, number=1, definition=spec["definition"], published_at=timezone.now()
            )
            workflow.published = version
            workflow.save(update_fields=["published"])
            created += 2
        workflows[spec["code"]] = workflow
    existing = set(category_model.objects.values_list("code", flat=True))
    parents = {}
    for row in read("categories.json")["categories"]:
        if row["code"] in existing:
            continue
        category = category_model.objects.create(
            code=row["code"],
            kind=row["kind"],
            name=row["name"],
            parent=parents.get(row.get("parent"))
            or category_model.objects.filter(code=row.get("parent")).first(),
            workflow=workflows.get(row.get("workflow")),
            step_limits=row.get("step_limits", {}),
            closing_condition=row.get("closing_condition", ""),
        )
        parents[row["code"]] = category
        created += 1
    return created
