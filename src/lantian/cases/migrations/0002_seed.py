"""The seed workflows (standard and fast, published as version 1) and categories of data/*.json."""

from django.db import migrations


def load(apps, schema_editor):
    from lantian.cases.seed import load_seed

    load_seed(
        apps.get_model("cases", "Workflow"),
        apps.get_model("cases", "WorkflowVersion"),
        apps.get_model("cases", "Category"),
    )


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
