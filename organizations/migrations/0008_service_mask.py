"""Organization.service_mask: the fields of service as bits in the row, for the search filter.

Added with ALTER TABLE on both databases: Django would rebuild the table on
SQLite, which drops the full-text triggers (migration 0002). Filled from the
ServiceField rows; bit i stands for FIELD_CODES[i] as of this migration.
"""

from django.db import migrations, models

FIELD_CODES = ("poverty_relief", "rural_revitalization", "education", "health", "elderly", "children", "disability",
               "disaster_relief", "environment", "culture", "sports", "science", "community", "volunteering", "other")
FILL = (
    "UPDATE organizations_organization SET service_mask = (SELECT COALESCE(SUM(CASE f.field "
    + " ".join(f"WHEN '{code}' THEN {1 << i}" for i, code in enumerate(FIELD_CODES))
    + " ELSE 0 END), 0) FROM organizations_servicefield f WHERE f.organization_id = organizations_organization.id)"
)


def add_column(apps, schema_editor):
    schema_editor.execute("ALTER TABLE organizations_organization ADD COLUMN service_mask integer NOT NULL DEFAULT 0")
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE organizations_organization ALTER COLUMN service_mask DROP DEFAULT")
    schema_editor.execute(FILL)


def drop_column(apps, schema_editor):
    schema_editor.execute("ALTER TABLE organizations_organization DROP COLUMN service_mask")


class Migration(migrations.Migration):
    dependencies = [("organizations", "0007_province_type_index")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.AddField(
                model_name="organization", name="service_mask", field=models.IntegerField(default=0, editable=False))],
            database_operations=[migrations.RunPython(add_column, drop_column)],
        ),
    ]
