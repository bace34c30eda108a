"""ledger.append / append_many: canonical leaves, chaining, atomicity, refusals."""

import hashlib
import json

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import ledger
from ledger import canonical
from ledger.chain import LedgerError, build_leaf
from ledger.chain import _fragments as fragments
from ledger.models import ZERO_HASH, Entry
from tests.factories import append_entries

pytestmark = pytest.mark.django_db


def test_first_entry_links_to_zero_and_leaf_is_canonical():
    with transaction.atomic():
        a = ledger.append("organization.registered", "organization/91350100M000100Y43", "staff/clerk1",
                          {"name": "福州希望基金会", "amount_fen": 1200})
    row = Entry.objects.get(seq=0)
    assert a.seq == 0 and row.prev == ZERO_HASH
    entry = json.loads(row.leaf)
    assert set(entry) == {"v", "seq", "prev", "time", "kind", "subject", "actor", "data"}
    assert entry["v"] == 1 and entry["seq"] == 0 and entry["prev"] == ZERO_HASH
    assert canonical.dumps(entry) == row.leaf
    assert row.entry_hash == hashlib.sha256(b"\x00" + row.leaf.encode()).hexdigest() == a.entry_hash
    assert entry["time"].endswith("Z") and len(entry["time"]) == 27


def test_entries_chain_in_order_single_and_batch():
    singles = append_entries(3, batch=False)
    batch = append_entries(5, batch=True)
    rows = list(Entry.objects.order_by("seq"))
    assert [r.seq for r in rows] == list(range(8))
    for before, after in zip(rows, rows[1:]):
        assert after.prev == before.entry_hash
        assert json.loads(after.leaf)["prev"] == before.entry_hash
    assert [a.seq for a in singles + batch] == list(range(8))


def test_change_and_entry_commit_together_or_not_at_all():
    with pytest.raises(RuntimeError):
        with transaction.atomic():
            ledger.append("test.event", "test/x", "system", {})
            raise RuntimeError("the change failed after its entry was written")
    assert not Entry.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_append_outside_a_transaction_is_refused():
    with pytest.raises(LedgerError, match="transaction.atomic"):
        ledger.append("test.event", "test/x", "system", {})
    assert not Entry.objects.exists()


@pytest.mark.parametrize("kind,subject,actor,data", [
    ("Organization Registered", "organization/1", "system", {}),
    ("organization", "organization/1", "system", {}),
    ("a.b", "no-slash", "system", {}),
    ("a.b", "organization/ spaced", "system", {}),
    ("a.b", "organization/1", "someone", {}),
    ("a.b", "organization/1", "system", {"amount": 1.5}),
    ("a.b", "organization/1", "system", {"名": 1}),
    ("a.b", "organization/1", "system", ["not", "an", "object"]),
    ("a.b", "organization/1", "system", {"doc": "x" * 70000}),
])
def test_bad_entries_are_refused_and_nothing_written(kind, subject, actor, data):
    with pytest.raises(LedgerError):
        with transaction.atomic():
            ledger.append(kind, subject, actor, data)
    with pytest.raises(LedgerError):
        with transaction.atomic():
            ledger.append_many([("test.ok", "test/1", "system", {}), (kind, subject, actor, data)])
    assert not Entry.objects.exists()


def test_batch_takes_the_head_lock_once():
    with CaptureQueriesContext(connection) as queries:
        append_entries(50)
    locks = [q for q in queries.captured_queries if "pg_advisory_xact_lock" in q["sql"]]
    assert len(locks) == (1 if connection.vendor == "postgresql" else 0)
    inserts = [q for q in queries.captured_queries if "ledger_entry" in q["sql"] and "INSERT" in q["sql"].upper()]
    assert len(inserts) <= 1  # one executemany (COPY on PostgreSQL is not an INSERT)
    assert Entry.objects.count() == 50


ascii_keys = st.text(alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=8)
values = st.recursive(st.none() | st.booleans() | st.integers(-(2**53 - 1), 2**53 - 1) | st.text(max_size=20).filter(
    lambda s: not any(0xD800 <= ord(c) <= 0xDFFF for c in s)),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(ascii_keys, inner, max_size=4), max_leaves=15)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.dictionaries(ascii_keys, values, max_size=6), seq=st.integers(0, 2**53 - 1),
       subject=st.from_regex(r"[a-z]+/[A-Z0-9\-]{1,20}", fullmatch=True))
def test_leaf_fragments_equal_canonical_serialisation(data, seq, subject):
    head, middle = fragments("donation.recorded", subject, "platform/P1", data)
    prev = hashlib.sha256(str(seq).encode()).hexdigest()
    time = "2026-11-27T07:19:35.123456Z"
    full = {"v": 1, "seq": seq, "prev": prev, "time": time, "kind": "donation.recorded", "subject": subject,
            "actor": "platform/P1", "data": data}
    assert build_leaf(head, middle, prev, seq, time) == canonical.dumps(full)
