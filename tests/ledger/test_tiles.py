"""Roots and proofs from stored tiles equal those of the whole tree in memory."""

import pytest

from ledger import merkle, proofs
from ledger.anchor import anchor
from ledger.models import Entry, Tile
from ledger.tiles import TileStore
from tests.factories import append_entries

pytestmark = pytest.mark.django_db


def memory_tree():
    hashes = Entry.objects.order_by("seq").values_list("entry_hash", flat=True)
    return merkle.MemoryTree(bytes.fromhex(h) for h in hashes)


def test_tiles_across_levels_match_memory_tree(django_assert_max_num_queries):
    # Anchor at sizes that straddle tile edges, ending past one level-1 tile (65,536 leaves).
    for size in (1, 255, 256, 257, 700, 65536 + 300):
        append_entries(size - Entry.objects.count())
        assert anchor().size == size
    mem = memory_tree()
    assert Tile.objects.filter(level=0).count() == 257
    assert Tile.objects.filter(level=1).count() == 1
    store = TileStore()
    for n in (1, 2, 255, 256, 257, 511, 512, 700, 65535, 65536, 65537, 65836):
        assert store.root(n) == mem.root(n)
    n = 65836
    for seq in (0, 1, 255, 256, 40000, 65535, 65536, 65835):
        with django_assert_max_num_queries(5):
            root, hashes = proofs.inclusion(seq, n, TileStore())
        assert root == mem.root(n)
        assert hashes == merkle.inclusion_proof(seq, n, mem.read)
    for old in (1, 256, 257, 700, 65536, 65835):
        with django_assert_max_num_queries(5):
            hashes = proofs.consistency(old, n, TileStore())
        assert hashes == merkle.consistency_proof(old, n, mem.read)
        merkle.verify_consistency(old, n, hashes, mem.root(old), mem.root(n))
