"""Seed data: the seal-point types of GB 37822-2019 §8.1 with their dynamic/static class and
detection interval (§8.3.1), from the kernel ``lantian.ldar.standards.components``."""

from django.db import migrations


def load(apps, schema_editor):
    from lantian.ldar.seed import sync_seal_point_types

    sync_seal_point_types(apps.get_model("ldar", "SealPointType"))


class Migration(migrations.Migration):
    dependencies = [("ldar", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
