"""Journey: one reviewer recommends designating a platform, a second approves it, and the public
platform page shows it designated with a history entry the browser verifies itself."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

CODE = "e2e-gongyi"

# Two reviewers, and an application whose public notice ended a week ago (its earlier steps
# are recorded with the clock moved back: the rules refuse a designation during the notice).
SETUP = f"""
from datetime import timedelta
import time_machine
from django.contrib.auth.models import Group, User
from django.utils import timezone
from fundraising.actions import platforms as act
from organizations import uscc

group = Group.objects.get(name="ministry_reviewer")
for name in ("e2e-wang", "e2e-li"):
    user = User.objects.create_user(name, password="correct horse 2026")
    user.groups.add(group)
wang = User.objects.get(username="e2e-wang")
with time_machine.travel(timezone.now() - timedelta(days=20), tick=False):
    p = act.apply_platform(wang, code="{CODE}", name="端到端公益", operator_name="端到端网络科技有限公司",
                           operator_uscc=uscc.complete("91110000E2E000001"), site_url="https://e2e.example.cn/",
                           contact_name="联系人", contact_phone="010-1234", commitments="遵守慈善法")
    act.start_review(wang, p, "材料齐全")
    act.start_notice(wang, p, timezone.localdate() + timedelta(days=7), "拟指定，公示")
print("ready")
"""


def sign_in(page, portal, username):
    page.goto(portal.url("/staff/"))
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/staff/"))
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill("correct horse 2026")
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("工作台")


def test_two_reviewers_designate_and_the_public_verifies(live_portal, new_page):
    assert "ready" in live_portal.shell(SETUP)

    first = new_page()
    sign_in(first, live_portal, "e2e-wang")
    first.locator("#queue-applications").get_by_role("link", name="端到端公益").click()
    review = first.locator("#review")
    review.get_by_label("建议结果").select_option("designate")
    review.get_by_label("原因").fill("专家评审通过，公示期内无异议")
    review.get_by_role("button", name="登记建议").click()
    expect(first.get_by_text("已完成：登记建议。")).to_be_visible()
    # The same reviewer is not offered the decision (four eyes).
    expect(first.get_by_test_id("four-eyes")).to_be_visible()
    expect(first.get_by_role("button", name="登记决定")).to_have_count(0)

    second = new_page()
    sign_in(second, live_portal, "e2e-li")
    second.locator("#queue-decisions").get_by_role("link", name="端到端公益").click()
    decide = second.locator("#decide")
    expect(decide).to_contain_text("专家评审通过，公示期内无异议")
    decide.get_by_role("radio", name="同意该建议", exact=True).check()
    decide.get_by_label("批次（仅用于指定）").fill("4")
    today = live_portal.shell("from django.utils import timezone; print(timezone.localdate().isoformat())")
    decide.get_by_label("指定日期（仅用于指定）").fill(today.strip().splitlines()[-1])
    decide.get_by_label("原因").fill("同意指定为第四批互联网公开募捐信息平台")
    decide.get_by_role("button", name="登记决定").click()
    expect(second.get_by_test_id("platform-status")).to_have_text("已指定")

    # Anchor the new entries, then a citizen checks the public page.
    live_portal.manage("anchor_ledger")
    public = new_page()
    public.goto(live_portal.url("/platforms/"))
    public.get_by_role("link", name="端到端公益").click()
    expect(public).to_have_url(re.compile(f"/platforms/{CODE}/$"))
    expect(public.get_by_test_id("platform-status")).to_have_text("已指定")
    expect(public.locator(".facts")).to_contain_text("第4批")
    items = public.locator("#history .history-item")
    expect(items).to_have_count(5)  # applied, review, notice, recommended, designated
    designated = items.last
    expect(designated).to_contain_text("平台获得指定")
    expect(designated).to_contain_text("staff/e2e-li")
    expect(items.nth(3)).to_contain_text("staff/e2e-wang")
    designated.get_by_role("button", name="在我的浏览器中验证").click()
    expect(designated.locator("output")).to_contain_text("已验证", timeout=20_000)
