"""tools/verify_receipt.py checks a downloaded .tlog-proof on its own; any altered byte makes it fail."""

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

from ledger import keys
from ledger.tasks import anchor_ledger
from tests.factories import append_entries, make_campaign, make_charity, make_donations, make_platform

pytestmark = pytest.mark.django_db
TOOL = Path(__file__).resolve().parents[2] / "tools" / "verify_receipt.py"


def load_tool():
    spec = importlib.util.spec_from_file_location("verify_receipt", TOOL)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def proof(client, tmp_path):
    platform = make_platform("toolplat")
    campaign = make_campaign(make_charity(), [platform], starts_in_days=0)
    append_entries(5)  # so the donation's entry is not the first leaf and the proof has some depth
    result = make_donations(campaign, platform, [66_66], donor_ref="13912345678")[0]
    append_entries(7)
    anchor_ledger.apply()
    response = client.get(reverse("receipt-proof", args=[result["receipt_no"]]), {"code": result["verification_code"]})
    assert response.status_code == 200
    path = tmp_path / f"{result['receipt_no']}.tlog-proof"
    path.write_bytes(response.content)
    key_file = tmp_path / "ledger.key"
    key_file.write_text("".join(v.text + "\n" for v in keys.verifiers()))
    return {"path": path, "bytes": response.content, "key": keys.verifiers()[0].text, "key_file": key_file,
            "receipt_no": result["receipt_no"], "code": result["verification_code"], "campaign": campaign}


def run(*args):
    return subprocess.run([sys.executable, str(TOOL), *map(str, args)], capture_output=True, text=True, timeout=60)


def test_the_tool_verifies_the_downloaded_proof_and_prints_the_donation(proof):
    done = run(proof["path"], "--key", proof["key"])
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert out.startswith("OK: this donation is entry #")
    assert proof["receipt_no"] in out and "66.66 yuan (6666 fen)" in out
    assert proof["campaign"].filing_number in out and proof["campaign"].organization.uscc in out
    assert "toolplat" in out and "Beijing time" in out
    assert run(proof["path"], "--key-file", proof["key_file"], "--receipt", proof["receipt_no"]).returncode == 0


def test_the_donor_opens_the_commitment_offline(proof):
    done = run(proof["path"], "--key", proof["key"], "--code", proof["code"].lower(), "--donor-ref", "13912345678")
    assert done.returncode == 0 and "this was your donation" in done.stdout
    wrong = run(proof["path"], "--key", proof["key"], "--code", proof["code"], "--donor-ref", "13912345679")
    assert wrong.returncode == 9 and "step 'commitment'" in wrong.stderr


def test_a_different_key_or_receipt_fails_naming_the_step(proof):
    from ledger import note

    other = note.generate_signer(keys.verifiers()[0].name).verifier.text
    done = run(proof["path"], "--key", other)
    assert done.returncode == 4 and "FAILED at step 'signature'" in done.stderr
    assert run(proof["path"]).returncode == 3
    assert run(proof["path"], "--key", "not-a-key").returncode == 3
    assert run(proof["path"], "--key", proof["key"], "--receipt", "DAAA-AAAA-AAAA").returncode == 8
    assert run(proof["path"].with_name("missing"), "--key", proof["key"]).returncode == 1


def test_every_altered_byte_makes_it_fail(proof):
    tool = load_tool()
    key = [proof["key"]]
    assert tool.verify(proof["bytes"], key)[0].startswith("OK")
    original = proof["bytes"]
    for i in range(len(original)):
        for flip in (0x01, 0x20):
            altered = original[:i] + bytes([original[i] ^ flip]) + original[i + 1:]
            with pytest.raises(tool.Failed):
                tool.verify(altered, key)
    for cut in (original[:-1], original + b"\n", original.replace(b"\n\n", b"\n", 1)):
        with pytest.raises(tool.Failed):
            tool.verify(cut, key)


def test_a_proof_of_a_leaf_that_is_not_a_donation_is_refused(proof):
    from ledger import proofs

    tool = load_tool()
    text = proofs.receipt_proof(0)  # entry 0 is some other record
    with pytest.raises(tool.Failed) as failed:
        tool.verify(text.encode(), [proof["key"]])
    assert failed.value.step == "entry"


def test_the_tool_imports_nothing_of_the_portal():
    source = TOOL.read_text()
    imports = {line.split()[1].split(".")[0] for line in source.splitlines()
               if line.startswith(("import ", "from "))}
    assert imports <= {"argparse", "base64", "binascii", "hashlib", "hmac", "json", "re", "sys", "datetime", "nacl"}
