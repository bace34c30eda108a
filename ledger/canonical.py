"""Canonical entry bytes (LEDGER_SPEC §1.1-1.2).

Under the value rules of §1.2 (no floats, ASCII member names, integers below
2**53, valid Unicode) RFC 8785 JCS reduces to sorted-key compact JSON without
ASCII escaping. We enforce the rules here instead of carrying a general JCS
implementation; tests compare the result with the `rfc8785` package.
"""

import json

MAX_SAFE_INTEGER = 2**53 - 1
MAX_LEAF_BYTES = 65535


class CanonicalError(ValueError):
    """A value that the ledger's value rules do not allow."""


def check_value(value, path="$"):
    """Raise CanonicalError naming the first place that breaks §1.2."""
    if not _plainly_valid(value):
        _check_value(value, path)


def _plainly_valid(value):
    """True when `value` is built of exact JSON types and keeps the rules: the common case, checked
    without building a path for every member. False sends it to _check_value, which finds the
    place that breaks a rule (or accepts subclasses such as a lazy translation's str)."""
    kind = type(value)
    if kind is str:
        return value.isascii() or _encodes(value)
    if kind is int:
        return -MAX_SAFE_INTEGER <= value <= MAX_SAFE_INTEGER
    if kind is dict:
        for key, item in value.items():
            if type(key) is not str or not key.isascii() or not _plainly_valid(item):
                return False
        return True
    if kind is list or kind is tuple:
        for item in value:
            if not _plainly_valid(item):
                return False
        return True
    return value is None or kind is bool


def _encodes(text):
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _check_value(value, path):
    if value is None or isinstance(value, bool):
        return
    if isinstance(value, int):
        if abs(value) > MAX_SAFE_INTEGER:
            raise CanonicalError(f"{path}: integer outside ±(2**53-1)")
        return
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError as exc:
            raise CanonicalError(f"{path}: not valid Unicode (lone surrogate)") from exc
        return
    if isinstance(value, (list, tuple)):
        for i, item in enumerate(value):
            _check_value(item, f"{path}[{i}]")
        return
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str) or not key.isascii():
                raise CanonicalError(f"{path}: member name {key!r} is not an ASCII string")
            _check_value(item, f"{path}.{key}")
        return
    if isinstance(value, float):
        raise CanonicalError(f"{path}: floats are not allowed (use fen or a string)")
    raise CanonicalError(f"{path}: {type(value).__name__} is not a JSON value")


def dumps(value) -> str:
    """The JCS text of `value` (checked against the value rules)."""
    check_value(value)
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def canonical_bytes(value) -> bytes:
    return dumps(value).encode("utf-8")
