from django.db import migrations


def seed(apps, schema_editor):
    from lantian.ops.seeds import seed_renhe_scheme

    seed_renhe_scheme(apps.get_model("ops", "AssessmentScheme"), apps.get_model("ops", "AssessmentRule"))


class Migration(migrations.Migration):
    dependencies = [("ops", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
