"""RFC 9162 Merkle tree: spec vectors, every proof for sizes 1..64, bit flips."""

import hashlib

import pytest

from ledger import merkle

LEAVES = [bytes.fromhex(h) for h in
          ["", "00", "10", "2021", "3031", "40414243", "5051525354555657",
           "606162636465666768696a6b6c6d6e6f"]]
ROOTS = {
    1: "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    2: "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    3: "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    4: "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    5: "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    6: "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    7: "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    8: "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
}
INCLUSION_0_8 = [
    "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
    "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
    "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
]
CONSISTENCY_6_8 = [
    "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
    "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
]


def naive_mth(leaves):
    """RFC 9162 §2.1.1, literally."""
    n = len(leaves)
    if n == 0:
        return hashlib.sha256(b"").digest()
    if n == 1:
        return merkle.leaf_hash(leaves[0])
    k = 1
    while k * 2 < n:
        k *= 2
    return merkle.node_hash(naive_mth(leaves[:k]), naive_mth(leaves[k:]))


def naive_path(m, leaves):
    """RFC 9162 §2.1.3.1 PATH(m, D[n])."""
    n = len(leaves)
    if n == 1:
        return []
    k = 1
    while k * 2 < n:
        k *= 2
    if m < k:
        return naive_path(m, leaves[:k]) + [naive_mth(leaves[k:])]
    return naive_path(m - k, leaves[k:]) + [naive_mth(leaves[:k])]


def naive_subproof(m, leaves, b):
    """RFC 9162 §2.1.4.1 SUBPROOF(m, D[n], b)."""
    n = len(leaves)
    if m == n:
        return [] if b else [naive_mth(leaves)]
    k = 1
    while k * 2 < n:
        k *= 2
    if m <= k:
        return naive_subproof(m, leaves[:k], b) + [naive_mth(leaves[k:])]
    return naive_subproof(m - k, leaves[k:], False) + [naive_mth(leaves[:k])]


def flip(proof, i, bit):
    proof = list(proof)
    h = bytearray(proof[i])
    h[bit // 8] ^= 1 << (bit % 8)
    proof[i] = bytes(h)
    return proof


@pytest.fixture(scope="module")
def tree64():
    leaves = [f"leaf {i}".encode() for i in range(64)]
    return leaves, merkle.MemoryTree(merkle.leaf_hash(x) for x in leaves)


def test_spec_roots():
    tree = merkle.MemoryTree(merkle.leaf_hash(x) for x in LEAVES)
    assert merkle.tree_root(0, tree.read) == hashlib.sha256(b"").digest()
    for n, root in ROOTS.items():
        assert tree.root(n).hex() == root
        assert naive_mth(LEAVES[:n]).hex() == root


def test_spec_inclusion_and_consistency_vectors():
    tree = merkle.MemoryTree(merkle.leaf_hash(x) for x in LEAVES)
    proof = merkle.inclusion_proof(0, 8, tree.read)
    assert [h.hex() for h in proof] == INCLUSION_0_8
    merkle.verify_inclusion(merkle.leaf_hash(LEAVES[0]), 0, 8, proof, bytes.fromhex(ROOTS[8]))
    proof = merkle.consistency_proof(6, 8, tree.read)
    assert [h.hex() for h in proof] == CONSISTENCY_6_8
    merkle.verify_consistency(6, 8, proof, bytes.fromhex(ROOTS[6]), bytes.fromhex(ROOTS[8]))


def test_every_inclusion_proof_up_to_64(tree64):
    leaves, tree = tree64
    for n in range(1, 65):
        root = naive_mth(leaves[:n])
        assert tree.root(n) == root
        for i in range(n):
            proof = merkle.inclusion_proof(i, n, tree.read)
            assert proof == naive_path(i, leaves[:n])
            merkle.verify_inclusion(merkle.leaf_hash(leaves[i]), i, n, proof, root)


def test_every_consistency_proof_up_to_64(tree64):
    leaves, tree = tree64
    for n in range(1, 65):
        new_root = naive_mth(leaves[:n])
        for m in range(1, n + 1):
            proof = merkle.consistency_proof(m, n, tree.read)
            expected = [] if m == n else naive_subproof(m, leaves[:n], True)
            assert proof == expected
            merkle.verify_consistency(m, n, proof, naive_mth(leaves[:m]), new_root)
    assert merkle.consistency_proof(0, 5, tree.read) == []


def test_flipped_bits_fail_inclusion(tree64):
    leaves, tree = tree64
    n = 45
    root = tree.root(n)
    for i in (0, 17, 31, 44):
        proof = merkle.inclusion_proof(i, n, tree.read)
        lh = merkle.leaf_hash(leaves[i])
        for j in range(len(proof)):
            for bit in (0, 101, 255):
                with pytest.raises(merkle.ProofError):
                    merkle.verify_inclusion(lh, i, n, flip(proof, j, bit), root)
        with pytest.raises(merkle.ProofError):
            merkle.verify_inclusion(flip([lh], 0, 7)[0], i, n, proof, root)
        with pytest.raises(merkle.ProofError):
            merkle.verify_inclusion(lh, i, n, proof, flip([root], 0, 200)[0])
        with pytest.raises(merkle.ProofError):
            merkle.verify_inclusion(lh, i, n, proof[:-1], root)
        with pytest.raises(merkle.ProofError):
            merkle.verify_inclusion(lh, i, n, proof + [root], root)
        with pytest.raises(merkle.ProofError):
            merkle.verify_inclusion(lh, i ^ 1, n, proof, root)


def test_flipped_bits_fail_consistency(tree64):
    _, tree = tree64
    for m, n in ((6, 8), (7, 64), (32, 50), (1, 33)):
        proof = merkle.consistency_proof(m, n, tree.read)
        old, new = tree.root(m), tree.root(n)
        for j in range(len(proof)):
            for bit in (3, 128, 250):
                with pytest.raises(merkle.ProofError):
                    merkle.verify_consistency(m, n, flip(proof, j, bit), old, new)
        with pytest.raises(merkle.ProofError):
            merkle.verify_consistency(m, n, proof, flip([old], 0, 1)[0], new)
        with pytest.raises(merkle.ProofError):
            merkle.verify_consistency(m, n, proof, old, flip([new], 0, 1)[0])
        with pytest.raises(merkle.ProofError):
            merkle.verify_consistency(m, n, proof[:-1], old, new)
