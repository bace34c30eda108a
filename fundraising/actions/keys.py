"""Issuing and revoking platform API keys.

A key reads `cck_<prefix>_<secret>`: the prefix (8 hex digits) finds the row,
the SHA-256 of the whole key is all we keep, and the plain key is returned to
the caller exactly once. Several keys may be active at once so a platform can
rotate: issue a new key, deploy it, revoke the old one. The ledger records
the prefix, never the secret.
"""

import hashlib
import secrets

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

import ledger

from ..models import ApiKey, Platform
from ..rules import RuleError
from .common import clean_text, require_perm, staff_actor, wrong_state

MAX_ACTIVE_KEYS = 5
KEY_PREFIX = "cck"


def hash_key(plain: str) -> str:
    return hashlib.sha256(plain.encode("utf-8")).hexdigest()


def split_key(plain: str):
    """('prefix', plain) for a well-formed key, else None."""
    parts = (plain or "").split("_", 2)
    if len(parts) != 3 or parts[0] != KEY_PREFIX or len(parts[1]) != 8 or not parts[2]:
        return None
    return parts[1]


def _key_facts(key):
    return {"prefix": key.prefix, "label": key.label, "created_at": key.created_at.isoformat(),
            "revoked_at": key.revoked_at.isoformat() if key.revoked_at else None}


def issue_api_key(user, platform, label=""):
    """Issue a key to a designated platform; returns (ApiKey, the plain key to show once)."""
    require_perm(user, "manage_api_keys")
    label = clean_text(label, "label", required=False, max_length=100)
    for _attempt in range(3):
        prefix = secrets.token_hex(4)
        plain = f"{KEY_PREFIX}_{prefix}_{secrets.token_urlsafe(32)}"
        try:
            with transaction.atomic():
                platform = Platform.objects.select_for_update().get(pk=platform.pk)
                if platform.status != Platform.Status.DESIGNATED:
                    wrong_state(platform, [Platform.Status.DESIGNATED])
                if platform.api_keys.filter(revoked_at__isnull=True).count() >= MAX_ACTIVE_KEYS:
                    raise RuleError(_("A platform may hold at most %(n)d active keys; revoke an old one first.")
                                    % {"n": MAX_ACTIVE_KEYS}, field="label", code="too_many_keys")
                key = ApiKey.objects.create(platform=platform, prefix=prefix, key_hash=hash_key(plain), label=label,
                                            created_at=timezone.now(), created_by=user)
                ledger.append("platform.key_issued", platform.subject, staff_actor(user),
                              {"code": platform.code, "key": _key_facts(key)})
            return key, plain
        except IntegrityError:
            continue  # a prefix collision (1 in 4 billion): draw again
    raise RuntimeError("could not draw a unique key prefix")


def revoke_api_key(user, key, reason):
    require_perm(user, "manage_api_keys")
    reason = clean_text(reason, "reason")
    with transaction.atomic():
        key = ApiKey.objects.select_for_update().select_related("platform").get(pk=key.pk)
        if key.revoked_at is not None:
            raise RuleError(_("This key has been revoked already."), field="reason", code="revoked")
        key.revoked_at, key.revoked_by = timezone.now(), user
        key.save()
        ledger.append("platform.key_revoked", key.platform.subject, staff_actor(user),
                      {"code": key.platform.code, "key": _key_facts(key), "reason": reason})
    return key
