"""PostgreSQL: tell the planner that org_name_grams() is expensive per row.

With the default cost the planner would rather evaluate it on every row of a
sequential scan than read the GIN index that holds its result, which made a
one-character query take hundreds of milliseconds at 1M charities.
"""

from django.db import migrations


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER FUNCTION org_name_grams(text) COST 10000", params=None)
        # An earlier ordering by name length had its own index; relevance now orders by name.
        schema_editor.execute("DROP INDEX IF EXISTS org_rank_c", params=None)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER FUNCTION org_name_grams(text) COST 100", params=None)


class Migration(migrations.Migration):
    dependencies = [("organizations", "0004_recognized_order_index")]

    operations = [migrations.RunPython(forward, backward)]
