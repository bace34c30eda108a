"""Print the SQL that gives the portal's runtime role its privileges (LEDGER_SPEC §1.3).

The migrations run as the owner role; the portal runs as a role that owns no
table, so it can neither disable the append-only triggers nor TRUNCATE, and on
ledger tables holds only SELECT and INSERT. Re-run after every migration that
adds tables, as the owner: `manage.py ledger_grants --role portal_app | psql ...`.
"""

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from ledger.triggers import APPEND_ONLY_TABLES

INSERT_ONLY = set(APPEND_ONLY_TABLES) | {"ledger_alert"}


def grant_sql(role, tables):
    quoted = connection.ops.quote_name(role)
    sql = [f"GRANT USAGE ON SCHEMA public TO {quoted};"]
    for table in sorted(tables):
        t = connection.ops.quote_name(table)
        sql.append(f"REVOKE ALL ON {t} FROM {quoted};")
        privileges = "SELECT, INSERT" if table in INSERT_ONLY else "SELECT, INSERT, UPDATE, DELETE"
        sql.append(f"GRANT {privileges} ON {t} TO {quoted};")
    sql.append(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {quoted};")
    return sql


class Command(BaseCommand):
    help = "Print GRANT statements for the runtime database role (PostgreSQL)."

    def add_arguments(self, parser):
        parser.add_argument("--role", required=True, help="the role the portal connects as, e.g. portal_app")

    def handle(self, *args, role, **options):
        if connection.vendor != "postgresql":
            raise CommandError("database roles apply to PostgreSQL; SQLite has no roles")
        for statement in grant_sql(role, connection.introspection.table_names()):
            self.stdout.write(statement)
