"""Production roles: the runtime role cannot rewrite, truncate or unguard the ledger (PostgreSQL)."""

import psycopg2
import pytest
from django.core.management import call_command
from django.db import connection

from ledger.anchor import anchor
from tests.conftest import on_postgres
from tests.factories import append_entries

ROLE = "portal_app_test"


@on_postgres
@pytest.mark.django_db(transaction=True)
def test_runtime_role_has_select_and_insert_only(capsys):
    append_entries(3)
    anchor()
    with connection.cursor() as cursor:
        cursor.execute(f"DROP ROLE IF EXISTS {ROLE}")
        cursor.execute(f"CREATE ROLE {ROLE} LOGIN")
    try:
        call_command("ledger_grants", role=ROLE)
        with connection.cursor() as cursor:
            for statement in capsys.readouterr().out.splitlines():
                cursor.execute(statement)
        params = connection.get_connection_params()
        app = psycopg2.connect(dbname=params["dbname"], host=params.get("host"), port=params.get("port"), user=ROLE)
        app.autocommit = True
        cur = app.cursor()
        cur.execute("SELECT count(*) FROM ledger_entry")
        assert cur.fetchone()[0] == 3
        for sql in ["UPDATE ledger_entry SET kind = 'x'", "DELETE FROM ledger_entry", "TRUNCATE ledger_entry",
                    "TRUNCATE ledger_checkpoint", "ALTER TABLE ledger_entry DISABLE TRIGGER USER",
                    "UPDATE ledger_tile SET root = hashes", "DELETE FROM ledger_checkpoint"]:
            with pytest.raises(psycopg2.Error) as exc:
                cur.execute(sql)
            assert exc.value.pgcode in ("42501",), sql  # insufficient_privilege, or not the owner
        cur.execute("SELECT count(*) FROM organizations_organization")  # domain tables stay usable
        app.close()
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM ledger_entry")
            assert cursor.fetchone()[0] == 3
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP OWNED BY {ROLE}")
            cursor.execute(f"DROP ROLE {ROLE}")
