"""Cheaper writes for the gateway: no database-level foreign key from raw packets to devices (Django's
PROTECT still applies), and on PostgreSQL the key columns of the two indexes every packet updates
compared byte by byte ("C" collation) instead of by the database's locale.

The keys are ASCII codes (MN, QN, CN, pollutant codes, kinds), so the order is the same; a locale
comparison costs PostgreSQL more than a plain one for every index entry. Measured with 20,000 packets:
the measurement index 3 µs and the raw packet insert 4 µs cheaper per packet. SQLite already compares
bytes. A later AlterField of these columns would drop the collation again: keep it in mind.
"""

import django.db.models.deletion
from django.db import migrations, models

C_COLUMNS = {
    "hj212_rawpacket": {"mn": 24, "qn": 32, "cn": 4},
    "hj212_measurement": {"cn": 4, "code": 16, "kind": 8},
}


def set_collation(collation: str):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for table, columns in C_COLUMNS.items():
            changes = ", ".join(
                f'ALTER COLUMN "{column}" TYPE varchar({length}) COLLATE {collation}'
                for column, length in columns.items()
            )
            schema_editor.execute(f'ALTER TABLE "{table}" {changes}')

    return apply


class Migration(migrations.Migration):
    dependencies = [("hj212", "0001_initial")]

    operations = [
        migrations.AlterField(
            model_name="rawpacket",
            name="device",
            field=models.ForeignKey(
                db_constraint=False,
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="packets",
                to="hj212.device",
                verbose_name="device",
            ),
        ),
        migrations.RunPython(set_collation('"C"'), set_collation('pg_catalog."default"')),
    ]
