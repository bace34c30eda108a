"""Periodic tasks raise alerts; the donor proof builder emits a C2SP tlog-proof that verifies."""

import pytest

from ledger import keys, merkle, note, proofs
from ledger.models import Alert, Checkpoint
from ledger.tasks import anchor_ledger, verify_ledger
from tests.factories import append_entries

pytestmark = pytest.mark.django_db


def test_anchor_task_signs_and_verify_task_passes():
    append_entries(4)
    assert anchor_ledger.apply().get() == 4
    assert Checkpoint.objects.get().size == 4
    assert verify_ledger.apply().get() is True
    assert not Alert.objects.exists()


def test_verify_task_raises_an_alert_naming_the_entry(ledger_owner, caplog):
    append_entries(4)
    anchor_ledger.apply()
    ledger_owner.execute("UPDATE ledger_entry SET leaf = replace(leaf, '测试', '改过') WHERE seq = 2")
    assert verify_ledger.apply().get() is False
    alert = Alert.objects.get()
    assert alert.source == "verify" and "seq 2" in alert.message
    assert any(r.levelname == "CRITICAL" and "seq 2" in r.getMessage() for r in caplog.records)


def test_receipt_proof_waits_for_an_anchor_then_verifies():
    entries = append_entries(9)
    with pytest.raises(proofs.ProofUnavailable):
        proofs.receipt_proof(entries[5].seq)
    anchor_ledger.apply()
    text = proofs.receipt_proof(entries[5].seq)
    parsed = note.parse_tlog_proof(text)
    assert text.startswith("c2sp.org/tlog-proof@v1\nextra ")
    assert parsed.index == 5 and parsed.extra == entries[5].leaf.encode()
    cp = note.verify_checkpoint(parsed.checkpoint_note, keys.verifiers())
    merkle.verify_inclusion(merkle.leaf_hash(parsed.extra), parsed.index, cp.size, parsed.hashes, cp.root)
    tampered = note.parse_tlog_proof(text.replace("index 5", "index 4"))
    with pytest.raises(merkle.ProofError):
        merkle.verify_inclusion(merkle.leaf_hash(tampered.extra), tampered.index, cp.size, tampered.hashes, cp.root)
