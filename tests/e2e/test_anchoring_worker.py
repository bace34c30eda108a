"""Journey: a new charity is registered, the real Celery worker anchors it, a citizen verifies it."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

REGISTER = """
import secrets
from organizations import uscc
from organizations.actions import register_organization
from ledger.models import Entry
code = uscc.complete("53" + "110000" + str(secrets.randbelow(9 * 10**8) + 10**8))
register_organization("staff/e2e_clerk", uscc=code, name="北京测试验证基金会", org_type="foundation",
                      registration_authority="北京市民政局", region_code="110000")
print(Entry.objects.filter(subject="organization/" + code).values_list("seq", flat=True).get())
"""


def test_worker_anchors_a_new_charity_and_the_browser_verifies_it(live_portal_with_worker, page):
    portal = live_portal_with_worker
    seq = int(portal.shell(REGISTER).strip().splitlines()[-1])

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
