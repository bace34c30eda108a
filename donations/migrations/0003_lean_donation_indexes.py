"""Fewer indexes on donations_donation: every batch of donations writes into each of them.

campaign_id and platform_id lose their own indexes, which (campaign_id,
donated_at) and (platform_id, external_id) already lead with; the receipt
number stays UNIQUE by a constraint, without the LIKE-pattern copy
`unique=True` made on PostgreSQL. On SQLite, Django rebuilds the table to
change it: the fund triggers (one of which, on refunds, names this table)
are dropped first and created again after.
"""

import django.db.models.deletion
from django.db import migrations, models

from donations.triggers import create_sql, drop_sql


def _on_sqlite(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "sqlite":
            for sql in statements("sqlite"):
                schema_editor.execute(sql, params=None)
    return run


drop_sqlite_triggers, create_sqlite_triggers = _on_sqlite(drop_sql), _on_sqlite(create_sql)


class Migration(migrations.Migration):

    dependencies = [
        ('donations', '0002_fund_triggers'),
        ('fundraising', '0003_platform_contact_optional'),
        ('organizations', '0007_province_type_index'),
    ]

    operations = [
        migrations.RunPython(drop_sqlite_triggers, create_sqlite_triggers),
        migrations.AlterField(
            model_name='donation',
            name='campaign',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='donations', to='fundraising.campaign'),
        ),
        migrations.AlterField(
            model_name='donation',
            name='platform',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='donations', to='fundraising.platform'),
        ),
        migrations.AlterField(
            model_name='donation',
            name='receipt_no',
            field=models.CharField(max_length=14, verbose_name='receipt number'),
        ),
        migrations.AddConstraint(
            model_name='donation',
            constraint=models.UniqueConstraint(fields=('receipt_no',), name='donations_donation_receipt_no_unique'),
        ),
        migrations.RunPython(create_sqlite_triggers, drop_sqlite_triggers),
    ]
