"""Signed notes, checkpoints, tlog-proof and tile paths (C2SP formats)."""

import pytest

from ledger import note

PETER_KEY = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
PETER_TEXT = ("If you think cryptography is the answer to your problem,\n"
              "then you don't know what your problem is.\n")
PETER_SIG = ("\u2014 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1F"
             "FYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n")


def test_go_sumdb_note_vector_verifies():
    v = note.parse_verifier(PETER_KEY)
    assert v.text == PETER_KEY
    text, signers = note.open_note(PETER_TEXT + "\n" + PETER_SIG, [v])
    assert text == PETER_TEXT
    assert signers == [v]


def test_go_vector_tampered_text_fails():
    v = note.parse_verifier(PETER_KEY)
    with pytest.raises(note.NoteError):
        note.open_note(PETER_TEXT.replace("answer", "Answer") + "\n" + PETER_SIG, [v])


def test_verifier_key_parsing_rejects_mismatched_id():
    with pytest.raises(note.NoteError):
        note.parse_verifier(PETER_KEY.replace("c74f20a3", "c74f20a4"))
    with pytest.raises(note.NoteError):
        note.parse_verifier("PeterNeumann+c74f20a3")


def test_verifier_key_split_at_first_two_plus_only():
    # Base64 keys may contain '+'; find one and make sure it parses.
    for _ in range(200):
        signer = note.generate_signer("cishan.example.org/ledger")
        if "+" in signer.verifier.text.split("+", 2)[2]:
            break
    assert note.parse_verifier(signer.verifier.text) == signer.verifier


def test_checkpoint_sign_and_verify_roundtrip():
    signer = note.generate_signer("cishan.example.org/ledger")
    cp = note.Checkpoint("cishan.example.org/ledger", 7, bytes(range(32)))
    signed = note.sign_checkpoint(cp, signer)
    lines = signed.split("\n")
    assert lines[:4] == ["cishan.example.org/ledger", "7", note.b64(bytes(range(32))), ""]
    assert lines[4].startswith("\u2014 cishan.example.org/ledger ")
    assert signed.endswith("\n") and not signed.endswith("\n\n")
    assert note.verify_checkpoint(signed, [signer.verifier]) == cp
    other = note.generate_signer("cishan.example.org/ledger")
    with pytest.raises(note.NoteError):
        note.verify_checkpoint(signed, [other.verifier])
    forged = signed.replace("\n7\n", "\n8\n")
    with pytest.raises(note.NoteError):
        note.verify_checkpoint(forged, [signer.verifier])


def test_signer_text_roundtrip():
    signer = note.generate_signer("example.org/log")
    assert note.parse_signer(signer.text) == signer
    assert signer.text.startswith("PRIVATE+KEY+example.org/log+")


def test_tlog_proof_roundtrip():
    proof = note.format_tlog_proof(b'{"a":1}', 5, [bytes(32), bytes([1]) * 32], "cp\n1\nroot\n\n\u2014 x y\n")
    assert proof.startswith("c2sp.org/tlog-proof@v1\nextra eyJhIjoxfQ==\nindex 5\n")
    parsed = note.parse_tlog_proof(proof)
    assert parsed.extra == b'{"a":1}' and parsed.index == 5 and len(parsed.hashes) == 2
    assert parsed.checkpoint_note == "cp\n1\nroot\n\n\u2014 x y\n"


@pytest.mark.parametrize("n,path", [(0, "000"), (5, "005"), (999, "999"), (1000, "x001/000"),
                                    (1234067, "x001/x234/067")])
def test_tile_index_paths(n, path):
    assert note.tile_index_path(n) == path
    assert note.parse_tile_index(path) == n


@pytest.mark.parametrize("path", ["x000/001", "0001", "1", "x1/000", "x001", "abc", "x001/x000"])
def test_tile_index_non_canonical(path):
    with pytest.raises(note.NoteError):
        note.parse_tile_index(path)
