"""Appending entries: the one door to the ledger (LEDGER_SPEC §1).

The chain head is serialised with a transaction-scoped advisory lock on
PostgreSQL and by BEGIN IMMEDIATE on SQLite (settings.SQLITE_OPTIONS). Work
under the lock is kept to the minimum: leaves are assembled from fragments
prepared before the lock, and on PostgreSQL a single append is one INSERT that
reads the tail, builds the leaf and hashes it in SQL.
"""

import hashlib
import itertools
import re
import weakref
from datetime import UTC, datetime
from json.encoder import encode_basestring
from typing import NamedTuple

from django.db import connections, router

from . import canonical
from .models import ZERO_HASH, Entry

HEAD_LOCK_KEY = 0x4C45444745520001  # "LEDGER" + 1: the chain head
KIND_RE = re.compile(r"[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+")
SUBJECT_RE = re.compile(r"[a-z][a-z_]*/[^\s/][^\s]*")
ACTOR_RE = re.compile(r"system|(staff|platform)/[^\s]+")


class LedgerError(ValueError):
    """An entry that breaks the ledger's rules; nothing was written."""


class Appended(NamedTuple):
    """What was appended. A named tuple: a batch builds one per entry, and a
    frozen dataclass took twice as long to make."""

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
        data_text = canonical.dumps(data)
    except canonical.CanonicalError as exc:
        raise LedgerError(f"data breaks the value rules: {exc}") from exc
    # kind is [a-z0-9_.] (KIND_RE): its JSON string needs no escaping.
    head = f'{{"actor":{_string(actor, "actor")},"data":{data_text},"kind":"{kind}","prev":"'
    middle = f',"subject":{_string(subject, "subject")},"time":"'
    return head, middle


def _string(text, name):
    """The JCS text of a string: what canonical.dumps(text) returns, without
    building a JSON encoder per call (three strings in every entry add up)."""
    if not text.isascii():
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            raise LedgerError(f"{name} is not valid Unicode (lone surrogate)")
    return encode_basestring(text)  # json.dumps(text, ensure_ascii=False) is exactly this


SEQ_SEP = '","seq":'
TAIL = '","v":1}'


def build_leaf(head, middle, prev, seq, time_text):
    return f"{head}{prev}{SEQ_SEP}{seq}{middle}{time_text}{TAIL}"


_FIXED_BYTES = 64 + 16 + 27 + len(SEQ_SEP) + len(TAIL)  # prev, seq (<= 16 digits), time, separators


def _check_size(head, middle):
    chars = len(head) + len(middle)
    if chars * 4 + _FIXED_BYTES <= canonical.MAX_LEAF_BYTES:
        return  # at most 4 UTF-8 bytes a character: only a long entry needs counting
    if len((head + middle).encode("utf-8")) + _FIXED_BYTES > canonical.MAX_LEAF_BYTES:
        raise LedgerError("entry larger than 65,535 bytes; store the document outside and record its SHA-256")


def _connection(using):
    using = using or router.db_for_write(Entry)
    conn = connections[using]
    if not conn.in_atomic_block:
        raise LedgerError("ledger.append must run inside transaction.atomic() with the change it records")
    return conn


_TAIL_SQL = "SELECT seq, entry_hash FROM ledger_entry ORDER BY seq DESC LIMIT 1"


def _tail(cursor):
    cursor.execute(_TAIL_SQL)
    return _tail_of(cursor.fetchone())


def _tail_of(row):
    """(seq, prev) of the next entry, given the last one's (seq, entry_hash) or None."""
    return (row[0] + 1, row[1]) if row else (0, ZERO_HASH)


# The single append on PostgreSQL, prepared once per connection: planning an
# INSERT into a table with six indexes costs about as much as executing it,
# and it would otherwise happen while the head lock is held.
_PG_PREPARE = f"""
PREPARE ledger_append (text, text, text, text, text) AS
WITH tail AS (
    SELECT COALESCE((SELECT seq FROM ledger_entry ORDER BY seq DESC LIMIT 1) + 1, 0) AS seq,
           COALESCE((SELECT entry_hash FROM ledger_entry ORDER BY seq DESC LIMIT 1), repeat('0', 64)) AS prev,
           clock_timestamp() AS ts
), new AS (
    SELECT seq, prev, ts,
           $1 || prev || '{SEQ_SEP}' || seq::text || $2
           || to_char(ts AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') || '{TAIL}' AS leaf
    FROM tail
)
INSERT INTO ledger_entry (seq, prev, entry_hash, leaf, kind, subject, actor, time)
SELECT seq, prev, encode(sha256(decode('00', 'hex') || convert_to(leaf, 'UTF8')), 'hex'),
       leaf, $3, $4, $5, ts
FROM new
RETURNING seq, entry_hash, leaf
"""
# Lock and insert travel in one message, so the lock is granted on the server
# and the insert follows without a round trip to Python. In READ COMMITTED each
# statement of the message takes a fresh snapshot, so the insert sees the tail
# committed by the previous holder of the lock.
_PG_LOCKED_APPEND = "SELECT pg_advisory_xact_lock(%s); EXECUTE ledger_append(%s, %s, %s, %s, %s)"
_prepared = weakref.WeakSet()  # driver connections that hold ledger_append


def _pg_append(conn, cursor, head, middle, kind, subject, actor):
    raw = conn.connection
    if raw not in _prepared:
        # Prepared statements outlive a rolled-back transaction, so this runs once per connection.
        cursor.execute(_PG_PREPARE)
        _prepared.add(raw)
    cursor.execute(_PG_LOCKED_APPEND, [HEAD_LOCK_KEY, head, middle, kind, subject, actor])
    return Appended(*cursor.fetchone())


def append(kind, subject, actor, data, using=None) -> Appended:
    """Append one entry inside the caller's transaction; return its seq and hash."""
    head, middle = _fragments(kind, subject, actor, data)
    _check_size(head, middle)
    conn = _connection(using)
    if conn.vendor == "postgresql":
        with conn.cursor() as cursor:
            return _pg_append(conn, cursor, head, middle, kind, subject, actor)
    return append_many([(kind, subject, actor, data)], using=using)[0]


def _prepare(item):
    kind, subject, actor, data = item
    head, middle = _fragments(kind, subject, actor, data)
    _check_size(head, middle)
    return kind, subject, actor, head, middle


# Batches larger than this are checked while they are being copied (see _append_copying).
CHECK_WHILE_COPYING = 64
_SAVEPOINT = "ledger_append_many"


def append_many(items, using=None) -> list[Appended]:
    """Append several entries, taking the chain-head lock once."""
    items = list(items)
    if not items:
        return []
    conn = _connection(using)
    if conn.vendor == "postgresql" and len(items) > CHECK_WHILE_COPYING:
        return _append_copying(conn, items)
    prepared = [_prepare(item) for item in items]
    out = []
    with conn.cursor() as cursor:
        if conn.vendor == "postgresql":
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [HEAD_LOCK_KEY])
        seq, prev = _tail(cursor)
        now = datetime.now(UTC)
        rows = _chain_rows(prepared, seq, prev, format_time(now), out)
        if conn.vendor == "postgresql" and len(prepared) > 1:
            _copy_rows(cursor, rows, str(conn.ops.adapt_datetimefield_value(now)))
        else:
            stored_time = conn.ops.adapt_datetimefield_value(now)
            cursor.executemany(
                "INSERT INTO ledger_entry (seq, prev, entry_hash, leaf, kind, subject, actor, time) "
                "VALUES (%s, %s, %s, %s, %s, %s, %s, %s)", [row + (stored_time,) for row in rows])
    return out


def _append_copying(conn, items):
    """A large batch on PostgreSQL: each entry is checked and hashed while the server ingests the ones before.

    Checking (the JSON of every entry) then costs no time of its own; it
    hides under the COPY. A bad entry found midway aborts the COPY, and the
    savepoint taken with the lock undoes what was copied, so, as for a small
    batch, nothing is written and the caller's transaction can go on.
    """
    out, bad = [], []

    def checked():
        for item in items:
            try:
                yield _prepare(item)
            except LedgerError as exc:
                bad.append(exc)
                raise

    with conn.cursor() as cursor:
        cursor.execute(f"SELECT pg_advisory_xact_lock(%s); SAVEPOINT {_SAVEPOINT}; {_TAIL_SQL}", [HEAD_LOCK_KEY])
        seq, prev = _tail_of(cursor.fetchone())
        now = datetime.now(UTC)
        try:
            _copy_rows(cursor, _chain_rows(checked(), seq, prev, format_time(now), out),
                       str(conn.ops.adapt_datetimefield_value(now)))
        except Exception:
            if not bad:
                raise
            cursor.execute(f"ROLLBACK TO SAVEPOINT {_SAVEPOINT}; RELEASE SAVEPOINT {_SAVEPOINT}")
            raise bad[0] from None
        cursor.execute(f"RELEASE SAVEPOINT {_SAVEPOINT}")
    return out


def _chain_rows(prepared, seq, prev, time_text, out):
    """Yield the rows of the chained entries, appending each to `out` as it is built."""
    sha256 = hashlib.sha256
    for kind, subject, actor, head, middle in prepared:
        leaf = build_leaf(head, middle, prev, seq, time_text)
        entry_hash = sha256(b"\x00" + leaf.encode("utf-8")).hexdigest()
        out.append(Appended(seq, entry_hash, leaf))
        yield seq, prev, entry_hash, leaf, kind, subject, actor
        seq, prev = seq + 1, entry_hash


def _copy_escape(text):
    if "\\" in text or "\t" in text or "\n" in text or "\r" in text:
        return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    return text


class _CopyStream:
    """A file for COPY FROM STDIN that builds its lines only when the driver asks for more.

    The server then parses and indexes one chunk while Python hashes the next,
    so a batch costs about the larger of the two instead of their sum.
    """

    LINES_PER_READ = 32

    def __init__(self, lines):
        self.lines = lines

    def read(self, size=-1):
        return "".join(itertools.islice(self.lines, self.LINES_PER_READ))


def _copy_rows(cursor, rows, stored_time):
    lines = (f"{seq}\t{prev}\t{entry_hash}\t{_copy_escape(leaf)}\t{kind}\t{_copy_escape(subject)}\t"
             f"{_copy_escape(actor)}\t{stored_time}\n"
             for seq, prev, entry_hash, leaf, kind, subject, actor in rows)
    cursor.cursor.copy_expert(
        "COPY ledger_entry (seq, prev, entry_hash, leaf, kind, subject, actor, time) FROM STDIN", _CopyStream(lines))
