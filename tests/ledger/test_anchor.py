"""Anchoring: signed checkpoints, idempotence, refusal after tampering, key rotation."""

import hashlib
import json
import threading

import pytest
from django.db import connection, connections

from ledger import canonical, keys, merkle, note
from ledger.anchor import anchor
from ledger.models import Alert, Checkpoint, Entry
from ledger.verify import verify_ledger
from tests.factories import append_entries

pytestmark = pytest.mark.django_db


def test_first_run_signs_the_empty_tree():
    cp = anchor()
    assert cp.size == 0
    parsed = note.verify_checkpoint(cp.note, keys.verifiers())
    assert parsed.root == merkle.EMPTY_ROOT and parsed.origin == keys.signer().name


def test_checkpoint_note_format_and_root():
    hashes = [bytes.fromhex(a.entry_hash) for a in append_entries(5)]
    cp = anchor()
    lines = cp.note.split("\n")
    assert lines[0] == keys.signer().name and lines[1] == "5" and lines[3] == "" and lines[-1] == ""
    assert lines[4].startswith("\u2014 " + keys.signer().name + " ")
    assert note.unb64(lines[2]) == merkle.MemoryTree(hashes).root()
    assert note.verify_checkpoint(cp.note, keys.verifiers()).size == 5


def test_repeated_runs_do_not_sign_the_same_size_twice():
    append_entries(3)
    first = anchor()
    assert anchor().pk == first.pk
    append_entries(2)
    assert anchor().size == 5
    assert list(Checkpoint.objects.order_by("size").values_list("size", flat=True)) == [3, 5]


def test_refuses_when_signed_history_was_rewritten_consistently(ledger_owner):
    """An attacker rewrites entry 4 and re-chains every later entry: only the
    consistency proof against the last checkpoint can notice."""
    append_entries(10)
    anchor()
    prev = Entry.objects.get(seq=3).entry_hash
    for seq in range(4, 10):
        entry = json.loads(Entry.objects.get(seq=seq).leaf)
        entry["prev"] = prev
        if seq == 4:
            entry["data"]["note"] = "篡改"
        leaf = canonical.dumps(entry)
        new_hash = hashlib.sha256(b"\x00" + leaf.encode()).hexdigest()
        ledger_owner.execute("UPDATE ledger_entry SET leaf = %s, entry_hash = %s, prev = %s WHERE seq = %s",
                             [leaf, new_hash, prev, seq])
        prev = new_hash
    append_entries(3)
    assert anchor() is None
    assert Checkpoint.objects.count() == 1
    alert = Alert.objects.get()
    assert alert.source == "anchor" and "not an extension of checkpoint 10" in alert.message


def test_refuses_when_a_new_leaf_does_not_match_its_hash(ledger_owner):
    append_entries(3)
    anchor()
    append_entries(3)
    ledger_owner.execute("UPDATE ledger_entry SET leaf = replace(leaf, '测试', '篡改') WHERE seq = 4")
    assert anchor() is None
    assert "entry 4" in Alert.objects.get().message
    assert Checkpoint.objects.count() == 1


def test_refuses_when_rows_disappeared(ledger_owner):
    append_entries(6)
    anchor()
    ledger_owner.execute("DELETE FROM ledger_entry WHERE seq = 5")
    assert anchor() is None
    assert "fewer" in Alert.objects.get().message


def test_key_rotation_keeps_old_checkpoints_verifiable(settings, tmp_path):
    append_entries(2)
    old = anchor()
    old_verifier = keys.signer().verifier
    settings.LEDGER_SIGNING_KEY_PATH = tmp_path / "new.key"
    settings.LEDGER_OLD_VERIFIER_KEYS = [old_verifier.text]
    append_entries(2)
    new = anchor()
    assert keys.verifiers()[0] != old_verifier and keys.verifiers()[1] == old_verifier
    assert note.verify_checkpoint(old.note, keys.verifiers()).size == 2
    assert note.verify_checkpoint(new.note, keys.verifiers()).size == 4
    assert new.key_id != old.key_id
    assert verify_ledger().ok
    settings.LEDGER_OLD_VERIFIER_KEYS = []
    report = verify_ledger()
    assert not report.ok and report.problems[0].startswith("checkpoint 2")


@pytest.mark.django_db(transaction=True)
def test_concurrent_anchor_runs_are_harmless():
    append_entries(300)
    results, errors = [], []

    def run():
        try:
            cp = anchor()
            results.append(cp.size if cp else None)
        except Exception as exc:  # surfaced below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert results == [300] * 4
    assert Checkpoint.objects.count() == 1
    assert not Alert.objects.exists()
    assert verify_ledger().ok
    assert connection.vendor in ("sqlite", "postgresql")
