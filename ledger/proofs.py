"""Proofs served to the public, always tied to a signed checkpoint (LEDGER_SPEC §4-5)."""

from . import merkle, note
from .models import Checkpoint, Entry
from .tiles import TileStore


class ProofUnavailable(Exception):
    """No checkpoint covers what was asked (yet)."""


def latest_checkpoint():
    return Checkpoint.objects.order_by("-size").first()


def inclusion(seq, size, store=None):
    """(root, hashes) for entry `seq` in the tree of `size` leaves."""
    store = store or TileStore()
    return store.root(size), merkle.inclusion_proof(seq, size, store.read)


def consistency(old, size, store=None):
    store = store or TileStore()
    return merkle.consistency_proof(old, size, store.read)


def receipt_proof(seq):
    """The C2SP tlog-proof text for entry `seq` against the latest checkpoint.

    Raises ProofUnavailable until a checkpoint covers the entry.
    """
    cp = latest_checkpoint()
    if cp is None or seq >= cp.size:
        raise ProofUnavailable("not yet anchored")
    entry = Entry.objects.get(seq=seq)
    _, hashes = inclusion(seq, cp.size)
    return note.format_tlog_proof(entry.leaf.encode("utf-8"), seq, hashes, cp.note)
