"""Public pages: /platforms/, /platforms/<code>/, /campaigns/, /campaigns/<filing number>/."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from fundraising import queries
from fundraising.actions import campaigns as campaign_actions
from ledger.models import Entry
from tests.factories import issue_key, make_campaign, make_charity, make_platform, make_staff

from .api_helpers import PlatformClient

pytestmark = pytest.mark.django_db


def test_platform_list_shows_designated_platforms_by_default(client):
    designated = make_platform("shown-p")
    notice = make_platform("notice-p", status="notice")
    page = client.get("/platforms/").content.decode()
    assert designated.name in page and notice.name not in page
    in_notice = client.get("/platforms/", {"show": "notice"}).content.decode()
    assert notice.name in in_notice and designated.name not in in_notice
    assert client.get("/platforms/", {"show": "<script>"}).status_code == 200


def test_platform_page_shows_status_facts_and_verifiable_history(client):
    platform = make_platform("page-p")
    page = client.get(f"/platforms/{platform.code}/").content.decode()
    assert platform.operator_name in page and platform.operator_uscc in page
    assert "联系人" not in page and platform.contact_phone not in page
    for entry in Entry.objects.filter(subject=platform.subject):
        assert f'data-verify-seq="{entry.seq}"' in page
    assert 'data-testid="platform-status"' in page


def test_platform_page_in_english(client):
    platform = make_platform("en-p")
    client.cookies["django_language"] = "en"
    page = client.get(f"/platforms/{platform.code}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Designated" in page and "History of this record" in page


@pytest.mark.parametrize("path", ["/platforms/nosuch/", "/platforms/" + "x" * 300 + "/", "/platforms/%00/",
                                  "/campaigns/NOSUCH/", "/campaigns/" + "9" * 100 + "/", "/campaigns/%E2%80%AE/"])
def test_unknown_records_are_404(client, path):
    assert client.get(path).status_code == 404


def test_campaign_page_shows_filing_reports_and_flags(client):
    filed = date(2026, 1, 5)
    shanghai = ZoneInfo("Asia/Shanghai")
    with time_machine.travel(datetime(2026, 1, 5, 10, tzinfo=shanghai), tick=False):
        platform = make_platform("camp-p")
        campaign = make_campaign(make_charity(name="春蕾助学基金会"), [platform], starts_on=filed + timedelta(days=2),
                                 ends_on=date(2026, 12, 31), target_fen=123_456_789)
    with time_machine.travel(datetime(2026, 5, 1, 10, tzinfo=shanghai), tick=False):
        campaign_actions.update_statuses()
        api = PlatformClient(client, issue_key(platform)[1])
        assert api.post(f"campaigns/{campaign.filing_number}/progress/", {
            "external_id": "p1", "period_end": "2026-03-31", "raised_fen": 500_000, "spent_fen": 120_000,
            "summary": "一季度"}).status_code == 201
        page = client.get(f"/campaigns/{campaign.filing_number}/").content.decode()
        assert campaign.filing_number in page and "春蕾助学基金会" in page and "1,234,567.89" in page
        assert "5,000.00" in page and "1,200.00" in page
        assert 'data-flag="late-filing"' in page
        assert 'data-flag="progress-overdue"' not in page
    with time_machine.travel(datetime(2026, 7, 2, 10, tzinfo=shanghai), tick=False):
        page = client.get(f"/campaigns/{campaign.filing_number}/").content.decode()
        assert 'data-flag="progress-overdue"' in page
        listing = client.get("/campaigns/", {"status": "active"}).content.decode()
        assert campaign.title in listing and 'data-flag="progress-overdue"' in listing


def test_campaigns_for_organization_lists_a_charitys_filings():
    org = make_charity()
    platform = make_platform("org-p")
    first = make_campaign(org, [platform])
    second = make_campaign(org, [platform])
    make_campaign(make_charity(), [platform])
    assert [c.pk for c in queries.campaigns_for_organization(org)] == [second.pk, first.pk]


def test_campaign_list_filters_and_paginates(client):
    platform = make_platform("list-p")
    make_campaign(make_charity(), [platform], starts_in_days=0)
    make_campaign(make_charity(), [platform], starts_in_days=5)
    assert client.get("/campaigns/", {"status": "filed"}).context["page"].paginator.count == 1
    assert client.get("/campaigns/", {"status": "bogus"}).context["page"].paginator.count == 2
    assert client.get("/campaigns/", {"page": "999"}).status_code == 200
    assert client.get("/campaigns/", {"page": "abc"}).status_code == 200


def test_terminated_campaign_shows_the_reason(client):
    campaign = make_campaign(make_charity(), [make_platform("term-p")])
    campaign_actions.terminate_campaign(make_staff("t-rev", "ministry_reviewer"), campaign, "项目因故取消")
    page = client.get(campaign.get_absolute_url()).content.decode()
    assert "项目因故取消" in page


def test_campaign_page_shows_recorded_donations_once_they_exist(client):
    from tests.factories import make_donations

    platform = make_platform("money-p")
    campaign = make_campaign(make_charity(), [platform], starts_in_days=0)
    assert 'data-testid="money-view"' not in client.get(campaign.get_absolute_url()).content.decode()
    make_donations(campaign, platform, amounts=(100_00, 250_50))
    page = client.get(campaign.get_absolute_url()).content.decode()
    assert 'data-testid="money-view"' in page and "350.50" in page


def test_platform_page_shows_credit_list_badge_and_decision_history(client):
    from tests.factories import impose

    platform = make_platform("listed-p")
    assert "sanction-badge" not in client.get(f"/platforms/{platform.code}/").content.decode()
    decision = impose(subject_type="platform", code=platform.code, subject_name=platform.name)
    page = client.get(f"/platforms/{platform.code}/").content.decode()
    assert 'class="badge badge-warn sanction-badge" data-list="abnormal"' in page
    assert f'data-decision="{decision.public_id}"' in page
    for entry in Entry.objects.filter(subject=decision.ledger_subject):
        assert f'data-verify-seq="{entry.seq}"' in page
