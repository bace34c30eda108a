"""Who a decision is about, as the ledger names them, without keeping personal data in clear.

A person is named by `person/<keyed hash>`: HMAC-SHA256 of the normalised
resident ID number (GB 11643) under the server secret SANCTIONS_ID_HMAC_KEY.
The full number is never stored; pages and exports show it masked
(`1101**********1234`). The key must stay the same for the life of the
portal: the hashes are in the ledger and every later match depends on them.
"""

import hashlib
import hmac
import re
import unicodedata
from datetime import date

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

SUBJECT_TYPES = ("organization", "platform", "person")

ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
ID_CHECK = "10X98765432"
ID_PATTERN = re.compile(r"[1-9][0-9]{16}[0-9X]")
HASH_PATTERN = re.compile(r"[0-9a-f]{64}")

# Copied from organizations/uscc.py (GB 32100-2015) so that this app imports no domain app.
USCC_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
USCC_PATTERN = re.compile(r"[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}")
# Platform codes as fundraising.models.CODE_RE defines them (copied for the same reason).
PLATFORM_CODE_PATTERN = re.compile(r"[a-z][a-z0-9-]{1,30}[a-z0-9]")


def normalise_id(text) -> str:
    """Full-width digits and spaces away, lower-case x up: what people actually type."""
    text = unicodedata.normalize("NFKC", str(text or ""))
    return re.sub(r"[\s-]", "", text).upper()


def id_check_char(first17: str) -> str:
    return ID_CHECK[sum(int(c) * w for c, w in zip(first17, ID_WEIGHTS)) % 11]


def is_valid_id(number: str) -> bool:
    """GB 11643-1999: 18 characters, a real date of birth, the ISO 7064 MOD 11-2 check character."""
    if not ID_PATTERN.fullmatch(number or ""):
        return False
    try:
        born = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return False
    if born.year < 1900:
        return False
    return id_check_char(number[:17]) == number[17]


def mask_id(number: str) -> str:
    return number[:4] + "*" * (len(number) - 8) + number[-4:]


def id_hmac_key() -> bytes:
    key = getattr(settings, "SANCTIONS_ID_HMAC_KEY", None)
    if not key:
        raise ImproperlyConfigured("SANCTIONS_ID_HMAC_KEY (or SANCTIONS_ID_HMAC_KEY_FILE) must be set")
    return key.encode("utf-8")


def person_hash(number: str) -> str:
    """The keyed hash of an already normalised, valid ID number."""
    return hmac.new(id_hmac_key(), number.encode("ascii"), hashlib.sha256).hexdigest()


def person_subject(number: str) -> str:
    return f"person/{person_hash(normalise_id(number))}"


def uscc_check_char(first17: str) -> str:
    total = sum(USCC_CHARSET.index(c) * w for c, w in zip(first17, USCC_WEIGHTS))
    return USCC_CHARSET[(31 - total % 31) % 31]


def is_valid_uscc(code: str) -> bool:
    return bool(USCC_PATTERN.fullmatch(code or "")) and uscc_check_char(code[:17]) == code[17]


def split_subject(subject):
    """('organization', '<uscc>') for a well-formed subject of a sanctionable party, else None."""
    if not isinstance(subject, str) or "/" not in subject:
        return None
    kind, public_id = subject.split("/", 1)
    if kind == "organization" and is_valid_uscc(public_id):
        return kind, public_id
    if kind == "platform" and PLATFORM_CODE_PATTERN.fullmatch(public_id):
        return kind, public_id
    if kind == "person" and HASH_PATTERN.fullmatch(public_id):
        return kind, public_id
    return None
