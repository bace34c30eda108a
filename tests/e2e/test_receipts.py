"""A donor opens a demo receipt, verifies it in the browser, downloads the proof and checks it offline;
after the donation's leaf is changed in the database, the page reports the failure."""

import re
import subprocess
import sys
import urllib.request

import pytest
from playwright.sync_api import expect

from tests.e2e.live import ROOT, LivePortal

pytestmark = pytest.mark.e2e


class ReceiptPortal(LivePortal):
    """A live portal that keeps what seed_demo printed (the demo receipts)."""

    seed_output = ""

    def manage(self, *args, **kwargs):
        done = super().manage(*args, **kwargs)
        if args and args[0] == "seed_demo":
            self.seed_output = done.stdout
        return done


@pytest.fixture(scope="module")
def portal():
    portal = ReceiptPortal(seed_args=["--organizations", "200"]).start()
    yield portal
    portal.stop()


def demo_receipt(portal):
    found = re.findall(r"^demo receipt: (\S+) (\S+)$", portal.seed_output, re.MULTILINE)
    assert found, portal.seed_output
    return found[0]


def open_receipt(page, portal, receipt_no, code):
    page.goto(portal.url("/receipts/"))
    page.get_by_label("收据编号").fill(receipt_no.lower().replace("-", " "))  # typed sloppily, as people do
    page.get_by_label("验证码").fill(code)
    page.get_by_role("button", name="查看我的收据").click()
    page.wait_for_selector("[data-testid=receipt-no]", timeout=45_000)
    assert page.get_by_test_id("receipt-no").inner_text() == receipt_no


def verify_on_page(page):
    page.locator("#verify-title ~ button.verify-btn").click()
    page.wait_for_selector("#receipt-proven:not(:empty)", timeout=45_000)  # a busy machine verifies slowly
    return page.locator("#receipt-proven")


def test_a_donor_verifies_a_demo_receipt_and_its_offline_proof(page, portal, tmp_path):
    receipt_no, code = demo_receipt(portal)
    open_receipt(page, portal, receipt_no, code)
    # The receipt number sits above the money view: wait for the rest of the page, not just that line.
    expect(page.get_by_test_id("money-view")).to_be_visible(timeout=30_000)
    proven = verify_on_page(page)
    assert "receipt-proven-ok" in proven.get_attribute("class")
    assert receipt_no in proven.inner_text()
    assert "已验证" in page.locator("#verify-title ~ output").inner_text()

    with page.expect_download() as download:
        page.get_by_test_id("download-proof").click()
    proof = tmp_path / download.value.suggested_filename
    download.value.save_as(proof)
    assert proof.name == f"{receipt_no}.tlog-proof"
    keys = urllib.request.urlopen(portal.url("/ledger/key")).read().decode()
    key_file = tmp_path / "ledger.key"
    key_file.write_text(keys)
    done = subprocess.run([sys.executable, str(ROOT / "tools" / "verify_receipt.py"), str(proof),
                           "--key-file", str(key_file), "--receipt", receipt_no], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert receipt_no in done.stdout


def test_a_tampered_donation_leaf_fails_on_the_page(page, portal):
    receipt_no, code = demo_receipt(portal)
    [(seq, leaf)] = portal.sql("SELECT seq, leaf FROM ledger_entry WHERE subject = %s AND kind = %s",
                               (f"donation/{receipt_no}", "donation.recorded"))
    amount = re.search(r'"amount_fen":(\d+)', leaf).group(1)
    forged = leaf.replace(f'"amount_fen":{amount}', f'"amount_fen":{int(amount) * 10}')
    portal.sql("UPDATE ledger_entry SET leaf = %s WHERE seq = %s", (forged, seq))
    try:
        open_receipt(page, portal, receipt_no, code)
        proven = verify_on_page(page)
        assert "receipt-proven-failed" in proven.get_attribute("class")
        assert "验证失败" in page.locator("#verify-title ~ output").inner_text()
    finally:
        portal.sql("UPDATE ledger_entry SET leaf = %s WHERE seq = %s", (leaf, seq))
    open_receipt(page, portal, receipt_no, code)
    assert "receipt-proven-ok" in verify_on_page(page).get_attribute("class")
