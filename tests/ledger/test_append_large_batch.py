"""Large append_many batches: on PostgreSQL each entry is checked while the ones
before it are being copied, so a bad entry is found midway through the COPY.
The outcome must be the same as for a small batch: a LedgerError, nothing
written, and a transaction that can go on."""

import hashlib
import json

import pytest
from django.db import transaction

import ledger
from ledger import canonical
from ledger.chain import CHECK_WHILE_COPYING, LedgerError
from ledger.models import Entry
from ledger.verify import verify_ledger

pytestmark = pytest.mark.django_db

SIZE = CHECK_WHILE_COPYING * 3


def items(n, start=0):
    return [("donation.recorded", f"donation/R-{i:06d}", "platform/P-0007",
             {"amount_fen": 100 + i, "purpose": "乡村儿童营养餐", "note": 'quote " and back\\slash\ttab'})
            for i in range(start, start + n)]


def test_large_batch_chains_canonical_leaves():
    with transaction.atomic():
        out = ledger.append_many(items(SIZE))
    rows = list(Entry.objects.order_by("seq").values_list("seq", "prev", "entry_hash", "leaf"))
    assert [r[0] for r in rows] == list(range(SIZE)) == [a.seq for a in out]
    for (_, _, entry_hash, leaf), appended in zip(rows, out):
        assert leaf == appended.leaf and entry_hash == appended.entry_hash
        assert entry_hash == hashlib.sha256(b"\x00" + leaf.encode()).hexdigest()
        assert canonical.dumps(json.loads(leaf)) == leaf
        assert json.loads(leaf)["data"]["note"] == 'quote " and back\\slash\ttab'
    assert all(rows[i][1] == rows[i - 1][2] for i in range(1, SIZE))
    assert verify_ledger().ok


@pytest.mark.parametrize("where", [0, SIZE // 2, SIZE - 1])
def test_bad_entry_in_large_batch_writes_nothing_and_the_transaction_goes_on(where):
    batch = items(SIZE)
    batch[where] = ("donation.recorded", "donation/R-bad", "platform/P-0007", {"amount": 1.5})
    with transaction.atomic():
        with pytest.raises(LedgerError, match="floats are not allowed"):
            ledger.append_many(batch)
        assert not Entry.objects.exists()
        out = ledger.append_many(items(SIZE, start=SIZE))
    assert out[0].seq == 0 and Entry.objects.count() == SIZE
    assert verify_ledger().ok
