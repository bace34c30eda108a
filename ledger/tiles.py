"""Tile storage (C2SP tlog-tiles layout, height 8) and the hash reader on it.

Full tiles are stored once complete (table ledger_tile, append-only): level 0
holds entry hashes, level L holds the roots of the level L-1 tiles. The part
of the tree not yet covered by a full tile is read from its source: entry
hashes for level 0, stored tile roots above. So any complete-subtree hash
costs one read of one tile, and a root or proof O(log n) reads.
"""

import itertools

from django.db import connections

from . import merkle
from .models import Tile
from .note import TILE_HEIGHT, TILE_WIDTH


def tile_width_at(level: int, index: int, size: int) -> int:
    """How many hashes tile (level, index) holds in a tree of `size` leaves."""
    count = size >> (TILE_HEIGHT * level)
    return max(0, min(TILE_WIDTH, count - index * TILE_WIDTH))


class TileStore:
    """Answers merkle's `read(nodes)` from the database.

    A proof is latency-bound (a public endpoint), so the reader uses plain SQL
    rather than the ORM (building a query cost more than running it), and
    remembers every node it has computed: a root and a proof for the same size
    share their right edge.
    """

    def __init__(self, using="default"):
        self.using = using
        self._cache = {}
        self._not_stored = set()  # tiles known to be partial: read from their sources
        self._nodes = {}  # (tree level, index) -> hash of that complete subtree

    def _rows(self, sql, params):
        with connections[self.using].cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()

    def tile_hashes(self, level: int, index: int, width: int) -> list[bytes]:
        """The first `width` hashes of tile (level, index), from a full tile or its sources."""
        key = (level, index)
        cached = self._cache.get(key)
        if cached is not None and len(cached) >= width:
            return cached[:width]
        rows = []
        if key not in self._not_stored:
            rows = self._rows('SELECT hashes FROM ledger_tile WHERE level = %s AND "index" = %s', [level, index])
        if rows:
            hashes = _split(rows[0][0])
        else:
            hashes = self._partial(level, index)
        if len(hashes) < width:
            raise LookupError(f"tile {level}/{index} has {len(hashes)} hashes, {width} needed")
        self._cache[key] = hashes
        return hashes[:width]

    def _partial(self, level, index):
        # Everything the tile holds so far, so later reads of it hit the cache.
        start = index * TILE_WIDTH
        if level == 0:
            rows = self._rows("SELECT entry_hash FROM ledger_entry WHERE seq >= %s AND seq < %s ORDER BY seq",
                              [start, start + TILE_WIDTH])
            return [bytes.fromhex(h) for h, in rows]
        rows = self._rows('SELECT root FROM ledger_tile WHERE level = %s AND "index" >= %s AND "index" < %s '
                          'ORDER BY "index"', [level - 1, start, start + TILE_WIDTH])
        return [bytes(r) for r, in rows]

    def prefetch(self, tiles):
        """Load several full tiles in one query (tiles: iterable of (level, index))."""
        wanted = sorted(t for t in set(tiles) if t not in self._cache and t not in self._not_stored)
        if not wanted:
            return
        self._not_stored.update(wanted)  # until found below
        where = " OR ".join(['(level = %s AND "index" = %s)'] * len(wanted))
        params = [x for t in wanted for x in t]
        for level, index, data in self._rows(f'SELECT level, "index", hashes FROM ledger_tile WHERE {where}', params):
            self._cache[(level, index)] = _split(data)
            self._not_stored.discard((level, index))

    def read(self, nodes):
        """Hashes of complete subtrees (level, index), in order."""
        known = self._nodes
        plan = []
        for level, index in nodes:
            if (level, index) in known:
                continue
            tile_level, h = divmod(level, TILE_HEIGHT)
            start = index << h
            plan.append((level, index, tile_level, start >> TILE_HEIGHT, start & (TILE_WIDTH - 1), 1 << h))
        self.prefetch((t, n) for _, _, t, n, _, _ in plan)
        for level, index, tile_level, tile_index, offset, count in plan:
            hashes = self.tile_hashes(tile_level, tile_index, offset + count)
            known[(level, index)] = hashes[offset] if count == 1 else merkle.subtree_hash(hashes[offset:offset + count])
        return [known[node] for node in nodes]

    def root(self, size):
        return merkle.tree_root(size, self.read)


def _split(data):
    data = bytes(data)
    return [data[i:i + 32] for i in range(0, len(data), 32)]


TILE_BATCH = 100  # tiles per INSERT: 800 KB of hashes, a few MB once Django has built the statement


def full_tile_counts(using="default"):
    """Number of stored full tiles per level, e.g. {0: 390, 1: 1}."""
    from django.db.models import Count

    return {row["level"]: row["n"] for row in
            Tile.objects.using(using).values("level").annotate(n=Count("index"))}


def build_full_tiles(level0_hashes, size, using="default"):
    """Store every tile that became full within `size` leaves.

    `level0_hashes` iterates the checked entry hashes from the first entry
    not yet in a full level-0 tile; the caller verifies them against the
    leaves. Only the tiles it completes are taken from it, so the caller
    still has the entries of the partial tile to check. Tiles are written
    in groups, so memory stays bounded however far anchoring has fallen behind.
    Returns the number of tiles written.
    """
    counts = full_tile_counts(using)
    written = 0
    level = 0
    while True:
        have = counts.get(level, 0)
        available = size >> (TILE_HEIGHT * level)
        new = []
        for index in range(have, available // TILE_WIDTH):
            start = index * TILE_WIDTH
            if level == 0:
                hashes = list(itertools.islice(level0_hashes, TILE_WIDTH))
            else:
                hashes = [bytes(r) for r in Tile.objects.using(using)
                          .filter(level=level - 1, index__gte=start, index__lt=start + TILE_WIDTH)
                          .order_by("index").values_list("root", flat=True)]
            if len(hashes) != TILE_WIDTH:
                raise LookupError(f"tile {level}/{index}: {len(hashes)} hashes")
            new.append(Tile(level=level, index=index, hashes=b"".join(hashes), root=merkle.subtree_hash(hashes)))
            if len(new) == TILE_BATCH:
                Tile.objects.using(using).bulk_create(new)
                written += len(new)
                new = []
        if new:
            Tile.objects.using(using).bulk_create(new)
            written += len(new)
        if available < TILE_WIDTH:
            return written
        level += 1
