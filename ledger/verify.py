"""Full verification of the stored ledger (LEDGER_SPEC §6), streaming.

Recomputes every entry hash and the prev chain, rebuilds the Merkle tree on a
compact right edge (O(log n) memory), compares every stored checkpoint's root
and signature and every stored tile, and checks consistency between
consecutive checkpoints through the tile store.
"""

from dataclasses import dataclass, field

from django.db import connections

from . import keys, merkle, note
from .anchor import check_leaf
from .models import ZERO_HASH, Checkpoint, Tile
from .note import TILE_WIDTH
from .tiles import TileStore

CHUNK = 20000


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

    def __init__(self):
        self.stack = []  # (level, hash), levels strictly decreasing
        self.size = 0

    def push(self, h):
        level = 0
        while self.stack and self.stack[-1][0] == level:
            h = merkle.node_hash(self.stack.pop()[1], h)
            level += 1
        self.stack.append((level, h))
        self.size += 1

    def root(self):
        if not self.stack:
            return merkle.EMPTY_ROOT
        h = self.stack[-1][1]
        for _, left in reversed(self.stack[:-1]):
            h = merkle.node_hash(left, h)
        return h


def _stream_entries(using):
    conn = connections[using]
    last = -1
    while True:
        with conn.cursor() as cursor:
            cursor.execute("SELECT seq, prev, entry_hash, leaf FROM ledger_entry WHERE seq > %s ORDER BY seq LIMIT %s",
                           [last, CHUNK])
            rows = cursor.fetchall()
        if not rows:
            return
        yield from rows
        last = rows[-1][0]


def _tile_rows(using, level):
    last = -1
    while True:
        rows = list(Tile.objects.using(using).filter(level=level, index__gt=last).order_by("index")
                    .values_list("index", "hashes", "root")[:500])
        if not rows:
            return
        for index, hashes, root in rows:
            yield index, bytes(hashes), bytes(root)
        last = rows[-1][0]


def verify_ledger(using="default") -> Report:
    report = Report()
    verifiers = keys.verifiers()
    checkpoints = list(Checkpoint.objects.using(using).order_by("size").values_list("size", "root", "note"))
    pending = iter(checkpoints)
    next_cp = next(pending, None)
    edge = RightEdge()
    prev_hash = ZERO_HASH
    expected = 0
    level0_tiles = _tile_rows(using, 0)
    next_tile = next(level0_tiles, None)
    tile_buf = []

    def check_checkpoints_at(size):
        nonlocal next_cp
        while next_cp is not None and next_cp[0] == size:
            cp_size, cp_root, cp_note = next_cp
            _check_checkpoint(report, cp_size, cp_root, cp_note, edge.root(), verifiers)
            next_cp = next(pending, None)

    check_checkpoints_at(0)
    for seq, prev, entry_hash, leaf in _stream_entries(using):
        if seq != expected:
            report.fail(f"seq {expected}", "entry missing (deleted or never written)")
            return report
        if prev != prev_hash:
            report.fail(f"seq {seq}", "prev does not equal the entry_hash of the entry before")
            return report
        problem = check_leaf(seq, prev, entry_hash, leaf)
        if problem:
            report.fail(f"seq {seq}", problem)
            return report
        h = bytes.fromhex(entry_hash)
        edge.push(h)
        tile_buf.append(h)
        if len(tile_buf) == TILE_WIDTH:
            tile_index = seq // TILE_WIDTH
            if next_tile is not None and next_tile[0] == tile_index:
                if next_tile[1] != b"".join(tile_buf):
                    report.fail(f"tile 0/{tile_index}", "stored hashes differ from the entries")
                next_tile = next(level0_tiles, None)
            tile_buf = []
        prev_hash = entry_hash
        expected += 1
        report.entries += 1
        check_checkpoints_at(expected)
    if next_cp is not None:
        report.fail(f"checkpoint {next_cp[0]}", f"signs {next_cp[0]} entries but the ledger has {expected}")
    report.checkpoints = len(checkpoints)
    _check_upper_tiles(report, using)
    _check_consistency_chain(report, checkpoints, using)
    return report


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
    """Every stored tile's root matches its hashes; tiles above hold the roots below."""
    level = 0
    while Tile.objects.using(using).filter(level=level).exists():
        for index, hashes, root in _tile_rows(using, level):
            report.tiles += 1
            if merkle.subtree_hash([hashes[i:i + 32] for i in range(0, len(hashes), 32)]) != root:
                report.fail(f"tile {level}/{index}", "stored root differs from its hashes")
            if level > 0:
                below = (Tile.objects.using(using).filter(level=level - 1, index__gte=index * TILE_WIDTH,
                                                          index__lt=(index + 1) * TILE_WIDTH)
                         .order_by("index").values_list("root", flat=True))
                if hashes != b"".join(bytes(r) for r in below):
                    report.fail(f"tile {level}/{index}", "stored hashes differ from the tiles below")
        level += 1


def _check_consistency_chain(report, checkpoints, using):
    store = TileStore(using)
    for (old, old_root, _), (new, new_root, _) in zip(checkpoints, checkpoints[1:]):
        if old == 0:
            continue
        try:
            proof = merkle.consistency_proof(old, new, store.read)
            merkle.verify_consistency(old, new, proof, bytes.fromhex(old_root), bytes.fromhex(new_root))
        except (merkle.ProofError, LookupError) as exc:
            report.fail(f"checkpoint {new}", f"not consistent with checkpoint {old}: {exc}")
