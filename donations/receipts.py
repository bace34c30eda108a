"""What a donor's receipt holds: a receipt number, a verification code, and the key to a commitment.

Receipt number: `D` + 10 random characters + 1 check character, grouped in
fours, e.g. `DK7M-9QXH-TBR2`. The alphabet is the 32 characters 2-9 and A-Z
without I and O, so nothing reads as 0/O or 1/I and the number is safe in a
URL path (LEDGER_SPEC §5). The check character is ISO 7064's hybrid system
(the MOD 37,36 algorithm, here over 32 characters: MOD 33,32); it catches
every mistyped character and most swapped neighbours before a lookup.
50 random bits make numbers that cannot be counted through; a collision
(rare even at 10 million donations) is refused by the UNIQUE constraint and
the batch is retried with fresh numbers.

Verification code: 16 random characters of the same alphabet (80 bits),
`XXXX-XXXX-XXXX-XXXX`, handed once to the platform for the donor. We keep
only SHA-256 over the receipt number and the code. A fast hash is enough:
slow password hashes protect guessable secrets, but 80 random bits take
2**79 tries on average whatever the hash (decades at a trillion hashes a
second), and hashing the receipt number in makes every receipt its own target.

Donor commitment: `SHA-256(salt ‖ donor identifier)`, hex, where the platform
supplies the identifier (its account id or the phone number the donor gave
it) and the salt is `HMAC-SHA256(key = verification code, message =
"cishan.donor-commitment.v1\\n" ‖ receipt number)`. So:
- the ledger and public pages carry only the commitment, never the identifier;
- the donor opens it with what the receipt holds (number and code) and their
  own identifier, offline (`tools/verify_receipt.py --code ... --donor-ref ...`);
- the salt is never stored: it follows from the code, which we keep only
  hashed, so a copy of our database cannot test guessed phone numbers against
  the commitments. (An HMAC under a server secret would hide the identifier
  as well, but the donor could not open it without us.)
Whoever holds a receipt's number and code can test guesses of its donor
identifier: the code is to be kept like a password.
"""

import hashlib
import hmac
import re
import secrets

ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
PREFIX = "D"
BODY_CHARS = 10
CODE_CHARS = 16
COMMITMENT_LABEL = b"cishan.donor-commitment.v1\n"
RECEIPT_RE = re.compile(rf"{PREFIX}[{ALPHABET}]{{3}}(-[{ALPHABET}]{{4}}){{2}}")
CODE_RE = re.compile(rf"[{ALPHABET}]{{4}}(-[{ALPHABET}]{{4}}){{3}}")


class BadReceiptNumber(ValueError):
    pass


# ISO 7064 hybrid system over any alphabet of even size ------------------------

def iso7064_checksum(text, alphabet=ALPHABET):
    modulus = len(alphabet)
    check = modulus // 2
    for char in text:
        check = (((check or modulus) * 2) % (modulus + 1) + alphabet.index(char)) % modulus
    return check


def iso7064_check_char(text, alphabet=ALPHABET):
    modulus = len(alphabet)
    return alphabet[(1 - ((iso7064_checksum(text, alphabet) or modulus) * 2) % (modulus + 1)) % modulus]


def iso7064_valid(text, alphabet=ALPHABET):
    return iso7064_checksum(text, alphabet) == 1


# Receipt numbers ---------------------------------------------------------------

# Byte b stands for ALPHABET[b % 32]: 256 is a multiple of 32, so each character is uniform.
_BYTE_TO_CHAR = bytes(ord(ALPHABET[b % 32]) for b in range(256))


def _random(n):
    return secrets.token_bytes(n).translate(_BYTE_TO_CHAR).decode("ascii")


def _group(compact):
    return "-".join(compact[i:i + 4] for i in range(0, len(compact), 4))


def new_receipt_no():
    stem = PREFIX + _random(BODY_CHARS)
    return _group(stem + iso7064_check_char(stem))


def normalize_receipt_no(text):
    """The canonical form of what someone typed (spaces, hyphens, lower case forgiven).

    Raises BadReceiptNumber when it cannot be a receipt number: wrong length,
    characters outside the alphabet, or a check character that does not match.
    """
    compact = re.sub(r"[\s\-]", "", str(text or "")).upper()
    if len(compact) != 1 + BODY_CHARS + 1 or not compact.startswith(PREFIX):
        raise BadReceiptNumber("length")
    if any(c not in ALPHABET for c in compact):
        raise BadReceiptNumber("alphabet")
    if not iso7064_valid(compact):
        raise BadReceiptNumber("check")
    return _group(compact)


# Verification codes --------------------------------------------------------------

def new_code():
    return _group(_random(CODE_CHARS))


def normalize_code(text):
    """Canonical `XXXX-XXXX-XXXX-XXXX`, or None if it cannot be a code."""
    compact = re.sub(r"[\s\-]", "", str(text or "")).upper()
    if len(compact) != CODE_CHARS or any(c not in ALPHABET for c in compact):
        return None
    return _group(compact)


def code_hash(receipt_no, code):
    return hashlib.sha256(f"{receipt_no}\n{code}".encode("ascii")).hexdigest()


def code_matches(stored_hash, receipt_no, code):
    return hmac.compare_digest(stored_hash, code_hash(receipt_no, code))


# Donor commitments ----------------------------------------------------------------

def commitment_salt(receipt_no, code) -> bytes:
    return hmac.digest(code.encode("ascii"), COMMITMENT_LABEL + receipt_no.encode("ascii"), "sha256")


def donor_commitment(salt: bytes, donor_ref: str) -> str:
    return hashlib.sha256(salt + donor_ref.strip().encode("utf-8")).hexdigest()


def issue(donor_ref):
    """A fresh (receipt number, code, code hash, donor commitment) for one donation."""
    receipt_no, code = new_receipt_no(), new_code()
    return receipt_no, code, code_hash(receipt_no, code), donor_commitment(commitment_salt(receipt_no, code),
                                                                            donor_ref)
