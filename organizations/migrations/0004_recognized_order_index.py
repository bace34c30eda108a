"""PostgreSQL: an index in the order of the "recognition date, newest first" sort,
so a page of a broad result is an index walk rather than a sort of every match."""

from django.db import migrations

T = "organizations_organization"


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"CREATE INDEX org_recognized_desc ON {T} (recognized_on DESC NULLS LAST, uscc)",
                              params=None)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS org_recognized_desc", params=None)


class Migration(migrations.Migration):
    dependencies = [("organizations", "0003_registry_clerk_group")]

    operations = [migrations.RunPython(forward, backward)]
