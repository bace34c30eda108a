"""The portal's tamper-evident ledger (LEDGER_SPEC.md).

Domain apps write through `ledger.append(kind, subject, actor, data)` inside
the transaction of the change; this package imports no domain app.
"""


def append(kind, subject, actor, data):
    from .chain import append as _append

    return _append(kind, subject, actor, data)


def append_many(items):
    from .chain import append_many as _append_many

    return _append_many(items)
