"""Human ledger pages: overview, entry, history; both languages; odd input never a 500."""

import json
from zoneinfo import ZoneInfo

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory

import ledger
from ledger import keys
from ledger.anchor import anchor
from ledger.models import Entry
from ledger.pages import PER_PAGE, fingerprint, ledger_history
from tests.factories import append_entries

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def org_entries():
    """Three entries about one charity and some noise, all anchored."""
    append_entries(2)
    subject = "organization/53110000MJ0000001X"
    seqs = [ledger.append("organization.registered", subject, "staff/clerk", {"name": "北京希望基金会", "n": 1}).seq,
            ledger.append("organization.updated", subject, "staff/clerk", {"name": "北京希望基金会", "n": 2}).seq]
    append_entries(1)
    seqs.append(ledger.append("organization.custom_thing", subject, "system", {"n": 3}).seq)
    anchor()
    return subject, seqs


def get(client, path, lang="zh-hans", **extra):
    return client.get(path, HTTP_ACCEPT_LANGUAGE=lang, **extra)


@pytest.mark.parametrize("lang, html_lang, words", [
    ("zh-hans", 'lang="zh-Hans"', ["公开账本", "最新签名检查点", "验证公钥", "如何自行核验", "慈善组织登记"]),
    ("en", 'lang="en"', ["Public ledger", "Latest signed checkpoint", "Verifier keys", "How to verify it yourself",
                         "Charity registered"]),
])
def test_ledger_index_in_both_languages(client, org_entries, lang, html_lang, words):
    response = get(client, "/ledger/", lang)
    body = response.content.decode()
    assert response.status_code == 200
    assert html_lang in body
    for word in words:
        assert word in body
    cp = Entry.objects.count()
    assert f"<strong>{cp}</strong>" in body  # entries covered by the checkpoint
    verifier = keys.verifiers()[0]
    assert verifier.text in body and fingerprint(verifier) in body


def test_entry_page_shows_the_exact_leaf_and_facts(client, org_entries):
    subject, seqs = org_entries
    entry = Entry.objects.get(seq=seqs[0])
    body = get(client, f"/ledger/entries/{entry.seq}/").content.decode()
    assert "慈善组织登记" in body and "organization.registered" in body
    assert f'href="/ledger/history/{subject}"' in body
    assert "staff/clerk" in body and entry.entry_hash in body and entry.prev in body
    assert json.dumps({"n": 1, "name": "北京希望基金会"}, ensure_ascii=False, indent=2).replace('"', "&quot;") in body
    assert entry.leaf.replace('"', "&quot;") in body
    shanghai = entry.time.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M:%S")
    assert shanghai in body and "北京时间" in body
    assert f'data-verify-seq="{entry.seq}"' in body and f'data-verify-result-for="{entry.seq}"' in body
    assert "已锚定" in body
    english = get(client, f"/ledger/entries/{entry.seq}/", "en").content.decode()
    assert "Charity registered" in english and "Beijing time" in english and "Anchored" in english


def test_unknown_kind_is_shown_raw_and_unanchored_entry_says_so(client, org_entries):
    _, seqs = org_entries
    body = get(client, f"/ledger/entries/{seqs[2]}/").content.decode()
    assert "organization.custom_thing</h1>" in body.replace("\n", "")
    later = append_entries(1)[0]
    body = get(client, f"/ledger/entries/{later.seq}/").content.decode()
    assert "尚未锚定" in body


def test_history_lists_every_entry_of_the_subject_in_order(client, org_entries):
    subject, seqs = org_entries
    assert list(ledger_history(subject).values_list("seq", flat=True)) == seqs
    for lang, title in (("zh-hans", "记录历史"), ("en", "Record history")):
        response = get(client, f"/ledger/history/{subject}", lang)
        body = response.content.decode()
        assert response.status_code == 200 and title in body
        positions = [body.index(f'data-verify-seq="{s}"') for s in seqs]
        assert positions == sorted(positions)
        assert body.count('class="btn verify-btn"') == 3


def test_history_include_accepts_dicts(org_entries):
    _, seqs = org_entries
    rows = list(Entry.objects.filter(seq__in=seqs).order_by("seq").values("seq", "kind", "subject", "actor", "time",
                                                                          "leaf"))
    html = render_to_string("ledger/_history.html", {"entries": rows}, request=RequestFactory().get("/"))
    for row in rows:
        assert f'href="/ledger/entries/{row["seq"]}/"' in html
        assert f'data-verify-seq="{row["seq"]}"' in html
        assert row["time"].astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M:%S") in html
    assert "organization.custom_thing" in html


def test_pagination_by_seq_range(client, django_assert_max_num_queries):
    append_entries(PER_PAGE * 2 + 3)
    anchor()
    with django_assert_max_num_queries(8):
        first = get(client, "/ledger/").content.decode()
    assert f'href="/ledger/entries/{PER_PAGE * 2 + 2}/"' in first and "第 1 页，共 3 页" in first
    last = get(client, "/ledger/?page=3").content.decode()
    assert 'href="/ledger/entries/0/"' in last and f'href="/ledger/entries/{PER_PAGE}/"' not in last
    assert get(client, "/ledger/?page=4").status_code == 404


def test_entry_number_lookup(client, org_entries):
    response = get(client, "/ledger/?seq=3")
    assert response.status_code == 302 and response["Location"] == "/ledger/entries/3/"
    response = get(client, "/ledger/?seq=abc")
    body = response.content.decode()
    assert response.status_code == 400 and "记录编号：请输入 0 到" in body and 'aria-invalid="true"' in body
    response = get(client, "/ledger/?seq=99999", "en")
    assert response.status_code == 400 and "Entry number: enter a whole number from 0 to" in response.content.decode()


@pytest.mark.parametrize("path", [
    "/ledger/entries/abc/", "/ledger/entries/-1/", "/ledger/entries/01/", "/ledger/entries/1.0/",
    "/ledger/entries/999999/", "/ledger/entries/" + "9" * 19 + "/", "/ledger/entries/%00/",
    "/ledger/entries/%E4%B8%AD/", "/ledger/history/%00", "/ledger/history/organization",
    "/ledger/history/organization/", "/ledger/history/organization/%00x", "/ledger/history/Organization/X",
    "/ledger/history/organization/has%20space", "/ledger/history/organization/91350100M000100Y43",
    "/ledger/history/organization/" + "x" * 5000, "/ledger/?page=0", "/ledger/?page=abc", "/ledger/?page=-1",
    "/ledger/?page=" + "9" * 40, "/ledger/checkpoints/12345/meta",
])
def test_odd_input_is_a_404_not_a_500(client, org_entries, path):
    assert get(client, path).status_code == 404


def test_checkpoint_meta(client, org_entries):
    cp = anchor()
    data = get(client, f"/ledger/checkpoints/{cp.size}/meta").json()
    assert data["size"] == cp.size and data["signed_at"].endswith("Z")
    assert data["note_url"] == f"/ledger/checkpoints/{cp.size}"
    bad = get(client, "/ledger/checkpoints/x1/meta")
    assert bad.status_code == 400 and bad.json()["param"] == "size"


def test_language_switch_without_javascript(client, org_entries):
    zh = client.get("/ledger/")
    assert 'name="language" value="en"' in zh.content.decode()
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/ledger/"})
    assert response.status_code == 302 and response["Location"] == "/ledger/"
    english = client.get("/ledger/").content.decode()
    assert 'lang="en"' in english and "Public ledger" in english and 'value="zh-hans"' in english


def test_every_page_carries_the_verifier_script_and_its_texts(client, org_entries):
    _, seqs = org_entries
    for lang, verified in (("zh-hans", "已验证"), ("en", "Verified")):
        body = get(client, f"/ledger/entries/{seqs[0]}/", lang).content.decode()
        assert '<script src="/static/js/verify.js" defer></script>' in body
        texts = json.loads(body.split('<script id="ledger-verify-i18n" type="application/json">')[1]
                           .split("</script>")[0])
        assert texts["headline_ok"] == verified
        assert "%(seq)s" in texts["verified"] and "%(size)s" in texts["verified"]
        assert set(texts["steps"]) >= {"fetch", "key", "signature", "leaf", "inclusion"}


def test_not_found_page_is_in_the_visitors_language(client, org_entries):
    zh = get(client, "/ledger/entries/abc/")
    assert zh.status_code == 404 and "页面不存在" in zh.content.decode() and 'href="/ledger/"' in zh.content.decode()
    en = get(client, "/ledger/history/organization/unknown", "en")
    assert en.status_code == 404 and "Page not found" in en.content.decode()


def test_long_history_is_paginated(client):
    from ledger.pages import HISTORY_PER_PAGE

    subject = "campaign/C2026-0001"
    append_entries(HISTORY_PER_PAGE + 5, kind="campaign.progress_reported", subject=subject)
    first = get(client, f"/ledger/history/{subject}").content.decode()
    assert first.count('class="btn verify-btn"') == HISTORY_PER_PAGE and "第 1 页，共 2 页" in first
    assert f"账本中关于该对象的 {HISTORY_PER_PAGE + 5} 条记录" in first
    second = get(client, f"/ledger/history/{subject}?page=2").content.decode()
    assert second.count('class="btn verify-btn"') == 5 and "募捐活动进展公开" in second
    assert get(client, f"/ledger/history/{subject}?page=3").status_code == 404
    assert get(client, f"/ledger/history/{subject}?page=x").status_code == 404
