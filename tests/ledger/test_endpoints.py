"""Every public endpoint of LEDGER_SPEC §4, including its 400s and 404s."""

import base64
import json
import struct

import pytest

from ledger import keys, merkle, note
from ledger.anchor import anchor
from ledger.models import Entry
from tests.factories import append_entries

pytestmark = pytest.mark.django_db


def b64d(s):
    return base64.b64decode(s)


@pytest.fixture
def ledger_300(db):
    append_entries(300)
    anchor()
    append_entries(4)  # committed, not anchored


def test_checkpoint_404_until_first_anchor(client):
    assert client.get("/ledger/checkpoint").status_code == 404
    anchor()
    r = client.get("/ledger/checkpoint")
    assert r.status_code == 200 and r["Content-Type"] == "text/plain; charset=utf-8"
    assert r.content.decode().split("\n")[1] == "0"


def test_checkpoint_is_the_exact_signed_note(client, ledger_300):
    body = client.get("/ledger/checkpoint").content.decode("utf-8")
    cp = note.verify_checkpoint(body, keys.verifiers())
    assert cp.size == 300
    assert client.get("/ledger/checkpoints/300").content.decode() == body
    assert client.get("/ledger/checkpoints/301").status_code == 404


@pytest.mark.parametrize("path,param", [("/ledger/checkpoints/007", "size"), ("/ledger/checkpoints/-1", "size"),
                                        ("/ledger/checkpoints/1e3", "size"), ("/api/ledger/entries/01", "seq"),
                                        ("/api/ledger/entries/x", "seq")])
def test_non_canonical_numbers_in_paths_are_400(client, ledger_300, path, param):
    r = client.get(path)
    assert r.status_code == 400 and r.json()["param"] == param and r.json()["error"]


def test_key_lists_verifiers_current_first(client, settings, ledger_300):
    old = note.generate_signer(keys.signer().name).verifier
    settings.LEDGER_OLD_VERIFIER_KEYS = [old.text]
    r = client.get("/ledger/key")
    assert r["Content-Type"].startswith("text/plain")
    lines = r.content.decode().splitlines()
    assert lines == [keys.signer().verifier.text, old.text]
    assert note.parse_verifier(lines[0]) == keys.signer().verifier


def test_entry_by_seq(client, ledger_300):
    r = client.get("/api/ledger/entries/302")  # served although not anchored yet
    assert r.status_code == 200
    body = r.json()
    row = Entry.objects.get(seq=302)
    assert body == {"seq": 302, "leaf": row.leaf, "entry_hash": row.entry_hash}
    assert merkle.leaf_hash(body["leaf"].encode("utf-8")).hex() == body["entry_hash"]
    assert client.get("/api/ledger/entries/304").status_code == 404


def test_entry_range(client, ledger_300):
    r = client.get("/api/ledger/entries?start=295&end=310")
    assert [e["seq"] for e in r.json()["entries"]] == list(range(295, 304))
    assert len(client.get("/api/ledger/entries?start=0&end=1000").json()["entries"]) == 304
    assert client.get("/api/ledger/entries?start=5&end=5").json() == {"entries": []}


@pytest.mark.parametrize("query,param", [("", "start"), ("start=0", "end"), ("start=0&end=1001", "end"),
                                         ("start=10&end=5", "end"), ("start=+1&end=5", "start"),
                                         ("start=0&end=05", "end")])
def test_entry_range_400(client, ledger_300, query, param):
    r = client.get("/api/ledger/entries?" + query)
    assert r.status_code == 400 and r.json()["param"] == param


def test_inclusion_proof_verifies_against_signed_root(client, ledger_300):
    cp = note.verify_checkpoint(client.get("/ledger/checkpoint").content.decode(), keys.verifiers())
    for seq in (0, 17, 255, 256, 299):
        r = client.get(f"/api/ledger/proof/inclusion?seq={seq}&size=300").json()
        assert r["seq"] == seq and r["size"] == 300 and b64d(r["root"]) == cp.root
        leaf = client.get(f"/api/ledger/entries/{seq}").json()["leaf"].encode()
        merkle.verify_inclusion(merkle.leaf_hash(leaf), seq, 300, [b64d(h) for h in r["hashes"]], cp.root)
    # a smaller size: root is tied to the signed one by a consistency proof
    r = client.get("/api/ledger/proof/inclusion?seq=3&size=100").json()
    c = client.get("/api/ledger/proof/consistency?old=100&size=300").json()
    merkle.verify_consistency(100, 300, [b64d(h) for h in c["hashes"]], b64d(r["root"]), cp.root)


@pytest.mark.parametrize("query,param", [("size=300", "seq"), ("seq=1", "size"), ("seq=300&size=300", "seq"),
                                         ("seq=1&size=301", "size"), ("seq=-1&size=300", "seq"),
                                         ("seq=1&size=3e2", "size"), ("seq=00&size=300", "seq")])
def test_inclusion_400(client, ledger_300, query, param):
    r = client.get("/api/ledger/proof/inclusion?" + query)
    assert r.status_code == 400 and r.json()["param"] == param


def test_consistency_proof(client, ledger_300):
    anchor()  # now 304
    r = client.get("/api/ledger/proof/consistency?old=300&size=304").json()
    merkle.verify_consistency(300, 304, [b64d(h) for h in r["hashes"]],
                              b64d(client.get("/ledger/checkpoints/300").content.decode().split("\n")[2]),
                              b64d(client.get("/ledger/checkpoint").content.decode().split("\n")[2]))
    assert client.get("/api/ledger/proof/consistency?old=0&size=304").json()["hashes"] == []
    assert client.get("/api/ledger/proof/consistency?old=304&size=304").json()["hashes"] == []


@pytest.mark.parametrize("query,param", [("size=3", "old"), ("old=1", "size"), ("old=5&size=3", "old"),
                                         ("old=1&size=305", "size"), ("old=a&size=3", "old")])
def test_consistency_400(client, ledger_300, query, param):
    r = client.get("/api/ledger/proof/consistency?" + query)
    assert r.status_code == 400 and r.json()["param"] == param


def test_tiles(client, ledger_300):
    full = client.get("/ledger/tile/0/000")
    assert full.status_code == 200 and full["Content-Type"] == "application/octet-stream"
    hashes = [bytes.fromhex(h) for h in Entry.objects.order_by("seq").values_list("entry_hash", flat=True)[:300]]
    assert full.content == b"".join(hashes[:256])
    partial = client.get("/ledger/tile/0/001.p/44")
    assert partial.status_code == 200 and partial.content == b"".join(hashes[256:300])
    entries = client.get("/ledger/tile/entries/001.p/44").content
    leaves, pos = [], 0
    while pos < len(entries):
        (n,) = struct.unpack(">H", entries[pos:pos + 2])
        leaves.append(entries[pos + 2:pos + 2 + n])
        pos += 2 + n
    assert [merkle.leaf_hash(x) for x in leaves] == hashes[256:300]
    assert json.loads(leaves[0])["seq"] == 256
    assert len(client.get("/ledger/tile/entries/000").content) > 256 * 2
    level1 = client.get("/ledger/tile/1/000.p/1")  # 300 leaves hold one complete 256-leaf subtree
    assert level1.content == merkle.subtree_hash(hashes[:256])


@pytest.mark.parametrize("path", ["0/001", "0/001.p/45", "0/001.p/43", "0/001.p/0", "0/001.p/256", "0/002.p/1",
                                  "1/000", "1/000.p/2", "0/x000/001", "0/0001", "0/1", "entries/001",
                                  "entries/001.p/045", "64/000", "0/000.p/256", "abc", "0/000/"])
def test_tiles_404(client, ledger_300, path):
    assert client.get("/ledger/tile/" + path).status_code == 404


def test_level_one_partial_tile(client, db):
    append_entries(512 + 5)
    anchor()
    r = client.get("/ledger/tile/1/000.p/2")
    assert r.status_code == 200 and len(r.content) == 64
    t0 = client.get("/ledger/tile/0/000").content
    assert r.content[:32] == merkle.subtree_hash([t0[i:i + 32] for i in range(0, 8192, 32)])
