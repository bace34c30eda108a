from django.db import migrations

from donations.triggers import create_sql, drop_sql


def create(apps, schema_editor):
    for sql in create_sql(schema_editor.connection.vendor):
        schema_editor.execute(sql, params=None)


def drop(apps, schema_editor):
    for sql in drop_sql(schema_editor.connection.vendor):
        schema_editor.execute(sql, params=None)


class Migration(migrations.Migration):
    dependencies = [("donations", "0001_initial")]
    operations = [migrations.RunPython(create, drop)]
