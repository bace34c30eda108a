"""Journey: a citizen verifies a ledger entry in the browser, and sees tampering caught.

Also checks the browser verifier's algorithms (static/js/verify.js) against the
server's own (ledger.merkle, ledger.note, ledger.pages), and runs the Python
script from the ledger page against the live portal.
"""

import hashlib
import html
import json
import re
import subprocess
import sys
import urllib.request

import pytest
from playwright.sync_api import expect

from ledger import merkle, note
from ledger.pages import fingerprint

pytestmark = pytest.mark.e2e

VERIFY_ZH = "在我的浏览器中验证"


def _get(portal, path):
    with urllib.request.urlopen(portal.url(path), timeout=10) as response:
        return response.read().decode("utf-8")


def test_verify_entry_then_catch_tampering_then_english(live_portal, page):
    live_portal.manage("anchor_ledger")  # other journeys on this portal may have appended since the last anchor
    page.goto(live_portal.url("/"))
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hans")
    expect(page.get_by_role("heading", level=1)).to_have_text("慈善中国")
    expect(page.get_by_role("heading", name="最新签名检查点")).to_be_visible()
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="跳到主要内容")).to_be_focused()

    page.locator("a.history-kind").first.click()
    expect(page).to_have_url(re.compile(r"/ledger/entries/\d+/$"))
    seq = int(re.search(r"/ledger/entries/(\d+)/$", page.url).group(1))
    result = page.locator(f'output[data-verify-result-for="{seq}"]')

    page.get_by_role("button", name=VERIFY_ZH).click()
    expect(result).to_contain_text("已验证")
    size = live_portal.checkpoint_size()
    expect(result).to_contain_text(f"这段文本与公开账本第 {seq} 条记录完全一致；"
                                   f"包含它的 {size} 条记录的默克尔树已由密钥")
    expect(result).to_contain_text("北京时间")
    expect(result).to_contain_text("第一次看到账本公钥")  # trust on first use: remembered now

    # An attacker with database access changes one character of the stored leaf.
    leaf = live_portal.sql("SELECT leaf FROM ledger_entry WHERE seq = %s", [seq])[0][0]
    at = leaf.index('"kind":"') + len('"kind":"')
    tampered = leaf[:at] + ("X" if leaf[at] != "X" else "Y") + leaf[at + 1:]
    live_portal.sql("UPDATE ledger_entry SET leaf = %s WHERE seq = %s", [tampered, seq])
    try:
        page.reload()
        expect(page.locator("#leaf-text")).to_have_text(tampered)
        page.get_by_role("button", name=VERIFY_ZH).click()
        expect(result).to_contain_text("验证失败")
        expect(result).to_contain_text("“计算记录文本的哈希”这一步未通过")
        expect(result).to_contain_text("文本已被改动")
        expect(result).not_to_contain_text("已验证")
    finally:
        live_portal.sql("UPDATE ledger_entry SET leaf = %s WHERE seq = %s", [leaf, seq])

    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("link", name="Public ledger").first).to_be_visible()
    page.get_by_role("button", name="Verify in my browser").click()
    expect(result).to_contain_text("Verified")
    expect(result).to_contain_text(f"This exact text is entry #{seq} of the public ledger, whose tree of {size} "
                                   "entries was signed by key")
    expect(result).to_contain_text("Same ledger key as this browser first saw.")

    page.get_by_role("button", name="中文").click()
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hans")


def test_changed_key_is_flagged(live_portal, page):
    page.goto(live_portal.url("/ledger/entries/0/"))
    page.evaluate("localStorage.setItem('ledgerVerify.firstKey', 'someone-else+00000000+AQ==')")
    page.get_by_role("button", name=VERIFY_ZH).click()
    result = page.locator('output[data-verify-result-for="0"]')
    expect(result).to_contain_text("已验证")
    expect(result.locator(".verify-warn")).to_contain_text("该公钥与本浏览器第一次看到的公钥（someone-else+00000000+AQ==）不同")


def test_entry_newer_than_the_checkpoint_is_not_anchored_yet(live_portal, page):
    seq = live_portal.register_charity(name="上海待锚定基金会")
    page.goto(live_portal.url(f"/ledger/entries/{seq}/"))
    expect(page.locator(".page-header .badge")).to_have_text("尚未锚定")
    result = page.locator(f'output[data-verify-result-for="{seq}"]')
    page.get_by_role("button", name=VERIFY_ZH).click()
    expect(result.locator(".verify-headline")).to_have_text("… 尚未锚定")
    expect(result).to_contain_text(f"第 {seq} 条记录已写入账本，但尚未被已签名的检查点覆盖")
    expect(result).to_contain_text("请在下一次锚定后重试")

    live_portal.manage("anchor_ledger")
    page.get_by_role("button", name=VERIFY_ZH).click()
    expect(result.locator(".verify-headline")).to_have_text("✓ 已验证")


def test_history_page_verifies_each_entry(live_portal, page):
    subject = json.loads(json.loads(_get(live_portal, "/api/ledger/entries/0"))["leaf"])["subject"]
    page.goto(live_portal.url("/ledger/entries/0/"))
    page.get_by_role("link", name=subject).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("记录历史")
    buttons = page.locator("button.verify-btn")
    count = buttons.count()
    assert count >= 1
    for i in range(count):
        buttons.nth(i).click()
    expect(page.locator(".verify-result.verify-ok")).to_have_count(count)


def test_browser_algorithms_match_the_server(live_portal, page):
    page.goto(live_portal.url("/ledger/"))
    entries = json.loads(_get(live_portal, "/api/ledger/entries?start=0&end=40"))["entries"]
    samples = [e["leaf"] for e in entries] + ["", "慈善中国 ✓ 𠀀", '{"a":"\\u0000"}']
    browser_hashes = page.evaluate(
        "async (leaves) => Promise.all(leaves.map(async l => LedgerVerify.hex(await LedgerVerify.leafHash(l))))",
        samples)
    assert browser_hashes == [merkle.leaf_hash(s.encode("utf-8")).hex() for s in samples]
    assert browser_hashes[:len(entries)] == [e["entry_hash"] for e in entries]

    # Verifier keys, including ones whose base64 holds '+': split at the first two '+' only.
    keys = [note.parse_verifier(line) for line in _get(live_portal, "/ledger/key").splitlines()]
    n = 0
    while sum("+" in k.text.split("+", 2)[2] for k in keys) < 3:
        keys.append(note.generate_signer(f"test{n}.example/log").verifier)
        n += 1
    parsed = page.evaluate("""async (texts) => Promise.all(texts.map(async t => {
        const k = await LedgerVerify.parseVerifierKey(t);
        return [k.name, k.keyIdHex, LedgerVerify.hex(k.publicKey), await LedgerVerify.fingerprint(k.publicKey)];
    }))""", [k.text for k in keys])
    assert parsed == [[k.name, k.key_id.hex(), k.public_key.hex(), fingerprint(k)] for k in keys]
    computed_ids = page.evaluate(
        "async (ks) => Promise.all(ks.map(async ([n, p]) => LedgerVerify.hex(await LedgerVerify.keyId(n, "
        "LedgerVerify.b64decode(p)))))", [[k.name, note.b64(k.public_key)] for k in keys])
    assert computed_ids == [note.key_id(k.name, k.public_key).hex() for k in keys]

    # The signed-note test vector of LEDGER_SPEC §3, and the live checkpoint; a changed byte fails.
    vector_key = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
    vector_text = ("If you think cryptography is the answer to your problem,\n"
                   "then you don't know what your problem is.\n")
    vector_note = (vector_text + "\n\u2014 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2p"
                   "ZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n")
    checkpoint = _get(live_portal, "/ledger/checkpoint")
    outcomes = page.evaluate("""async ([key, notes]) => {
        const k = await LedgerVerify.parseVerifierKey(key);
        return Promise.all(notes.map(async n => {
            try { const o = await LedgerVerify.openNote(n, [k]); return "ok:" + o.text; }
            catch (e) { return "error:" + e.detail; }
        }));
    }""", [vector_key, [vector_note, vector_note.replace("cryptography", "cryptographY"),
                        vector_note.replace("ZSNXgKvq", "ZSNXgKvr"),
                        vector_note.replace("PeterNeumann x08", "PeterNeumann x09")]])
    assert outcomes == ["ok:" + vector_text, "error:bad_signature", "error:bad_signature", "error:no_known_signature"]
    live = page.evaluate("""async ([key, n]) => {
        const k = await LedgerVerify.parseVerifierKey(key);
        const o = await LedgerVerify.openNote(n, [k]);
        const cp = LedgerVerify.parseCheckpoint(o.text);
        return [cp.origin, cp.size, LedgerVerify.b64encode(cp.root)];
    }""", [keys[0].text, checkpoint])
    cp = note.verify_checkpoint(checkpoint, keys[:1])
    assert live == [cp.origin, cp.size, note.b64(cp.root)]

    # RFC 9162 inclusion proofs: every index of every size 1..40 from the server's tree code; any flipped bit fails.
    tree = merkle.MemoryTree(hashlib.sha256(bytes([i])).digest() for i in range(40))
    cases = []
    for size in range(1, 41):
        root = tree.root(size)
        for index in range(size):
            proof = merkle.inclusion_proof(index, size, tree.read)
            cases.append([note.b64(tree.levels[0][index]), index, size, [note.b64(p) for p in proof], note.b64(root)])
    verdicts = page.evaluate("""async (cases) => {
        const d = LedgerVerify.b64decode, out = [];
        for (const [leaf, index, size, proof, root] of cases) {
            const p = proof.map(d), r = d(root), l = d(leaf);
            const good = await LedgerVerify.verifyInclusion(l, index, size, p, r);
            const badLeaf = l.slice(); badLeaf[index % 32] ^= 1;
            const flipped = await LedgerVerify.verifyInclusion(badLeaf, index, size, p, r);
            let flippedProof = false;
            if (p.length) { const q = p.map(x => x.slice()); q[index % q.length][0] ^= 0x80;
                            flippedProof = await LedgerVerify.verifyInclusion(l, index, size, q, r); }
            const wrongIndex = size > 1 && await LedgerVerify.verifyInclusion(l, (index + 1) % size, size, p, r);
            out.push([good, flipped, flippedProof, wrongIndex]);
        }
        return out;
    }""", cases)
    assert len(verdicts) == 820
    assert all(v == [True, False, False, False] for v in verdicts), [c[1:3] for c, v in zip(cases, verdicts)
                                                                       if v != [True, False, False, False]][:5]

    # The live server's proofs for real entries, checked in the browser against the signed root.
    sampled = sorted({0, 1, cp.size // 2, cp.size - 1})
    live_verdicts = page.evaluate("""async ([seqs, size]) => Promise.all(seqs.map(async s => {
        const r = await LedgerVerify.verifyEntry(s); return [r.status, r.checkpoint && r.checkpoint.size];
    }))""", [sampled, cp.size])
    assert all(v[0] == "verified" and v[1] >= cp.size for v in live_verdicts), live_verdicts


def test_ledger_page_script_verifies_an_entry(live_portal, tmp_path):
    body = _get(live_portal, "/ledger/")
    code = re.search(r'<pre class="code" id="verify-snippet"><code>(.*?)</code></pre>', body, re.S).group(1)
    script = tmp_path / "verify.py"
    script.write_text(html.unescape(code))
    size = live_portal.checkpoint_size()
    for seq in (0, size - 1):
        run = subprocess.run([sys.executable, str(script), str(seq)], capture_output=True, text=True, timeout=60)
        assert run.returncode == 0, run.stderr
        assert run.stdout.startswith(f"verified: entry {seq} is in the tree of {size} entries signed by ")
    beyond = subprocess.run([sys.executable, str(script), str(size + 10**6)], capture_output=True, text=True,
                            timeout=60)
    assert beyond.returncode != 0
