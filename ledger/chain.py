"""Appending entries: the one door to the ledger (LEDGER_SPEC §1).

The chain head is serialised with a transaction-scoped advisory lock on
PostgreSQL and by BEGIN IMMEDIATE on SQLite (settings.SQLITE_OPTIONS). Work
under the lock is kept to the minimum: leaves are assembled from fragments
prepared before the lock, and on PostgreSQL a single append is one INSERT that
reads the tail, builds the leaf and hashes it in SQL.
"""

import hashlib
import io
import re
from dataclasses import dataclass
from datetime import UTC, datetime

from django.db import connections, router

from . import canonical
from .models import ZERO_HASH, Entry

HEAD_LOCK_KEY = 0x4C45444745520001  # "LEDGER" + 1: the chain head
KIND_RE = re.compile(r"[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+")
SUBJECT_RE = re.compile(r"[a-z][a-z_]*/[^\s/][^\s]*")
ACTOR_RE = re.compile(r"system|(staff|platform)/[^\s]+")


class LedgerError(ValueError):
    """An entry that breaks the ledger's rules; nothing was written."""


@dataclass(frozen=True)
class Appended:
    seq: int
    entry_hash: str
    leaf: str


def format_time(dt: datetime) -> str:
    return dt.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _fragments(kind, subject, actor, data):
    """The leaf split around its three values known only under the lock.

    Members sort as actor, data, kind, prev, seq, subject, time, v, so the
    leaf is  head + prev + '","seq":' + seq + middle + time + '","v":1}'.
    """
    if not isinstance(kind, str) or not KIND_RE.fullmatch(kind):
        raise LedgerError(f"kind {kind!r} must be dotted lowercase, e.g. organization.registered")
    if not isinstance(subject, str) or not SUBJECT_RE.fullmatch(subject) or len(subject) > 200:
        raise LedgerError(f"subject {subject!r} must look like <type>/<public id>")
    if not isinstance(actor, str) or not ACTOR_RE.fullmatch(actor) or len(actor) > 200:
        raise LedgerError(f"actor {actor!r} must be system, staff/<name> or platform/<code>")
    if not isinstance(data, dict):
        raise LedgerError("data must be an object")
    try:
        head = (f'{{"actor":{canonical.dumps(actor)},"data":{canonical.dumps(data)},'
                f'"kind":{canonical.dumps(kind)},"prev":"')
    except canonical.CanonicalError as exc:
        raise LedgerError(f"data breaks the value rules: {exc}") from exc
    middle = f',"subject":{canonical.dumps(subject)},"time":"'
    return head, middle


SEQ_SEP = '","seq":'
TAIL = '","v":1}'


def build_leaf(head, middle, prev, seq, time_text):
    return f"{head}{prev}{SEQ_SEP}{seq}{middle}{time_text}{TAIL}"


def _check_size(head, middle):
    # prev (64) + seq (<= 16 digits) + time (27) + separators
    if len((head + middle).encode("utf-8")) + 64 + 16 + 27 + len(SEQ_SEP) + len(TAIL) > canonical.MAX_LEAF_BYTES:
        raise LedgerError("entry larger than 65,535 bytes; store the document outside and record its SHA-256")


def _connection(using):
    using = using or router.db_for_write(Entry)
    conn = connections[using]
    if not conn.in_atomic_block:
        raise LedgerError("ledger.append must run inside transaction.atomic() with the change it records")
    return conn


def _tail(cursor):
    cursor.execute("SELECT seq, entry_hash FROM ledger_entry ORDER BY seq DESC LIMIT 1")
    row = cursor.fetchone()
    return (row[0] + 1, row[1]) if row else (0, ZERO_HASH)


_PG_APPEND = """
WITH tail AS (
    SELECT COALESCE((SELECT seq FROM ledger_entry ORDER BY seq DESC LIMIT 1) + 1, 0) AS seq,
           COALESCE((SELECT entry_hash FROM ledger_entry ORDER BY seq DESC LIMIT 1), repeat('0', 64)) AS prev,
           clock_timestamp() AS ts
), new AS (
    SELECT seq, prev, ts,
           %(head)s || prev || %(sep)s || seq::text || %(middle)s
           || to_char(ts AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') || %(tail)s AS leaf
    FROM tail
)
INSERT INTO ledger_entry (seq, prev, entry_hash, leaf, kind, subject, actor, time)
SELECT seq, prev, encode(sha256(decode('00', 'hex') || convert_to(leaf, 'UTF8')), 'hex'),
       leaf, %(kind)s, %(subject)s, %(actor)s, ts
FROM new
RETURNING seq, entry_hash, leaf
"""


def append(kind, subject, actor, data, using=None) -> Appended:
    """Append one entry inside the caller's transaction; return its seq and hash."""
    head, middle = _fragments(kind, subject, actor, data)
    _check_size(head, middle)
    conn = _connection(using)
    with conn.cursor() as cursor:
        if conn.vendor == "postgresql":
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [HEAD_LOCK_KEY])
            cursor.execute(_PG_APPEND, {"head": head, "sep": SEQ_SEP, "middle": middle, "tail": TAIL,
                                        "kind": kind, "subject": subject, "actor": actor})
            return Appended(*cursor.fetchone())
    return append_many([(kind, subject, actor, data)], using=using)[0]


def append_many(items, using=None) -> list[Appended]:
    """Append several entries, taking the chain-head lock once."""
    prepared = []
    for kind, subject, actor, data in items:
        head, middle = _fragments(kind, subject, actor, data)
        _check_size(head, middle)
        prepared.append((kind, subject, actor, head, middle))
    if not prepared:
        return []
    conn = _connection(using)
    with conn.cursor() as cursor:
        if conn.vendor == "postgresql":
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [HEAD_LOCK_KEY])
        seq, prev = _tail(cursor)
        now = datetime.now(UTC)
        time_text = format_time(now)
        stored_time = conn.ops.adapt_datetimefield_value(now)
        rows, out = [], []
        for kind, subject, actor, head, middle in prepared:
            leaf = build_leaf(head, middle, prev, seq, time_text)
            entry_hash = hashlib.sha256(b"\x00" + leaf.encode("utf-8")).hexdigest()
            rows.append((seq, prev, entry_hash, leaf, kind, subject, actor, stored_time))
            out.append(Appended(seq, entry_hash, leaf))
            seq, prev = seq + 1, entry_hash
        if conn.vendor == "postgresql" and len(rows) > 1:
            _copy_rows(cursor, rows)
        else:
            cursor.executemany(
                "INSERT INTO ledger_entry (seq, prev, entry_hash, leaf, kind, subject, actor, time) "
                "VALUES (%s, %s, %s, %s, %s, %s, %s, %s)", rows)
    return out


def _copy_escape(text):
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def _copy_rows(cursor, rows):
    buf = io.StringIO()
    for seq, prev, entry_hash, leaf, kind, subject, actor, now in rows:
        buf.write(f"{seq}\t{prev}\t{entry_hash}\t{_copy_escape(leaf)}\t{kind}\t{_copy_escape(subject)}\t"
                  f"{_copy_escape(actor)}\t{now}\n")
    buf.seek(0)
    cursor.cursor.copy_expert(
        "COPY ledger_entry (seq, prev, entry_hash, leaf, kind, subject, actor, time) FROM STDIN", buf)
