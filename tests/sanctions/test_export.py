"""The daily export: rows from the ledger at a signed checkpoint, provably complete and unaltered."""

import base64
import copy
import csv
import io
import json
import random
from datetime import date

import pytest

from ledger import anchor, merkle
from ledger.keys import verifiers
from ledger.models import Entry
from sanctions import actions, export, tasks
from sanctions.verify_export import ExportError, merkle_root, verify
from tests.factories import append_entries, impose

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def leaves(size):
    return list(Entry.objects.filter(seq__lt=size).order_by("seq").values_list("leaf", flat=True))


def scenario():
    append_entries(3)  # other apps' entries interleave
    listed = impose(effective_on=date(2026, 1, 1))
    removed = impose(effective_on=date(2026, 1, 1))
    actions.remove("staff/officer", removed, reason="rectified", note="已整改", removed_on=date(2026, 2, 1))
    future = impose(list_kind="red", ground="honour", effective_on=date(2099, 1, 1))
    person = impose(subject_type="person", list_kind="serious", ground="donation_fraud", effective_on=date(2026, 1, 1))
    return listed, removed, future, person


def test_export_lists_what_is_in_force_with_its_latest_entry():
    listed, removed, future, person = scenario()
    cp = anchor.anchor()
    doc = export.build(date(2026, 3, 1), cp)
    assert [r["decision_id"] for r in doc["rows"]] == sorted([listed.public_id, person.public_id])
    row = next(r for r in doc["rows"] if r["decision_id"] == listed.public_id)
    latest = Entry.objects.filter(subject=listed.ledger_subject).order_by("-seq").first()
    assert (row["seq"], row["entry_hash"]) == (latest.seq, latest.entry_hash)
    assert row["party"] == listed.subject and row["list"] == "abnormal"
    assert doc["checkpoint"] == {"size": cp.size, "root": cp.root, "note": cp.note}
    assert doc["sanction_entries"] == 5
    verify(doc, leaves(cp.size), verifiers()[0].text)


def test_recipient_detects_any_change():
    scenario()
    cp = anchor.anchor()
    doc = export.build(date(2026, 3, 1), cp)
    key = verifiers()[0].text
    all_leaves = leaves(cp.size)

    dropped = copy.deepcopy(doc)
    dropped["rows"].pop()
    changed = copy.deepcopy(doc)
    changed["rows"][0]["party_name"] = "别的名字"
    added = copy.deepcopy(doc)
    added["rows"].append(dict(doc["rows"][0], decision_id="S2026-999999"))
    other_root = copy.deepcopy(doc)
    other_root["checkpoint"]["root"] = "00" * 32
    for bad in (dropped, changed, added, other_root):
        with pytest.raises(ExportError):
            verify(bad, all_leaves, key)
    forged = list(all_leaves)
    forged[3] = forged[3].replace("in_force", "removed")
    with pytest.raises(ExportError, match="signed root"):
        verify(doc, forged, key)
    with pytest.raises(ExportError, match="exactly"):
        verify(doc, all_leaves[:-1], key)
    from ledger.note import generate_signer

    with pytest.raises(ExportError, match="no signature"):
        verify(doc, all_leaves, generate_signer("someone-else").verifier.text)


def naive_mth(hashes):
    """RFC 9162 §2.1.1 as written: split at the largest power of two smaller than n."""
    if len(hashes) == 1:
        return hashes[0]
    k = 1
    while k * 2 < len(hashes):
        k *= 2
    return merkle.node_hash(naive_mth(hashes[:k]), naive_mth(hashes[k:]))


def test_stand_alone_merkle_root_matches_rfc_9162():
    rng = random.Random(7)
    for size in [1, 2, 3, 5, 7, 8, 13, 255, 256, 257, 1000]:
        hashes = [rng.randbytes(32) for _ in range(size)]
        assert merkle_root(hashes) == naive_mth(hashes), size
    assert merkle_root([]) == merkle.EMPTY_ROOT


def test_daily_task_writes_csv_and_json_once(client):
    listed, *_ = scenario()
    result = tasks.write_export("2026-03-01")
    assert result["rows"] == 2
    doc = json.loads(export.export_path(date(2026, 3, 1), "json").read_text())
    text = export.export_path(date(2026, 3, 1), "csv").read_text()
    head = [line for line in text.splitlines() if line.startswith("#")]
    assert head[0] == "# cishan-sanctions-export/1" and f"# checkpoint_size: {doc['checkpoint']['size']}" in head
    note_line = next(line for line in head if line.startswith("# checkpoint_note_b64: "))
    assert base64.b64decode(note_line.split(": ", 1)[1]).decode() == doc["checkpoint"]["note"]
    rows = list(csv.DictReader(io.StringIO("\n".join(line for line in text.splitlines() if not line.startswith("#")))))
    assert [r["decision_id"] for r in rows] == [r["decision_id"] for r in doc["rows"]]
    assert rows[0]["seq"] == str(doc["rows"][0]["seq"])
    # A published export is never rewritten, even if the lists change afterwards.
    actions.remove("staff/officer", listed, reason="rectified", note="已整改")
    tasks.write_export("2026-03-01")
    assert json.loads(export.export_path(date(2026, 3, 1), "json").read_text()) == doc

    json_response = client.get("/sanctions/export/2026-03-01.json")
    assert json.loads(b"".join(json_response.streaming_content)) == doc
    csv_response = client.get("/sanctions/export/2026-03-01.csv")
    assert csv_response["Content-Type"].startswith("text/csv")
    assert b"".join(csv_response.streaming_content).decode() == text
    assert "2026-03-01" in client.get("/sanctions/export/").content.decode()
    assert client.get("/sanctions/export/2026-03-02.json").status_code == 404
    assert client.get("/sanctions/export/2026-02-30.json").status_code == 404
    assert client.get("/sanctions/export/2026-03-01.xml").status_code == 404
