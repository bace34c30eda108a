"""PostgreSQL: the search key in code-point order, the order of relevance within a tier.

A name prefix is one range of this index, and any other substring is spread
evenly through it, so a page of a broad result is a short index walk.
"""

from django.db import migrations

T = "organizations_organization"


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f'CREATE INDEX org_search_key_c ON {T} ((search_text COLLATE "C"))', params=None)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS org_search_key_c", params=None)


class Migration(migrations.Migration):
    dependencies = [("organizations", "0005_name_grams_cost")]

    operations = [migrations.RunPython(forward, backward)]
