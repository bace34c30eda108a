"""Text formats: C2SP signed-note, tlog-checkpoint, tlog-proof, tlog-tiles paths.

Pure functions over bytes and str, after golang.org/x/mod/sumdb/note; the only
dependency is PyNaCl for Ed25519.
"""

import base64
import hashlib
import re
from dataclasses import dataclass

import nacl.exceptions
import nacl.signing

ALG_ED25519 = 1
EM_DASH = "\u2014"


class NoteError(ValueError):
    """A malformed or unverifiable note, key or proof."""


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def unb64(text: str) -> bytes:
    try:
        return base64.b64decode(text, validate=True)
    except (ValueError, TypeError) as exc:
        raise NoteError("bad base64") from exc


def _check_name(name):
    if not name or any(c.isspace() for c in name) or "+" in name:
        raise NoteError("key name must be non-empty and contain no spaces or '+'")


def key_id(name: str, public_key: bytes) -> bytes:
    return hashlib.sha256(name.encode() + b"\n" + bytes([ALG_ED25519]) + public_key).digest()[:4]


@dataclass(frozen=True)
class Verifier:
    name: str
    key_id: bytes
    public_key: bytes

    @property
    def text(self):
        return f"{self.name}+{self.key_id.hex()}+{b64(bytes([ALG_ED25519]) + self.public_key)}"

    def verify(self, message: bytes, signature: bytes) -> bool:
        try:
            nacl.signing.VerifyKey(self.public_key).verify(message, signature)
        except nacl.exceptions.BadSignatureError:
            return False
        return True


def parse_verifier(text: str) -> Verifier:
    """`<name>+<hex key id>+<base64(0x01 ‖ key)>`, split at the first two '+'."""
    parts = text.strip().split("+", 2)
    if len(parts) != 3:
        raise NoteError("verifier key needs name+id+key")
    name, hex_id, key_b64 = parts
    _check_name(name)
    if not re.fullmatch(r"[0-9a-f]{8}", hex_id):
        raise NoteError("verifier key id must be 8 lowercase hex digits")
    raw = unb64(key_b64)
    if len(raw) != 33 or raw[0] != ALG_ED25519:
        raise NoteError("verifier key must be an Ed25519 key")
    public_key = raw[1:]
    if key_id(name, public_key).hex() != hex_id:
        raise NoteError("verifier key id does not match the key")
    return Verifier(name, bytes.fromhex(hex_id), public_key)


@dataclass(frozen=True)
class Signer:
    name: str
    seed: bytes

    @property
    def verifier(self):
        public_key = bytes(nacl.signing.SigningKey(self.seed).verify_key)
        return Verifier(self.name, key_id(self.name, public_key), public_key)

    @property
    def text(self):
        """Private key in the sumdb/note form `PRIVATE+KEY+name+id+base64(0x01 ‖ seed)`."""
        return f"PRIVATE+KEY+{self.name}+{self.verifier.key_id.hex()}+{b64(bytes([ALG_ED25519]) + self.seed)}"

    def sign(self, message: bytes) -> bytes:
        return nacl.signing.SigningKey(self.seed).sign(message).signature


def generate_signer(name: str) -> Signer:
    _check_name(name)
    return Signer(name, bytes(nacl.signing.SigningKey.generate()))


def parse_signer(text: str) -> Signer:
    parts = text.strip().split("+", 4)
    if len(parts) != 5 or parts[0] != "PRIVATE" or parts[1] != "KEY":
        raise NoteError("signing key must look like PRIVATE+KEY+name+id+key")
    _, _, name, hex_id, key_b64 = parts
    _check_name(name)
    raw = unb64(key_b64)
    if len(raw) != 33 or raw[0] != ALG_ED25519:
        raise NoteError("signing key must be an Ed25519 key")
    signer = Signer(name, raw[1:])
    if signer.verifier.key_id.hex() != hex_id:
        raise NoteError("signing key id does not match the key")
    return signer


# Signed notes ------------------------------------------------------------

def sign_note(text: str, signer: Signer) -> str:
    if not text.endswith("\n") or "\n\n" in text:
        raise NoteError("note text must end in a newline and contain no blank line")
    v = signer.verifier
    sig = signer.sign(text.encode("utf-8"))
    return f"{text}\n{EM_DASH} {v.name} {b64(v.key_id + sig)}\n"


def open_note(note: str, verifiers) -> tuple[str, list[Verifier]]:
    """Split a signed note, check its signatures; return (text, verifiers that signed).

    Raises NoteError when the note is malformed or no known key signed it.
    """
    text, sep, sigs = note.partition("\n\n")
    if not sep or not sigs.endswith("\n"):
        raise NoteError("note has no signature block")
    text += "\n"
    known = {(v.name, v.key_id): v for v in verifiers}
    good = []
    for line in sigs[:-1].split("\n"):
        m = re.fullmatch(EM_DASH + r" (\S+) ([A-Za-z0-9+/=]+)", line)
        if not m:
            raise NoteError("malformed signature line")
        raw = unb64(m.group(2))
        if len(raw) < 5:
            raise NoteError("signature too short")
        v = known.get((m.group(1), raw[:4]))
        if v is None:
            continue
        if not v.verify(text.encode("utf-8"), raw[4:]):
            raise NoteError(f"invalid signature by {v.name}+{v.key_id.hex()}")
        good.append(v)
    if not good:
        raise NoteError("no signature by a known key")
    return text, good


# Checkpoints ---------------------------------------------------------------

@dataclass(frozen=True)
class Checkpoint:
    origin: str
    size: int
    root: bytes

    @property
    def text(self):
        return f"{self.origin}\n{self.size}\n{b64(self.root)}\n"


def parse_checkpoint(text: str) -> Checkpoint:
    lines = text.split("\n")
    if len(lines) < 4 or lines[-1] != "":
        raise NoteError("checkpoint needs origin, size and root lines")
    origin, size, root = lines[0], lines[1], lines[2]
    if not origin or not re.fullmatch(r"0|[1-9][0-9]*", size):
        raise NoteError("bad checkpoint origin or size")
    root_bytes = unb64(root)
    if len(root_bytes) != 32:
        raise NoteError("checkpoint root must be 32 bytes")
    return Checkpoint(origin, int(size), root_bytes)


def sign_checkpoint(checkpoint: Checkpoint, signer: Signer) -> str:
    return sign_note(checkpoint.text, signer)


def verify_checkpoint(note: str, verifiers, origin=None) -> Checkpoint:
    text, _ = open_note(note, verifiers)
    cp = parse_checkpoint(text)
    if origin is not None and cp.origin != origin:
        raise NoteError("checkpoint origin differs")
    return cp


# tlog-proof (C2SP) -------------------------------------------------------------

TLOG_PROOF_HEADER = "c2sp.org/tlog-proof@v1"


def format_tlog_proof(leaf: bytes, index: int, proof, checkpoint_note: str) -> str:
    lines = [TLOG_PROOF_HEADER, f"extra {b64(leaf)}", f"index {index}"]
    lines += [b64(h) for h in proof]
    return "\n".join(lines) + "\n\n" + checkpoint_note


@dataclass(frozen=True)
class TlogProof:
    extra: bytes
    index: int
    hashes: list
    checkpoint_note: str


def parse_tlog_proof(text: str) -> TlogProof:
    head, sep, note = text.partition("\n\n")
    if not sep:
        raise NoteError("tlog-proof needs a blank line before the checkpoint")
    lines = head.split("\n")
    if lines[0] != TLOG_PROOF_HEADER:
        raise NoteError("not a c2sp.org/tlog-proof@v1")
    i = 1
    extra = b""
    if i < len(lines) and lines[i].startswith("extra "):
        extra = unb64(lines[i][6:])
        i += 1
    if i >= len(lines) or not re.fullmatch(r"index (0|[1-9][0-9]*)", lines[i]):
        raise NoteError("tlog-proof needs an index line")
    index = int(lines[i][6:])
    hashes = []
    for line in lines[i + 1:]:
        h = unb64(line)
        if len(h) != 32:
            raise NoteError("proof hash must be 32 bytes")
        hashes.append(h)
    return TlogProof(extra, index, hashes, note)


# tlog-tiles paths ---------------------------------------------------------------

TILE_HEIGHT = 8
TILE_WIDTH = 1 << TILE_HEIGHT


def tile_index_path(n: int) -> str:
    """Tile index as 3-digit groups, all but the last prefixed with 'x'."""
    groups = []
    while True:
        groups.append(f"{n % 1000:03d}")
        n //= 1000
        if n == 0:
            break
    groups.reverse()
    return "/".join("x" + g for g in groups[:-1]) + ("/" if len(groups) > 1 else "") + groups[-1]


def parse_tile_index(path: str) -> int:
    """Inverse of tile_index_path; NoteError for any non-canonical form."""
    parts = path.split("/")
    digits = ""
    for part in parts[:-1]:
        if not re.fullmatch(r"x[0-9]{3}", part):
            raise NoteError("bad tile index")
        digits += part[1:]
    if not re.fullmatch(r"[0-9]{3}", parts[-1]):
        raise NoteError("bad tile index")
    n = int(digits + parts[-1])
    if tile_index_path(n) != path:
        raise NoteError("non-canonical tile index")
    return n
