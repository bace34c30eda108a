"""RFC 9162 §2.1 Merkle tree hashes and proofs, over stored subtree hashes.

The shape follows golang.org/x/mod/sumdb/tlog: every root and proof is built
from hashes of *complete* subtrees, named (level, index) where the subtree
covers leaves [index * 2**level, (index + 1) * 2**level). Callers supply a
`read(nodes) -> list[bytes]` function; the tile store answers it with O(1)
reads per tile, so any root or proof costs O(log n) reads.

Verification functions are the RFC 9162 §2.1.3.2 and §2.1.4.2 algorithms and
need nothing but the proof.
"""

import hashlib

EMPTY_ROOT = hashlib.sha256(b"").digest()


class ProofError(ValueError):
    """A proof that does not verify, or arguments that cannot have one."""


def leaf_hash(leaf: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + leaf).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def _split(n: int) -> int:
    """The largest power of two smaller than n (n >= 2)."""
    return 1 << ((n - 1).bit_length() - 1)


def _largest_aligned(lo: int, hi: int) -> int:
    """Level of the largest complete subtree starting at lo within [lo, hi)."""
    k = (hi - lo).bit_length() - 1
    while lo & ((1 << k) - 1):
        k -= 1
    return k


# Which complete subtrees a computation needs ------------------------------

def _subtree_nodes(lo, hi, need):
    """Complete subtrees that together make up [lo, hi), left to right.

    [lo, hi) here is always either a complete subtree or the ragged right
    edge of the tree, so the decomposition is by descending powers of two.
    """
    while lo < hi:
        level = (hi - lo).bit_length() - 1
        if lo & ((1 << level) - 1):
            level = _largest_aligned(lo, hi)
        need.append((level, lo >> level))
        lo += 1 << level
    return need


def _combine(count, hashes, pos):
    """Hash of the range made of `count` complete subtrees at hashes[pos:]."""
    h = hashes[pos + count - 1]
    for i in range(pos + count - 2, pos - 1, -1):
        h = node_hash(hashes[i], h)
    return h, pos + count


def _subtree_count(lo, hi):
    return len(_subtree_nodes(lo, hi, []))


def root_nodes(size):
    return _subtree_nodes(0, size, [])


def root_from(size, hashes):
    if size == 0:
        return EMPTY_ROOT
    return _combine(len(hashes), hashes, 0)[0]


def tree_root(size, read):
    """MTH of the first `size` leaves."""
    if size == 0:
        return EMPTY_ROOT
    return root_from(size, read(root_nodes(size)))


# Inclusion proofs --------------------------------------------------------------

def _inclusion_nodes(lo, hi, index, need):
    if hi - lo == 1:
        return need
    k = _split(hi - lo)
    if index < lo + k:
        _inclusion_nodes(lo, lo + k, index, need)
        _subtree_nodes(lo + k, hi, need)
    else:
        _subtree_nodes(lo, lo + k, need)
        _inclusion_nodes(lo + k, hi, index, need)
    return need


def _inclusion_build(lo, hi, index, hashes, pos, out):
    if hi - lo == 1:
        return pos
    k = _split(hi - lo)
    if index < lo + k:
        pos = _inclusion_build(lo, lo + k, index, hashes, pos, out)
        h, pos = _combine(_subtree_count(lo + k, hi), hashes, pos)
    else:
        h, pos = _combine(_subtree_count(lo, lo + k), hashes, pos)
        pos = _inclusion_build(lo + k, hi, index, hashes, pos, out)
    out.append(h)
    return pos


def inclusion_proof(index, size, read):
    """Audit path for leaf `index` in the tree of `size` leaves (RFC 9162 §2.1.3.1)."""
    if not 0 <= index < size:
        raise ProofError("index must be below size")
    hashes = read(_inclusion_nodes(0, size, index, []))
    out = []
    _inclusion_build(0, size, index, hashes, 0, out)
    return out


def verify_inclusion(leaf_hash_, index, size, proof, root):
    """RFC 9162 §2.1.3.2; raises ProofError unless the proof holds."""
    if not 0 <= index < size:
        raise ProofError("index must be below size")
    fn, sn, r = index, size - 1, leaf_hash_
    for p in proof:
        if sn == 0:
            raise ProofError("proof too long")
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            if not fn & 1:
                while fn & 1 == 0 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise ProofError("proof too short")
    if r != root:
        raise ProofError("root mismatch")


# Consistency proofs -----------------------------------------------------------

def _consistency_nodes(lo, hi, old, need):
    if old == hi:
        if lo == 0:
            return need
        return _subtree_nodes(lo, hi, need)
    k = _split(hi - lo)
    if old <= lo + k:
        _consistency_nodes(lo, lo + k, old, need)
        _subtree_nodes(lo + k, hi, need)
    else:
        _subtree_nodes(lo, lo + k, need)
        _consistency_nodes(lo + k, hi, old, need)
    return need


def _consistency_build(lo, hi, old, hashes, pos, out):
    if old == hi:
        if lo == 0:
            return pos
        h, pos = _combine(_subtree_count(lo, hi), hashes, pos)
        out.append(h)
        return pos
    k = _split(hi - lo)
    if old <= lo + k:
        pos = _consistency_build(lo, lo + k, old, hashes, pos, out)
        h, pos = _combine(_subtree_count(lo + k, hi), hashes, pos)
    else:
        h, pos = _combine(_subtree_count(lo, lo + k), hashes, pos)
        pos = _consistency_build(lo + k, hi, old, hashes, pos, out)
    out.append(h)
    return pos


def consistency_proof(old, size, read):
    """Proof that the tree of `old` leaves is a prefix of the one of `size` (§2.1.4.1)."""
    if not 0 <= old <= size:
        raise ProofError("old must not exceed size")
    if old == 0 or old == size:
        return []
    hashes = read(_consistency_nodes(0, size, old, []))
    out = []
    _consistency_build(0, size, old, hashes, 0, out)
    return out


def verify_consistency(old, size, proof, old_root, new_root):
    """RFC 9162 §2.1.4.2; raises ProofError unless the proof holds."""
    if not 0 <= old <= size:
        raise ProofError("old must not exceed size")
    if old == size:
        if proof:
            raise ProofError("proof must be empty for equal sizes")
        if old_root != new_root:
            raise ProofError("roots differ for equal sizes")
        return
    if old == 0:
        if proof:
            raise ProofError("proof must be empty from the empty tree")
        return
    if not proof:
        raise ProofError("empty proof")
    proof = list(proof)
    if old & (old - 1) == 0:  # old is a power of two: its root starts the path
        proof.insert(0, old_root)
    fn, sn = old - 1, size - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = proof[0]
    for c in proof[1:]:
        if sn == 0:
            raise ProofError("proof too long")
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            if not fn & 1:
                while fn & 1 == 0 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise ProofError("proof too short")
    if fr != old_root or sr != new_root:
        raise ProofError("root mismatch")


# In-memory reader ------------------------------------------------------------

def subtree_hash(hashes):
    """Root of a complete subtree given its 2**k bottom hashes."""
    level = list(hashes)
    while len(level) > 1:
        level = [node_hash(level[i], level[i + 1]) for i in range(0, len(level), 2)]
    return level[0]


class MemoryTree:
    """All levels in memory: for tests, tools and building tiles."""

    def __init__(self, leaf_hashes=()):
        self.levels = [[]]
        for h in leaf_hashes:
            self.append(h)

    def append(self, h):
        level = 0
        self.levels[0].append(h)
        while len(self.levels[level]) % 2 == 0:
            pair = self.levels[level][-2:]
            if len(self.levels) == level + 1:
                self.levels.append([])
            self.levels[level + 1].append(node_hash(*pair))
            level += 1

    @property
    def size(self):
        return len(self.levels[0])

    def read(self, nodes):
        return [self.levels[level][index] for level, index in nodes]

    def root(self, size=None):
        return tree_root(self.size if size is None else size, self.read)
