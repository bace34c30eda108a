"""verify_ledger finds every kind of tampering and names the first bad place."""

import hashlib

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from ledger import keys, note
from ledger.anchor import anchor
from ledger.models import Entry
from ledger.verify import verify_ledger
from tests.factories import append_entries

pytestmark = pytest.mark.django_db


@pytest.fixture
def ledger_600():
    append_entries(300)
    anchor()
    append_entries(300)
    anchor()
    append_entries(5)  # not yet anchored: still verified as a chain


def first_problem():
    report = verify_ledger()
    assert not report.ok
    with pytest.raises(CommandError) as exc:
        call_command("verify_ledger")
    assert report.problems[0] in str(exc.value)
    return report.problems[0]


def test_clean_ledger_verifies(ledger_600, capsys):
    report = verify_ledger()
    assert report.ok and report.entries == 605 and report.checkpoints == 2 and report.tiles == 2
    call_command("verify_ledger")
    assert "ledger verified" in capsys.readouterr().out


def test_changed_leaf(ledger_600, ledger_owner):
    ledger_owner.execute("UPDATE ledger_entry SET leaf = replace(leaf, '测试', '改过') WHERE seq = 417")
    assert first_problem() == "seq 417: leaf does not hash to entry_hash"


def test_changed_hash(ledger_600, ledger_owner):
    ledger_owner.execute("UPDATE ledger_entry SET entry_hash = %s WHERE seq = 12", ["ab" * 32])
    assert first_problem() == "seq 12: leaf does not hash to entry_hash"


def test_leaf_and_hash_changed_together_breaks_the_next_link(ledger_600, ledger_owner):
    leaf = Entry.objects.get(seq=30).leaf.replace("测试", "改过")
    h = hashlib.sha256(b"\x00" + leaf.encode()).hexdigest()
    ledger_owner.execute("UPDATE ledger_entry SET leaf = %s, entry_hash = %s WHERE seq = 30", [leaf, h])
    assert first_problem() == "seq 31: prev does not equal the entry_hash of the entry before"


def test_broken_prev(ledger_600, ledger_owner):
    ledger_owner.execute("UPDATE ledger_entry SET prev = %s WHERE seq = 99", ["cd" * 32])
    assert first_problem() == "seq 99: prev does not equal the entry_hash of the entry before"


def test_deleted_row(ledger_600, ledger_owner):
    ledger_owner.execute("DELETE FROM ledger_entry WHERE seq = 250")
    assert first_problem() == "seq 250: entry missing (deleted or never written)"


def test_deleted_last_rows_contradict_a_checkpoint(ledger_600, ledger_owner):
    ledger_owner.execute("DELETE FROM ledger_entry WHERE seq >= 590")
    assert first_problem() == "checkpoint 600: signs 600 entries but the ledger has 590"


def test_forged_checkpoint_signature(ledger_600, ledger_owner):
    forger = note.generate_signer(keys.signer().name)
    fake = note.sign_checkpoint(note.Checkpoint(forger.name, 300, bytes(32)), forger)
    ledger_owner.execute("UPDATE ledger_checkpoint SET note = %s WHERE size = 300", [fake])
    assert first_problem().startswith("checkpoint 300: signature does not verify")


def test_checkpoint_root_swapped(ledger_600, ledger_owner):
    ledger_owner.execute("UPDATE ledger_checkpoint SET root = %s WHERE size = 600", ["00" * 32])
    assert first_problem() == "checkpoint 600: signed note differs from the stored size or root"


def test_tampered_tile(ledger_600, ledger_owner):
    ledger_owner.execute("UPDATE ledger_tile SET root = hashes WHERE level = 0 AND \"index\" = 1")
    assert first_problem() == "tile 0/1: stored root differs from its hashes"


def test_tile_hashes_rewritten(ledger_600, ledger_owner):
    ledger_owner.execute("UPDATE ledger_tile SET hashes = %s WHERE level = 0 AND \"index\" = 0", [bytes(8192)])
    assert first_problem() == "tile 0/0: stored hashes differ from the entries"
