"""The database itself refuses to rewrite the ledger (LEDGER_SPEC §1.3)."""

import pytest
from django.db import DatabaseError, IntegrityError, connection, transaction

from ledger.anchor import anchor
from tests.factories import append_entries

pytestmark = pytest.mark.django_db


def _refused(sql):
    with pytest.raises(DatabaseError) as exc:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql)
    assert "append-only" in str(exc.value)


@pytest.mark.parametrize("sql", [
    "UPDATE ledger_entry SET leaf = 'x' WHERE seq = 0",
    "UPDATE ledger_entry SET entry_hash = prev",
    "DELETE FROM ledger_entry WHERE seq = 299",
    "DELETE FROM ledger_entry",
    "UPDATE ledger_checkpoint SET root = 'x'",
    "DELETE FROM ledger_checkpoint",
    "UPDATE ledger_tile SET root = hashes",
    "DELETE FROM ledger_tile",
])
def test_update_and_delete_are_refused(sql):
    append_entries(300)
    assert anchor().size == 300
    _refused(sql)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM ledger_entry")
        assert cursor.fetchone()[0] == 300


def test_seq_and_prev_are_unique_so_the_chain_cannot_fork():
    first = append_entries(2)
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("INSERT INTO ledger_entry (seq, prev, entry_hash, leaf, kind, subject, actor, time) "
                       "VALUES (1, %s, %s, '{}', 'a.b', 'a/b', 'system', '2026-01-01T00:00:00Z')",
                       ["f" * 64, "e" * 64])
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("INSERT INTO ledger_entry (seq, prev, entry_hash, leaf, kind, subject, actor, time) "
                       "VALUES (2, %s, %s, '{}', 'a.b', 'a/b', 'system', '2026-01-01T00:00:00Z')",
                       [first[0].entry_hash, "e" * 64])
