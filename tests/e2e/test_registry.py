"""Journey: a citizen finds a charity, filters by province, opens its page and history,
verifies an entry in the browser, and switches to English."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def test_search_filter_open_verify_and_english(live_portal, page):
    page.goto(live_portal.url("/"))
    page.get_by_role("searchbox").first.fill("希望")
    page.get_by_role("searchbox").first.press("Enter")
    expect(page).to_have_url(re.compile(r"/organizations/\?q="))
    expect(page.get_by_role("heading", level=1)).to_have_text("查找慈善组织")
    heading = page.locator("#results-title")
    expect(heading).to_contain_text("个慈善组织")
    total = int(re.search(r"\d+", heading.get_attribute("data-result-count")).group())
    assert total > 0
    names = page.locator(".result h3 a").all_inner_texts()
    assert names and all("希望" in n for n in names)

    # Province filter: the city dropdown fills in once a province is chosen.
    page.get_by_label("省份").select_option(label="广东省")
    expect(page.locator("#id_city option")).not_to_have_count(1)
    page.get_by_role("button", name="筛选").click()
    expect(page).to_have_url(re.compile(r"province=440000"))
    filtered = int(re.search(r"\d+", page.locator("#results-title").get_attribute("data-result-count")).group())
    assert 0 < filtered < total
    regions = page.locator(".result-meta").all_inner_texts()
    assert regions and all("广东省" in r for r in regions)

    # The charity page, its history, and one entry verified by the browser itself.
    first = page.locator(".result h3 a").first
    name = first.inner_text()
    first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(name)
    expect(page.get_by_role("heading", name="本记录的历史")).to_be_visible()
    item = page.locator("#history .history-item").first
    expect(item).to_contain_text("慈善组织登记")
    item.get_by_role("button", name="在我的浏览器中验证").click()
    expect(item.locator("output")).to_contain_text("已验证", timeout=20_000)

    # The same page in English.
    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("heading", name="History of this record")).to_be_visible()
    expect(page.get_by_role("heading", name="Overview")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.goto(live_portal.url("/organizations/?q=%E5%B8%8C%E6%9C%9B&province=440000"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Find a charity")
    expect(page.locator("#results-title")).to_contain_text("charit")


def test_odd_queries_render_plainly(live_portal, page):
    for q in ["%", "_", "'\"", "😀", "希" * 1000]:
        response = page.goto(live_portal.url("/organizations/?q=") + q.replace("%", "%25"))
        assert response.status == 200, q
        expect(page.locator("#results-title")).to_be_visible()
