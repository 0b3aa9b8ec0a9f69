"""An index on the readings' time: the jobs read every point's readings of a time window. A BRIN
index on PostgreSQL (readings arrive in time order: a few pages per partition), a b-tree on SQLite."""

from django.db import migrations


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("CREATE INDEX power_reading_time ON power_reading USING brin (time)")
    else:
        schema_editor.execute("CREATE INDEX power_reading_time ON power_reading (time)")


def drop_index(apps, schema_editor):
    schema_editor.execute("DROP INDEX power_reading_time")


class Migration(migrations.Migration):
    dependencies = [("power", "0002_seed")]

    operations = [migrations.RunPython(create_index, drop_index)]
