"""Test-time guard: no change to a public record commits without its ledger entry.

While a test runs, every SQL statement on the default connection is watched.
A write to a table of a domain app must happen inside a transaction that also
appends to the ledger (LEDGER_SPEC §1: "the change commits if and only if its
entry commits"), i.e. inside an action. Models that hold no public state
(e.g. API key usage logs) opt out with a class attribute
`ledger_exempt = "<why>"`; tests/ledger/test_ledger_guard.py enumerates every
model so that each is either guarded or exempt for a stated reason.

Writes issued by test code itself (setting up a scenario) and by Django's
test machinery (flush, fixtures) are not the portal's write paths and pass.
"""

import re
import sys
from pathlib import Path

from django.apps import apps
from django.db import connections, transaction

DOMAIN_APPS = {"organizations", "fundraising", "donations", "sanctions"}
TESTS_DIR = str(Path(__file__).resolve().parent)
WRITE = re.compile(r'^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM|COPY)\s+"?(\w+)"?', re.IGNORECASE)
# ledger.append on PostgreSQL inserts through the prepared statement ledger_append (ledger/chain.py).
LEDGER_WRITE = re.compile(r'\b(?:(?:INSERT\s+INTO|COPY)\s+"?ledger_entry|EXECUTE\s+ledger_append)\b', re.IGNORECASE)
_MACHINERY = ("/django/test/", "/django/core/management/commands/flush.py", "/pytest_django/")


def guarded_tables():
    tables = {}
    for model in apps.get_models(include_auto_created=True):
        if model._meta.app_label in DOMAIN_APPS and not getattr(model, "ledger_exempt", None):
            tables[model._meta.db_table] = model
    return tables


def _origin():
    """'test' for writes issued from test code or Django's test machinery, else 'app'."""
    frame = sys._getframe(2)
    while frame is not None:
        filename = frame.f_code.co_filename
        if any(m in filename for m in _MACHINERY):
            return "test"
        if filename.startswith(TESTS_DIR) and not filename.endswith("ledger_guard.py"):
            return "test"
        frame = frame.f_back
    return "app"


class Guard:
    def __init__(self):
        self.tables = guarded_tables()
        self.frames = []  # per open atomic block: [domain write tables, ledger writes]
        self.base = 0
        self.active = False
        self.violations = []

    # atomic blocks -------------------------------------------------------------
    def enter(self):
        self.frames.append([set(), 0])

    def exit(self, ok):
        domain, ledger_writes = self.frames.pop()
        if not ok or not self.active:
            return
        if len(self.frames) > self.base:
            parent = self.frames[-1]
            parent[0] |= domain
            parent[1] += ledger_writes
        elif domain and not ledger_writes:
            self.violations.append(f"transaction wrote {sorted(domain)} without a ledger entry")

    # statements ------------------------------------------------------------------
    def __call__(self, execute, sql, params, many, context):
        if self.active:
            m = WRITE.match(sql)
            if LEDGER_WRITE.search(sql):
                if len(self.frames) > self.base:
                    self.frames[-1][1] += 1
            elif m:
                table = m.group(1).lower()
                if table in self.tables and _origin() == "app":
                    if len(self.frames) > self.base:
                        self.frames[-1][0].add(table)
                    else:
                        self.violations.append(f"write to {table} outside any transaction: {sql[:80]}")
        return execute(sql, params, many, context)


GUARD = Guard()
_enter, _exit = transaction.Atomic.__enter__, transaction.Atomic.__exit__


def _atomic_enter(self):
    if self.using in (None, "default"):
        GUARD.enter()
    return _enter(self)


def _atomic_exit(self, exc_type, exc_value, traceback):
    try:
        return _exit(self, exc_type, exc_value, traceback)
    finally:
        if self.using in (None, "default"):
            GUARD.exit(exc_type is None)


def install():
    transaction.Atomic.__enter__ = _atomic_enter
    transaction.Atomic.__exit__ = _atomic_exit


class watching:
    """Context manager: watch the default connection for the span of one test."""

    def __enter__(self):
        GUARD.tables = guarded_tables()
        GUARD.base = len(GUARD.frames)
        GUARD.violations = []
        GUARD.active = True
        self._wrapper = connections["default"].execute_wrapper(GUARD)
        self._wrapper.__enter__()
        return GUARD

    def __exit__(self, *exc):
        self._wrapper.__exit__(*exc)
        GUARD.active = False
        return False
