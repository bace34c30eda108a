"""The signing key and the published verifier keys (LEDGER_SPEC §3, key rotation).

The current key comes from LEDGER_SIGNING_KEY (or _FILE), else from the file at
LEDGER_SIGNING_KEY_PATH; in development that file is generated on first use.
Keys of retired signers stay published through LEDGER_OLD_VERIFIER_KEYS.
"""

import os
from functools import lru_cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from . import note


def _load_signer():
    text = settings.LEDGER_SIGNING_KEY
    path = settings.LEDGER_SIGNING_KEY_PATH
    if not text:
        if not path.exists():
            if not settings.LEDGER_GENERATE_DEV_KEY:
                raise ImproperlyConfigured(
                    "No ledger signing key: set LEDGER_SIGNING_KEY(_FILE) or LEDGER_SIGNING_KEY_PATH")
            write_new_key(path, settings.LEDGER_ORIGIN)
        text = path.read_text()
    signer = note.parse_signer(text)
    if signer.name != settings.LEDGER_ORIGIN:
        raise ImproperlyConfigured(f"signing key is named {signer.name!r}, LEDGER_ORIGIN is {settings.LEDGER_ORIGIN!r}")
    return signer


def write_new_key(path, origin):
    """Create a private key file readable by its owner only; refuse to overwrite."""
    signer = note.generate_signer(origin)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(signer.text + "\n")
    return signer


@lru_cache(maxsize=1)
def _cached(origin, key_text, path):
    return _load_signer()


def signer() -> note.Signer:
    return _cached(settings.LEDGER_ORIGIN, settings.LEDGER_SIGNING_KEY, str(settings.LEDGER_SIGNING_KEY_PATH))


def verifiers() -> list[note.Verifier]:
    """Current key first, then retired ones."""
    keys = [signer().verifier]
    for text in settings.LEDGER_OLD_VERIFIER_KEYS:
        v = note.parse_verifier(text)
        if v not in keys:
            keys.append(v)
    return keys
