from django.db import migrations


def load(apps, schema_editor):
    from lantian.core.divisions import sync_divisions

    sync_divisions(apps.get_model("core", "Division"))


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
