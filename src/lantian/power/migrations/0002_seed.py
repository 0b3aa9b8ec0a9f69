"""Seed the electricity code map and the default alarm rules (kept if an operator changed them)."""

from django.db import migrations

from lantian.power.seed import seed_code_map, seed_rules


def seed(apps, schema_editor):
    seed_code_map(apps.get_model("power", "CodeMapping"))
    seed_rules(apps.get_model("power", "AlarmRule"))


class Migration(migrations.Migration):
    dependencies = [("power", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
