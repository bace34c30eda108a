"""Journey: a credit officer lists a charity; the public sees it and can verify it; the portal refuses it donations."""

import json
import re
import urllib.request

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

SETUP = """
import json
from django.utils import timezone
from tests.factories import credit_officer, issue_key, make_campaign, make_charity, make_platform
officer = credit_officer("e2e-officer")
officer.set_password("pw-e2e-officer")
officer.save()
org = make_charity(name="星光助学基金会")
platform = make_platform("e2e-sanc")
campaign = make_campaign(org, [platform], starts_in_days=0)
_, key = issue_key(platform)
print(json.dumps({"uscc": org.uscc, "name": org.name, "filing": campaign.filing_number, "key": key}))
"""


def donate(portal, key, filing):
    item = {"external_id": "e2e-sanc-1", "filing_number": filing, "amount_fen": 5000,
            "donated_at": "2026-01-01T00:00:00Z", "channel": "alipay", "donor_ref": "donor-1"}
    request = urllib.request.Request(
        portal.url("/api/platform/v1/donations/batch/"), data=json.dumps({"items": [item]}).encode(), method="POST",
        headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json", "Accept-Language": "zh-hans"})
    with urllib.request.urlopen(request, timeout=15) as response:
        return response.status, json.loads(response.read())


def test_officer_lists_a_charity_and_the_portal_enforces_it(live_portal, page):
    facts = json.loads(live_portal.shell(SETUP).strip().splitlines()[-1])

    page.goto(live_portal.url("/accounts/login/?next=/sanctions/manage/new/"))
    page.get_by_label("用户名").fill("e2e-officer")
    page.get_by_label("密码").fill("pw-e2e-officer")
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("heading", name="新建决定")).to_be_visible()
    page.get_by_label("名录").select_option("abnormal")
    page.get_by_label("列入事由").select_option("missed_annual_report")
    page.get_by_label("主体类型").select_option("organization")
    page.get_by_label("统一社会信用代码或平台代码").fill(facts["uscc"])
    page.get_by_label("主体名称").fill(facts["name"])
    page.get_by_label("决定文号").fill("民社异〔2026〕88号")
    page.get_by_label("作出决定机关").fill("民政部社会组织管理局")
    page.get_by_label("法律依据").fill("《社会组织信用信息管理办法》第十一条")
    page.get_by_label("事实").fill("未按规定报送年度工作报告")
    page.get_by_label("生效日期").fill("2026-01-05")
    page.get_by_label("移出条件").fill("补报年度工作报告")
    page.get_by_role("button", name="保存决定").click()
    expect(page).to_have_url(re.compile(r"/sanctions/manage/S\d{4}-\d{6}/$"))
    public_id = re.search(r"(S\d{4}-\d{6})", page.url).group(1)
    expect(page.get_by_text(f"决定 {public_id} 已记录。")).to_be_visible()

    live_portal.manage("anchor_ledger")  # what the worker's beat does every minute

    # The public charity page carries the badge.
    page.goto(live_portal.url(f"/organizations/{facts['uscc']}/"))
    expect(page.locator("#sanctions")).to_contain_text("活动异常名录")

    # The decision's public page: its history entry verifies in the browser.
    page.goto(live_portal.url(f"/sanctions/{public_id}/"))
    expect(page.get_by_role("heading", level=1)).to_contain_text(facts["name"])
    expect(page.locator(".history-kind").first).to_be_visible()
    seq = page.locator("[data-verify-seq]").first.get_attribute("data-verify-seq")
    page.locator(f'button[data-verify-seq="{seq}"]').click()
    expect(page.locator(f'output[data-verify-result-for="{seq}"]')).to_contain_text("已验证")

    # The public list finds it.
    page.goto(live_portal.url("/sanctions/?list=abnormal"))
    expect(page.get_by_role("link", name=facts["name"])).to_be_visible()

    # A platform's donation to the listed charity's campaign is refused, naming the decision.
    status, body = donate(live_portal, facts["key"], facts["filing"])
    [result] = body["results"]
    assert result["status"] == "rejected", body
    assert result["error"]["code"] == "charity_sanctioned"
    assert "民社异〔2026〕88号" in result["error"]["message"] and "活动异常名录" in result["error"]["message"]
