"""The seed entries of the knowledge base (data/seed_documents.json): every installation gets them."""

from django.db import migrations


def load(apps, schema_editor):
    from lantian.knowledge.seed import load_seed

    load_seed(apps.get_model("knowledge", "Document"))


class Migration(migrations.Migration):
    dependencies = [("knowledge", "0002_text_storage")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
