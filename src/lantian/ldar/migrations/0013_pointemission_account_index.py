from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("ldar", "0012_pointemission_one_index_no_constraints"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="pointemission", name="ldar_point_emission_account"),
        migrations.AddIndex(
            model_name="pointemission",
            index=models.Index(fields=["account"], name="ldar_point_emission_account"),
        ),
    ]
