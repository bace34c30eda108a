"""Anchoring: build new tiles and sign a checkpoint (LEDGER_SPEC §3).

Incremental: only entries after the last full level-0 tile are read and
re-hashed. Before signing, the new tree must be a proven extension of the last
checkpoint; otherwise nothing is signed, and an alert is raised.
"""

import logging
import queue
import threading
from binascii import hexlify, unhexlify
from datetime import UTC, datetime
from hashlib import sha256

from django.db import IntegrityError, connections, transaction

from . import merkle, note
from .keys import signer as current_signer
from .models import Alert, Checkpoint, Entry
from .note import TILE_WIDTH
from .tiles import TileStore, build_full_tiles, full_tile_counts

log = logging.getLogger("ledger")
ANCHOR_LOCK_KEY = 0x4C45444745520002


class AnchorRefused(Exception):
    """The ledger is not an extension of what was signed; nothing was signed."""


def raise_alert(source, message):
    log.critical("ledger %s: %s", source, message)
    # Outside any failed transaction, so the alert survives the rollback.
    with transaction.atomic():
        Alert.objects.create(source=source, message=message)


def check_leaf(seq, prev, entry_hash, leaf):
    """Problem with one stored entry, or None. Cheap enough to stream.

    Takes the row as stream_entries yields it: prev, entry_hash and leaf as
    the stored UTF-8 bytes, so the leaf is hashed exactly as stored.
    """
    if hexlify(sha256(b"\x00" + leaf).digest()) != entry_hash:
        return "leaf does not hash to entry_hash"
    # The top-level prev/seq pair is the last '"prev":"' in the leaf: members
    # after it are strings and integers, which cannot hold an unescaped quote.
    at = leaf.rfind(b'"prev":"')
    if at < 0 or not leaf.startswith(b'"prev":"%s","seq":%d,' % (prev, seq), at):
        return "leaf's own prev or seq differs from its row"
    return None


CHUNK = 5000  # entries per query: about 5 MB of rows in memory at a time
_ENTRY_PAGE = "SELECT seq, prev, entry_hash, leaf FROM ledger_entry WHERE seq >= %s AND seq < %s ORDER BY seq"
# SQLite hands TEXT out as str unless asked for the bytes.
_ENTRY_PAGE_SQLITE = ("SELECT seq, CAST(prev AS BLOB), CAST(entry_hash AS BLOB), CAST(leaf AS BLOB) "
                      "FROM ledger_entry WHERE seq >= %s AND seq < %s ORDER BY seq")


def stream_entries(start, end, using="default"):
    """Rows (seq, prev, entry_hash, leaf) of start <= seq < end in order, text columns as bytes.

    Bytes, because decoding every leaf only to encode it again for hashing
    was a quarter of verification's time. Pages are seq ranges rather than
    LIMIT pages: with stale statistics (a freshly restored database)
    PostgreSQL may plan `seq > x ORDER BY seq LIMIT n` as a sort of the
    whole table; a range keeps it on the primary key.
    """
    ranges = ((a, min(a + CHUNK, end)) for a in range(start, end, CHUNK))
    conn = connections[using]
    if conn.vendor == "postgresql":
        conn.ensure_connection()
        yield from _read_ahead(conn.connection, ranges)
        return
    for page in ranges:
        with conn.cursor() as cursor:
            cursor.execute(_ENTRY_PAGE_SQLITE, page)
            rows = cursor.fetchall()
        yield from rows


def _read_ahead(raw, ranges):
    """Fetch the next page in a thread while the caller checks this one.

    Reading a page is mostly waiting on the server, with the GIL released, so
    reading and hashing overlap. psycopg2
    connections may be shared between threads; the caller's other queries
    simply queue behind the current page. At most two pages are held.
    """
    import psycopg2.extensions  # PostgreSQL only

    pages = queue.Queue(maxsize=1)
    stop = threading.Event()

    def fetch():
        try:
            with raw.cursor() as cursor:
                psycopg2.extensions.register_type(psycopg2.extensions.BYTES, cursor)  # text as bytes
                for page in ranges:
                    if stop.is_set():
                        return
                    cursor.execute(_ENTRY_PAGE, page)
                    pages.put(cursor.fetchall())
        except Exception as exc:  # handed to the caller's thread, raised there
            pages.put(exc)
        finally:
            pages.put(None)

    thread = threading.Thread(target=fetch, name="ledger-read-ahead", daemon=True)
    thread.start()
    try:
        while (page := pages.get()) is not None:
            if isinstance(page, Exception):
                raise page
            yield from page
    finally:
        stop.set()
        while thread.is_alive():  # unblock a pending put() so the thread can end
            try:
                pages.get(timeout=0.05)
            except queue.Empty:
                pass
        thread.join()


def _read_and_check(start, size, prev_hash):
    """Yield the entry hashes of [start, size), each checked against its leaf and chain (prev_hash: hex bytes)."""
    expected = start
    for seq, prev, entry_hash, leaf in stream_entries(start, size):
        if seq != expected:
            raise AnchorRefused(f"entry {expected} is missing")
        if prev != prev_hash:
            raise AnchorRefused(f"entry {seq}: prev does not match entry {seq - 1}")
        problem = check_leaf(seq, prev, entry_hash, leaf)
        if problem:
            raise AnchorRefused(f"entry {seq}: {problem}")
        yield unhexlify(entry_hash)
        prev_hash = entry_hash
        expected += 1
    if expected != size:
        raise AnchorRefused(f"entry {expected} is missing")


def _lock(conn):
    if conn.vendor == "postgresql":
        with conn.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [ANCHOR_LOCK_KEY])


def anchor():
    """Sign the current tree if it grew. Returns the latest Checkpoint (or None if refused)."""
    try:
        return _anchor()
    except AnchorRefused as exc:
        raise_alert("anchor", f"refused to sign: {exc}")
        return None
    except IntegrityError:
        # A concurrent run signed this size first (UNIQUE size / tile index).
        return Checkpoint.objects.order_by("-size").first()


def _anchor():
    signer = current_signer()
    with transaction.atomic():
        _lock(connections["default"])
        last = Checkpoint.objects.order_by("-size").first()
        tail = Entry.objects.order_by("-seq").values_list("seq", flat=True).first()
        size = 0 if tail is None else tail + 1
        if last is not None and size == last.size:
            return last
        if last is not None and size < last.size:
            raise AnchorRefused(f"ledger has {size} entries, fewer than the {last.size} already signed")
        tiled = full_tile_counts().get(0, 0) * TILE_WIDTH
        store = TileStore()
        prev_hash = hexlify(bytes(32)) if tiled == 0 else hexlify(store.tile_hashes(0, tiled // TILE_WIDTH - 1,
                                                                                  TILE_WIDTH)[-1])
        fresh = _read_and_check(tiled, size, prev_hash)
        build_full_tiles(fresh, size)
        for _ in fresh:  # the entries after the last full tile are checked too
            pass
        store = TileStore()
        root = store.root(size)
        if last is not None and last.size > 0:
            old_root = bytes.fromhex(last.root)
            try:
                proof = merkle.consistency_proof(last.size, size, store.read)
                merkle.verify_consistency(last.size, size, proof, old_root, root)
            except merkle.ProofError as exc:
                raise AnchorRefused(f"tree of size {size} is not an extension of checkpoint {last.size}: {exc}")
        signed = note.sign_checkpoint(note.Checkpoint(signer.name, size, root), signer)
        return Checkpoint.objects.create(size=size, root=root.hex(), note=signed,
                                         key_id=signer.verifier.key_id.hex(),
                                         signed_at=datetime.now(UTC))
