"""Shared fixtures. Tests run on whatever DATABASE_URL names, else SQLite."""

import pytest
from django.db import connection
from django.db.backends.sqlite3.base import DatabaseOperations as SQLiteOperations

from ledger.triggers import APPEND_ONLY_TABLES, create_sql, drop_sql
from tests import ledger_guard

on_postgres = pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL (DATABASE_URL)")


@pytest.fixture(autouse=True)
def _ledger_signing_key(settings, tmp_path_factory):
    """Each test session signs with its own throwaway key, never the developer's."""
    key_dir = tmp_path_factory.getbasetemp() / "ledger-key"
    settings.LEDGER_SIGNING_KEY = None
    settings.LEDGER_SIGNING_KEY_PATH = key_dir / "signing.key"
    settings.LEDGER_GENERATE_DEV_KEY = True


ledger_guard.install()


@pytest.fixture(autouse=True)
def _every_change_has_its_entry(request):
    """Fail any test in which the portal commits a domain change without its ledger entry."""
    if request.node.get_closest_marker("ledger_guard_off"):
        yield None
        return
    with ledger_guard.watching() as guard:
        yield guard
    if guard.violations:
        pytest.fail("changes without ledger entries (write through an action that calls ledger.append in the "
                    "same transaction; a model holding no public state may declare ledger_exempt = '<why>', "
                    "see tests/ledger_guard.py):\n" + "\n".join(guard.violations), pytrace=False)


@pytest.fixture
def ledger_owner():
    """Act as the tables' owner, who can switch the append-only triggers off.

    That is what the triggers and the app role's privileges exist to stop;
    tests use it to play an attacker with database access.
    """

    class Owner:
        def execute(self, sql, params=()):
            with connection.cursor() as cursor:
                for stmt in _owner_sql("off"):
                    cursor.execute(stmt)
                try:
                    cursor.execute(sql, params)
                finally:
                    for stmt in _owner_sql("on"):
                        cursor.execute(stmt)

    return Owner()


def _owner_sql(state):
    if connection.vendor == "postgresql":
        verb = "DISABLE" if state == "off" else "ENABLE"
        return [f"ALTER TABLE {t} {verb} TRIGGER USER" for t in APPEND_ONLY_TABLES]
    return drop_sql("sqlite") if state == "off" else create_sql("sqlite")


# Django empties SQLite test databases between transactional tests with DELETE,
# which the triggers refuse. The harness, as the database owner, lifts them
# for that reset only and restores them in the same transaction.
_sqlite_sql_flush = SQLiteOperations.sql_flush


def _sql_flush_keeping_triggers(self, style, tables, **kwargs):
    statements = _sqlite_sql_flush(self, style, tables, **kwargs)
    if any(t in APPEND_ONLY_TABLES for t in tables):
        return drop_sql("sqlite") + statements + create_sql("sqlite")
    return statements


SQLiteOperations.sql_flush = _sql_flush_keeping_triggers
