"""Home page: what the portal is, a charity search box, the latest checkpoint, recent entries."""

import pytest

from ledger import keys
from ledger.anchor import anchor
from ledger.pages import fingerprint
from tests.factories import append_entries

pytestmark = pytest.mark.django_db


def test_before_anchoring_the_home_page_says_not_yet_anchored(client):
    body = client.get("/").content.decode()
    assert "尚未锚定" in body and "账本中还没有记录" in body


@pytest.mark.parametrize("lang, words", [
    ("zh-hans", ["慈善中国", "搜索慈善组织", "最新签名检查点", "最新账本记录", "查找慈善组织", "公开账本",
                 "跳到主要内容"]),
    ("en", ["Charitable China", "Search charities", "Latest signed checkpoint", "Recent ledger entries",
            "Find a charity", "Public ledger", "Skip to main content"]),
])
def test_home_page(client, lang, words):
    appended = append_entries(12)
    cp = anchor()
    response = client.get("/", HTTP_ACCEPT_LANGUAGE=lang)
    body = response.content.decode()
    assert response.status_code == 200
    for word in words:
        assert word in body
    assert 'action="/organizations/"' in body and 'name="q"' in body and 'type="search"' in body
    assert f"<strong>{cp.size}</strong>" in body and cp.root in body
    assert cp.note.split("\n")[2] in body  # the note text, base64 root included
    newest = appended[-1].seq
    assert f'href="/ledger/entries/{newest}/"' in body
    assert f'href="/ledger/entries/{newest - 8}/"' not in body  # eight most recent only
    assert '<a href="/" aria-current="page">' in body
    verifier = keys.verifiers()[0]
    assert fingerprint(verifier) in body and 'href="/ledger/key"' in body
