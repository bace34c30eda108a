#!/usr/bin/env python3
"""Check a credit-list export against the public ledger: Python standard library and PyNaCl only.

    python verify_export.py 2026-05-01.json --base-url https://cishan.example.org \
        --key 'cishan.example.org/ledger+1a2b3c4d+AY...'

1. The export's checkpoint is a signed note that verifies under the key.
2. The ledger entries 0 .. size-1 (fetched from /api/ledger/entries) hash to
   that checkpoint's root, so they are the complete, unaltered ledger at that size.
3. Replaying every entry whose subject is `sanction/...` gives exactly the
   export's rows: nothing added, dropped or changed.

The portal builds its exports with `rows_from_entries` below, so the rule
for "in force on the export date" is the same on both sides.
"""

import argparse
import base64
import hashlib
import json
import sys
import urllib.request

FORMAT = "cishan-sanctions-export/1"
ROW_FIELDS = ["decision_id", "list", "ground", "party", "party_type", "party_name", "party_code", "decision_no",
              "authority", "legal_basis", "effective_on", "expires_on", "seq", "entry_hash"]


class ExportError(ValueError):
    pass


def rows_from_entries(entries, day):
    """Rows in force on `day` from (seq, entry_hash, leaf) of sanction entries in seq order; and their count."""
    latest, considered = {}, 0
    for seq, entry_hash, leaf in entries:
        entry = json.loads(leaf)
        if not entry["subject"].startswith("sanction/") or not entry["kind"].startswith("sanction."):
            continue
        considered += 1
        latest[entry["subject"]] = (seq, entry_hash, entry["data"])
    today = day.isoformat() if hasattr(day, "isoformat") else str(day)
    rows = []
    for seq, entry_hash, d in latest.values():
        if d["status"] != "in_force" or d["effective_on"] > today:
            continue
        if d["expires_on"] is not None and d["expires_on"] <= today:
            continue
        rows.append({"decision_id": d["id"], "list": d["list"], "ground": d["ground"], "party": d["party"],
                     "party_type": d["party_type"], "party_name": d["party_name"], "party_code": d["party_code"],
                     "decision_no": d["decision_no"], "authority": d["authority"], "legal_basis": d["legal_basis"],
                     "effective_on": d["effective_on"], "expires_on": d["expires_on"], "seq": seq,
                     "entry_hash": entry_hash})
    rows.sort(key=lambda r: r["decision_id"])
    return rows, considered


def merkle_root(leaf_hashes):
    """RFC 9162 Merkle tree hash over leaf hashes, bottom-up."""
    if not leaf_hashes:
        return hashlib.sha256(b"").digest()
    level = list(leaf_hashes)
    while len(level) > 1:
        nxt = [hashlib.sha256(b"\x01" + level[i] + level[i + 1]).digest() for i in range(0, len(level) - 1, 2)]
        if len(level) % 2:
            nxt.append(level[-1])  # an unpaired right edge moves up unchanged, as RFC 9162's split gives
        level = nxt
    return level[0]


def open_checkpoint(note, verifier_key):
    """(origin, size, root bytes) of a C2SP signed checkpoint that verifies under `verifier_key`."""
    import nacl.exceptions
    import nacl.signing

    name, hex_id, key_b64 = verifier_key.strip().split("+", 2)
    raw = base64.b64decode(key_b64, validate=True)
    if len(raw) != 33 or raw[0] != 1:
        raise ExportError("the verifier key is not an Ed25519 key")
    text, sep, sigs = note.partition("\n\n")
    if not sep:
        raise ExportError("the checkpoint is not a signed note")
    message = (text + "\n").encode("utf-8")
    for line in sigs.splitlines():
        if not line.startswith("\u2014 "):
            continue
        sig_name, _, blob_b64 = line[2:].rpartition(" ")
        blob = base64.b64decode(blob_b64, validate=True)
        if sig_name != name or blob[:4].hex() != hex_id:
            continue
        try:
            nacl.signing.VerifyKey(raw[1:]).verify(message, blob[4:])
        except nacl.exceptions.BadSignatureError as exc:
            raise ExportError("the checkpoint signature does not verify") from exc
        origin, size, root = text.split("\n")[:3]
        return origin, int(size), base64.b64decode(root, validate=True)
    raise ExportError("the checkpoint carries no signature by that key")


def verify(doc, leaves, verifier_key):
    """Raise ExportError unless `doc` is complete and unaltered; `leaves` are the ledger's leaf texts from seq 0."""
    if doc.get("format") != FORMAT:
        raise ExportError(f"not a {FORMAT} document")
    _, size, root = open_checkpoint(doc["checkpoint"]["note"], verifier_key)
    if size != doc["checkpoint"]["size"] or root.hex() != doc["checkpoint"]["root"]:
        raise ExportError("the checkpoint size or root in the export differs from the signed note")
    leaves = list(leaves)
    if len(leaves) != size:
        raise ExportError(f"need exactly {size} ledger entries, got {len(leaves)}")
    hashes = [hashlib.sha256(b"\x00" + leaf.encode("utf-8")).digest() for leaf in leaves]
    if merkle_root(hashes) != root:
        raise ExportError("the ledger entries do not hash to the signed root")
    entries = ((seq, hashes[seq].hex(), leaf) for seq, leaf in enumerate(leaves))
    rows, considered = rows_from_entries(entries, doc["date"])
    if considered != doc["sanction_entries"]:
        raise ExportError(f"the ledger holds {considered} sanction entries, "
                          f"the export claims {doc['sanction_entries']}")
    if rows != doc["rows"]:
        missing = {r["decision_id"] for r in rows} - {r["decision_id"] for r in doc["rows"]}
        extra = {r["decision_id"] for r in doc["rows"]} - {r["decision_id"] for r in rows}
        raise ExportError(f"the rows differ from the ledger (missing {sorted(missing)}, extra {sorted(extra)}, "
                          "or changed)")
    return rows


def fetch_leaves(base_url, size):
    leaves = []
    for start in range(0, size, 1000):
        url = f"{base_url.rstrip('/')}/api/ledger/entries?start={start}&end={min(start + 1000, size)}"
        with urllib.request.urlopen(url) as response:
            leaves.extend(e["leaf"] for e in json.load(response)["entries"])
    return leaves


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("export", help="the export's JSON file")
    parser.add_argument("--base-url", required=True, help="the portal, e.g. https://cishan.example.org")
    parser.add_argument("--key", required=True, help="the ledger verifier key published at /ledger/key")
    args = parser.parse_args(argv)
    with open(args.export, encoding="utf-8") as f:
        doc = json.load(f)
    try:
        rows = verify(doc, fetch_leaves(args.base_url, doc["checkpoint"]["size"]), args.key)
    except ExportError as exc:
        print(f"FAILED: {exc}")
        return 1
    print(f"OK: {len(rows)} listings in force on {doc['date']}, complete at ledger size {doc['checkpoint']['size']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
