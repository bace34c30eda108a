"""Journey: a new charity is registered, the real Celery worker anchors it, a citizen verifies it."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def test_worker_anchors_a_new_charity_and_the_browser_verifies_it(live_portal_with_worker, page):
    portal = live_portal_with_worker
    seq = portal.register_charity()

    page.goto(portal.url(f"/ledger/entries/{seq}/"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("慈善组织登记")

    size = portal.wait_for_checkpoint(seq + 1, timeout=30)
    assert size >= seq + 1
    page.reload()
    expect(page.locator(".badge-ok")).to_have_text("已锚定")
    page.get_by_role("button", name="在我的浏览器中验证").click()
    result = page.locator(f'output[data-verify-result-for="{seq}"]')
    expect(result).to_contain_text("已验证")
    signed = re.search(r"包含它的 (\d+) 条记录", result.inner_text())
    assert signed and int(signed.group(1)) >= seq + 1
