"""Fewer indexes on ledger_entry: every append writes into each of them.

- prev stays UNIQUE (LEDGER_SPEC §1.3), as a constraint: `unique=True` also
  made a varchar_pattern_ops copy on PostgreSQL, for LIKE 'abc%' searches
  that nothing does on hashes.
- entry_hash loses its unique index and that copy: nothing looks an entry up
  by its hash, and prev UNIQUE already rules out a fork.
- PostgreSQL: prev and entry_hash compare in the "C" collation. Hex sorts
  the same bytewise, and "C" skips the locale's collation routines on every
  index insert. (Not in the model state: SQLite has no "C" collation.)

On SQLite, Django rebuilds the table to change it, which drops its
append-only triggers; they are created again here.
"""

from django.db import migrations, models

from ledger.triggers import create_sql

PG_COLLATE_C = [
    'ALTER TABLE ledger_entry ALTER COLUMN prev TYPE varchar(64) COLLATE "C"',
    'ALTER TABLE ledger_entry ALTER COLUMN entry_hash TYPE varchar(64) COLLATE "C"',
]
PG_DEFAULT_COLLATION = [
    "ALTER TABLE ledger_entry ALTER COLUMN prev TYPE varchar(64) COLLATE pg_catalog.\"default\"",
    "ALTER TABLE ledger_entry ALTER COLUMN entry_hash TYPE varchar(64) COLLATE pg_catalog.\"default\"",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        vendor = schema_editor.connection.vendor
        if vendor == "sqlite":
            statements = create_sql("sqlite")
        else:
            statements = statements_by_vendor.get(vendor, [])
        for sql in statements:
            schema_editor.execute(sql, params=None)
    return run


class Migration(migrations.Migration):
    dependencies = [("ledger", "0002_append_only_triggers")]

    operations = [
        migrations.AlterField(model_name="entry", name="entry_hash", field=models.CharField(max_length=64)),
        migrations.AlterField(model_name="entry", name="prev", field=models.CharField(max_length=64)),
        migrations.AddConstraint(
            model_name="entry",
            constraint=models.UniqueConstraint(fields=("prev",), name="ledger_entry_prev_unique"),
        ),
        migrations.RunPython(_run({"postgresql": PG_COLLATE_C}), _run({"postgresql": PG_DEFAULT_COLLATION})),
    ]
