"""Test data builders shared by every test module. Add functions; keep them small."""

import itertools

from django.db import transaction

import ledger

_counter = itertools.count(1)


def append_entries(n, kind="test.event", subject=None, batch=True):
    """Append n ledger entries (one transaction if batch) and return them."""
    items = [(kind, subject or f"test/{next(_counter)}", "system", {"i": i, "note": "测试"}) for i in range(n)]
    if batch:
        with transaction.atomic():
            return ledger.append_many(items)
    out = []
    for item in items:
        with transaction.atomic():
            out.append(ledger.append(*item))
    return out
