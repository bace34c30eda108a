#!/usr/bin/env python3
"""Verify a donation receipt proof offline, trusting nobody but the ledger's published verifier key.

    python tools/verify_receipt.py DK7M-9QXH-TBR2.tlog-proof --key 'cishan.example.org/ledger+1a2b3c4d+AbCd...'
    python tools/verify_receipt.py proof.tlog-proof --key-file ledger.key [--code XXXX-... --donor-ref 13800138000]

The proof file is what the portal serves at /receipts/<receipt no>.tlog-proof?code=...
(C2SP tlog-proof, LEDGER_SPEC §5):

    c2sp.org/tlog-proof@v1
    extra <base64 of the ledger entry's exact leaf bytes>
    index <the entry's seq>
    <base64 proof hash>
    ...
    (empty line)
    <the signed checkpoint>

The steps, each named when it fails:
  read       the file is UTF-8 text
  format     it is a well-formed tlog-proof with a checkpoint
  key        the verifier key(s) are well-formed Ed25519 keys whose key id matches
  signature  a given key signed the checkpoint (C2SP signed note, Ed25519)
  checkpoint the checkpoint names an origin, a size and a 32-byte root
  inclusion  SHA-256(0x00 ‖ leaf) is at `index` in the tree of that size and root (RFC 9162 §2.1.3.2)
  entry      the leaf is canonical JSON (RFC 8785 under the ledger's value rules), its seq is `index`,
             and it is a donation.recorded entry
  receipt    (with --receipt) it is that receipt
  commitment (with --code and --donor-ref) the donor commitment opens with them

Exit status 0 when every step passes (the donation's facts are printed), else
the number of the failing step (see STEPS) with the reason on stderr.

Needs only the Python standard library and PyNaCl (pip install pynacl); it
imports nothing of the portal, so it can be read, copied and run anywhere.
"""

import argparse
import base64
import binascii
import hashlib
import hmac
import json
import re
import sys
from datetime import UTC, datetime, timedelta, timezone

import nacl.exceptions
import nacl.signing

STEPS = ["ok", "read", "format", "key", "signature", "checkpoint", "inclusion", "entry", "receipt", "commitment"]
HEADER = "c2sp.org/tlog-proof@v1"
EM_DASH = "\u2014"
BEIJING = timezone(timedelta(hours=8))
COMMITMENT_LABEL = b"cishan.donor-commitment.v1\n"


class Failed(Exception):
    def __init__(self, step, reason):
        super().__init__(f"{step}: {reason}")
        self.step, self.reason = step, reason


def b64(text, step, what):
    """Strict base64: the one canonical spelling of the bytes, so no character can change unnoticed."""
    try:
        raw = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise Failed(step, f"{what} is not valid base64")
    if base64.b64encode(raw).decode("ascii") != text:
        raise Failed(step, f"{what} is not canonical base64")
    return raw


# Verifier keys and signed notes (C2SP signed-note) ---------------------------------

def parse_key(text):
    """`<name>+<8 hex key id>+<base64(0x01 ‖ 32-byte Ed25519 key)>`; split at the first two '+' only."""
    parts = text.strip().split("+", 2)
    if len(parts) != 3 or not parts[0] or not re.fullmatch(r"[0-9a-f]{8}", parts[1]):
        raise Failed("key", f"not a verifier key: {text.strip()[:60]!r}")
    name, hex_id, key_b64 = parts
    raw = b64(key_b64, "key", "the key")
    if len(raw) != 33 or raw[0] != 1:
        raise Failed("key", f"{name}: not an Ed25519 key")
    key_id = hashlib.sha256(name.encode() + b"\n" + raw).digest()[:4]
    if key_id.hex() != hex_id:
        raise Failed("key", f"{name}: the key id {hex_id} does not match the key")
    return {"name": name, "id": key_id, "public": raw[1:], "text": f"{name}+{hex_id}"}


def open_note(note, keys):
    """The note's text if a known key signed it; raises otherwise."""
    text, sep, signatures = note.partition("\n\n")
    if not sep or not signatures.endswith("\n"):
        raise Failed("format", "the checkpoint has no signature lines")
    text += "\n"
    signed_by = None
    for line in signatures[:-1].split("\n"):
        m = re.fullmatch(EM_DASH + r" (\S+) ([A-Za-z0-9+/=]+)", line)
        if not m:
            raise Failed("format", f"malformed signature line {line[:40]!r}")
        raw = b64(m.group(2), "format", "a signature")
        if len(raw) != 68:
            continue  # not an Ed25519 signature: some other kind of key signed too
        for key in keys:
            if key["name"] == m.group(1) and key["id"] == raw[:4]:
                try:
                    nacl.signing.VerifyKey(key["public"]).verify(text.encode("utf-8"), raw[4:])
                except nacl.exceptions.BadSignatureError:
                    raise Failed("signature", f"the signature by {key['text']} does not verify")
                signed_by = signed_by or key
    if signed_by is None:
        raise Failed("signature", "no signature by the given key(s): " + ", ".join(k["text"] for k in keys))
    return text, signed_by


def parse_checkpoint(text):
    lines = text.split("\n")
    if len(lines) < 4 or not lines[0] or not re.fullmatch(r"0|[1-9][0-9]*", lines[1]):
        raise Failed("checkpoint", "needs an origin, a decimal size and a root")
    root = b64(lines[2], "checkpoint", "the root")
    if len(root) != 32:
        raise Failed("checkpoint", "the root is not 32 bytes")
    return lines[0], int(lines[1]), root


# The proof file (C2SP tlog-proof) ------------------------------------------------------

def parse_proof(text):
    head, sep, note = text.partition("\n\n")
    if not sep:
        raise Failed("format", "no empty line before the checkpoint")
    lines = head.split("\n")
    if lines[0] != HEADER:
        raise Failed("format", f"the first line is not {HEADER}")
    if len(lines) < 3 or not lines[1].startswith("extra "):
        raise Failed("format", "no 'extra' line with the entry's leaf")
    leaf = b64(lines[1][6:], "format", "extra")
    m = re.fullmatch(r"index (0|[1-9][0-9]*)", lines[2])
    if not m:
        raise Failed("format", "no 'index' line")
    hashes = []
    for line in lines[3:]:
        h = b64(line, "format", "a proof hash")
        if len(h) != 32:
            raise Failed("format", "a proof hash is not 32 bytes")
        hashes.append(h)
    return leaf, int(m.group(1)), hashes, note


# RFC 9162 §2.1 ---------------------------------------------------------------------------

def leaf_hash(leaf):
    return hashlib.sha256(b"\x00" + leaf).digest()


def node_hash(left, right):
    return hashlib.sha256(b"\x01" + left + right).digest()


def verify_inclusion(h, index, size, proof, root):
    """RFC 9162 §2.1.3.2."""
    if index >= size:
        raise Failed("inclusion", f"index {index} is outside the tree of {size} entries")
    fn, sn, r = index, size - 1, h
    for p in proof:
        if sn == 0:
            raise Failed("inclusion", "the proof is too long")
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            if not fn & 1:
                while fn & 1 == 0 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise Failed("inclusion", "the proof is too short")
    if r != root:
        raise Failed("inclusion", "the proof does not lead to the signed root")


# The entry ----------------------------------------------------------------------------------

def read_entry(leaf, index):
    try:
        entry = json.loads(leaf.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise Failed("entry", "the leaf is not UTF-8 JSON")
    canonical = json.dumps(entry, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    if not isinstance(entry, dict) or canonical != leaf:
        raise Failed("entry", "the leaf is not in canonical form")
    if entry.get("seq") != index:
        raise Failed("entry", f"the leaf says seq {entry.get('seq')}, the proof index {index}")
    if entry.get("kind") != "donation.recorded" or not isinstance(entry.get("data"), dict):
        raise Failed("entry", f"the entry is a {entry.get('kind')!r}, not a donation.recorded")
    return entry


def open_commitment(receipt_no, code, donor_ref):
    code = re.sub(r"[\s-]", "", code).upper()
    code = "-".join(code[i:i + 4] for i in range(0, len(code), 4))
    salt = hmac.new(code.encode("ascii"), COMMITMENT_LABEL + receipt_no.encode("ascii"), hashlib.sha256).digest()
    return hashlib.sha256(salt + donor_ref.strip().encode("utf-8")).hexdigest()


def yuan(fen):
    sign = "-" if fen < 0 else ""
    whole, cents = divmod(abs(fen), 100)
    return f"{sign}{whole:,}.{cents:02d}"


def beijing(iso):
    try:
        when = datetime.strptime(iso, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    except (TypeError, ValueError):
        return ""
    return f" ({when.astimezone(BEIJING):%Y-%m-%d %H:%M:%S} Beijing time)"


def verify(raw, keys, receipt=None, code=None, donor_ref=None):
    """Run every step over the proof file's bytes; return the lines to print. Raises Failed."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise Failed("read", f"the file is not UTF-8 text ({exc.reason} at byte {exc.start})")
    keys = [parse_key(k) for k in keys]
    if not keys:
        raise Failed("key", "give the ledger's verifier key with --key or --key-file")
    leaf, index, hashes, note = parse_proof(text)
    note_text, key = open_note(note, keys)
    origin, size, root = parse_checkpoint(note_text)
    if origin != key["name"]:
        raise Failed("checkpoint", f"the checkpoint's origin {origin!r} is not the key's name {key['name']!r}")
    verify_inclusion(leaf_hash(leaf), index, size, hashes, root)
    entry = read_entry(leaf, index)
    data = entry["data"]
    if receipt is not None and data.get("receipt_no") != receipt.strip().upper():
        raise Failed("receipt", f"the proof is for receipt {data.get('receipt_no')}, not {receipt}")
    lines = [f"OK: this donation is entry #{index} of the ledger {origin}, in its tree of {size} entries "
             f"signed by {key['text']}.",
             f"  receipt number    {data.get('receipt_no')}",
             f"  amount            {yuan(int(data.get('amount_fen', 0)))} yuan ({data.get('amount_fen')} fen)",
             f"  campaign          {data.get('campaign')}",
             f"  charity           {data.get('organization')}",
             f"  platform          {data.get('platform')}",
             f"  donated at        {data.get('donated_at')}{beijing(data.get('donated_at'))}",
             f"  channel           {data.get('channel')}",
             f"  anonymous         {'yes' if data.get('anonymous') else 'no'}",
             f"  donor commitment  {data.get('donor_commitment')}",
             f"  recorded          {entry.get('time')} by {entry.get('actor')}",
             f"  checkpoint root   {base64.b64encode(root).decode()}"]
    if code is not None or donor_ref is not None:
        if code is None or donor_ref is None:
            raise Failed("commitment", "give both --code and --donor-ref to open the donor commitment")
        if open_commitment(data.get("receipt_no", ""), code, donor_ref) != data.get("donor_commitment"):
            raise Failed("commitment", "the donor commitment does not open with this code and donor identifier")
        lines.append("  donor commitment opens with the given code and donor identifier: this was your donation")
    return lines


def main(argv=None):
    parser = argparse.ArgumentParser(description="Verify a donation receipt proof (.tlog-proof) offline.")
    parser.add_argument("proof", help="the .tlog-proof file ('-' for standard input)")
    parser.add_argument("--key", action="append", default=[], help="a verifier key of the ledger (repeatable)")
    parser.add_argument("--key-file", action="append", default=[],
                        help="a file with verifier keys, one per line (as served at /ledger/key)")
    parser.add_argument("--receipt", help="require the proof to be for this receipt number")
    parser.add_argument("--code", help="your verification code, to open the donor commitment")
    parser.add_argument("--donor-ref", help="the donor identifier your platform has for you (account id or phone)")
    args = parser.parse_args(argv)
    try:
        keys = list(args.key)
        for path in args.key_file:
            try:
                with open(path, encoding="utf-8") as f:
                    keys += [line for line in f.read().splitlines() if line.strip()]
            except (OSError, UnicodeDecodeError) as exc:
                raise Failed("key", f"cannot read the key file: {exc}")
        try:
            if args.proof == "-":
                raw = sys.stdin.buffer.read()
            else:
                with open(args.proof, "rb") as f:
                    raw = f.read()
        except OSError as exc:
            raise Failed("read", str(exc))
        lines = verify(raw, keys, args.receipt, args.code, args.donor_ref)
    except Failed as exc:
        print(f"FAILED at step '{exc.step}': {exc.reason}", file=sys.stderr)
        return STEPS.index(exc.step)
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
