"""Full verification of the stored ledger (LEDGER_SPEC §6), streaming.

Recomputes every entry hash and the prev chain, rebuilds the Merkle tree tile
by tile on a compact right edge (O(log n) memory), compares every stored tile
and every stored checkpoint's root and signature, and checks consistency
between consecutive checkpoints through the tile store.

Memory stays flat: entries, tiles and checkpoints are read in bounded pages,
and nothing is kept per entry. Speed matters as much (a periodic task reads
every entry), so the per-entry loop does only what the checks need: the tree
is hashed a full tile at a time, which also yields the level-0 tile roots to
compare with the stored ones.
"""

from binascii import unhexlify
from dataclasses import dataclass, field

from . import keys, merkle, note
from .anchor import check_leaf, stream_entries
from .models import ZERO_HASH, Checkpoint, Entry, Tile
from .note import TILE_HEIGHT, TILE_WIDTH
from .tiles import TileStore

PAGE = 500  # tiles or checkpoints per query
STORE_REUSE = 256  # consecutive checkpoint pairs sharing one tile cache (bounded memory)


@dataclass
class Report:
    entries: int = 0
    checkpoints: int = 0
    tiles: int = 0
    problems: list = field(default_factory=list)

    @property
    def ok(self):
        return not self.problems

    def fail(self, where, message):
        self.problems.append(f"{where}: {message}")


class RightEdge:
    """The Merkle tree's compact range [0, n): one hash per set bit of n."""

    def __init__(self, stack=()):
        self.stack = list(stack)  # (level, hash), levels strictly decreasing

    def push(self, h, level=0):
        """Add a complete subtree of 2**level leaves (aligned: the edge so far is a multiple of its size)."""
        stack = self.stack
        while stack and stack[-1][0] == level:
            h = merkle.node_hash(stack.pop()[1], h)
            level += 1
        stack.append((level, h))

    def root(self):
        if not self.stack:
            return merkle.EMPTY_ROOT
        h = self.stack[-1][1]
        for _, left in reversed(self.stack[:-1]):
            h = merkle.node_hash(left, h)
        return h

    def root_with(self, leaves):
        """Root of the tree extended by `leaves`, leaving this edge as it is."""
        edge = RightEdge(self.stack)
        for h in leaves:
            edge.push(h)
        return edge.root()


def _tile_rows(using, level, below=None):
    last = -1
    while True:
        query = Tile.objects.using(using).filter(level=level, index__gt=last)
        if below is not None:
            query = query.filter(index__lt=below)
        rows = list(query.order_by("index").values_list("index", "hashes", "root")[:PAGE])
        if not rows:
            return
        for index, hashes, root in rows:
            yield index, bytes(hashes), bytes(root)
        last = rows[-1][0]


def _checkpoints(using, up_to):
    last = -1
    while True:
        rows = list(Checkpoint.objects.using(using).filter(size__gt=last, size__lte=up_to).order_by("size")
                    .values_list("size", "root", "note")[:PAGE])
        if not rows:
            return
        yield from rows
        last = rows[-1][0]


def verify_ledger(using="default") -> Report:
    report = Report()
    verifiers = keys.verifiers()
    # What was signed before we start; entries are counted after, so a
    # checkpoint signed meanwhile is not mistaken for one beyond the ledger.
    signed = Checkpoint.objects.using(using).order_by("-size").values_list("size", flat=True).first()
    signed = -1 if signed is None else signed
    tail = Entry.objects.using(using).order_by("-seq").values_list("seq", flat=True).first()
    end = 0 if tail is None else tail + 1

    pending = _checkpoints(using, signed)
    next_cp = next(pending, None)
    level0 = _tile_rows(using, 0, below=end // TILE_WIDTH)
    next_tile = next(level0, None)
    edge = RightEdge()
    tile = []  # entry hashes of the tile being filled
    prev_hash = ZERO_HASH.encode()  # rows come as bytes (stream_entries)
    expected = 0

    def check_checkpoints():
        nonlocal next_cp
        while next_cp is not None and next_cp[0] == expected:
            _check_checkpoint(report, *next_cp, edge.root_with(tile), verifiers)
            report.checkpoints += 1
            next_cp = next(pending, None)

    check_checkpoints()
    for seq, prev, entry_hash, leaf in stream_entries(0, end, using):
        if seq != expected:
            report.fail(f"seq {expected}", "entry missing (deleted or never written)")
            report.entries = expected
            return report
        if prev != prev_hash:
            report.fail(f"seq {seq}", "prev does not equal the entry_hash of the entry before")
            report.entries = expected
            return report
        problem = check_leaf(seq, prev, entry_hash, leaf)
        if problem:
            report.fail(f"seq {seq}", problem)
            report.entries = expected
            return report
        tile.append(unhexlify(entry_hash))
        prev_hash = entry_hash
        expected += 1
        if len(tile) == TILE_WIDTH:
            index = seq // TILE_WIDTH
            root = merkle.subtree_hash(tile)
            if next_tile is not None and next_tile[0] == index:
                _check_level0_tile(report, index, tile, root, *next_tile[1:])
                next_tile = next(level0, None)
            edge.push(root, TILE_HEIGHT)
            tile = []
        if next_cp is not None and next_cp[0] == expected:
            check_checkpoints()
    report.entries = expected
    if next_cp is not None:
        report.fail(f"checkpoint {next_cp[0]}", f"signs {next_cp[0]} entries but the ledger has {expected}")
        report.checkpoints += 1 + sum(1 for _ in pending)
    _check_upper_tiles(report, using)
    _check_consistency_chain(report, using, signed)
    return report


def _check_level0_tile(report, index, computed, computed_root, hashes, root):
    report.tiles += 1
    if hashes != b"".join(computed):
        report.fail(f"tile 0/{index}", "stored hashes differ from the entries")
    elif root != computed_root:
        report.fail(f"tile 0/{index}", "stored root differs from its hashes")


def _check_checkpoint(report, size, root_hex, note_text, actual_root, verifiers):
    where = f"checkpoint {size}"
    try:
        cp = note.verify_checkpoint(note_text, verifiers)
    except note.NoteError as exc:
        report.fail(where, f"signature does not verify: {exc}")
        return
    if cp.size != size or cp.root.hex() != root_hex:
        report.fail(where, "signed note differs from the stored size or root")
    elif cp.root != actual_root:
        report.fail(where, "signed root differs from the root of the stored entries")


def _check_upper_tiles(report, using):
    """Tiles above level 0: each root matches its hashes, which are the roots of the tiles below.

    Level-0 tiles were compared with the entries while streaming.
    """
    level = 1
    while Tile.objects.using(using).filter(level=level).exists():
        for index, hashes, root in _tile_rows(using, level):
            report.tiles += 1
            if merkle.subtree_hash([hashes[i:i + 32] for i in range(0, len(hashes), 32)]) != root:
                report.fail(f"tile {level}/{index}", "stored root differs from its hashes")
            below = (Tile.objects.using(using).filter(level=level - 1, index__gte=index * TILE_WIDTH,
                                                      index__lt=(index + 1) * TILE_WIDTH)
                     .order_by("index").values_list("root", flat=True))
            if hashes != b"".join(bytes(r) for r in below):
                report.fail(f"tile {level}/{index}", "stored hashes differ from the tiles below")
        level += 1


def _check_consistency_chain(report, using, signed):
    store = TileStore(using)
    previous = None
    for pairs, (new, new_root, _) in enumerate(_checkpoints(using, signed)):
        if pairs % STORE_REUSE == 0:
            store = TileStore(using)  # consecutive pairs share tiles; a fresh cache now and then bounds memory
        if previous is not None and previous[0] != 0:
            old, old_root = previous
            try:
                proof = merkle.consistency_proof(old, new, store.read)
                merkle.verify_consistency(old, new, proof, bytes.fromhex(old_root), bytes.fromhex(new_root))
            except (merkle.ProofError, LookupError) as exc:
                report.fail(f"checkpoint {new}", f"not consistent with checkpoint {old}: {exc}")
        previous = (new, new_root)
