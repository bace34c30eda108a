"""The /staff/ workspace: login, least privilege, queues, decision forms with required reasons."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from fundraising.actions import platforms as act
from fundraising.models import ApiKey, Campaign, Platform, Recommendation
from ledger.models import Entry
from tests.factories import make_campaign, make_charity, make_platform, make_staff, platform_fields

pytestmark = pytest.mark.django_db


@pytest.fixture
def wang(client):
    return make_staff("wang", "ministry_reviewer")


@pytest.fixture
def li():
    return make_staff("li", "ministry_reviewer")


def login(client, user):
    client.force_login(user)
    return client


def in_notice_past(reviewer, code):
    with time_machine.travel(timezone.now() - timedelta(days=20), tick=False):
        platform = act.apply_platform(reviewer, **platform_fields(code))
        act.start_review(reviewer, platform, "开始审查")
        act.start_notice(reviewer, platform, timezone.localdate() + timedelta(days=7), "公示")
    return Platform.objects.get(pk=platform.pk)


@pytest.mark.parametrize("path", ["/staff/", "/staff/platforms/", "/staff/campaigns/", "/staff/platforms/new/"])
def test_anonymous_users_are_sent_to_login(client, path):
    response = client.get(path)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_users_without_a_staff_role_are_refused(client):
    login(client, make_staff("citizen"))
    assert client.get("/staff/").status_code == 403


def test_clerk_sees_filings_but_cannot_decide_on_platforms(client, wang):
    platform = make_platform("clerkview", reviewer=wang)
    clerk = make_staff("clerk", "registry_clerk")
    login(client, clerk)
    page = client.get("/staff/").content.decode()
    assert 'id="queue-overdue"' in page and 'id="queue-decisions"' not in page
    response = client.post(f"/staff/platforms/{platform.code}/suspend/",
                           {"suspend-until": "2099-01-01", "suspend-reason": "越权暂停"})
    assert response.status_code == 403
    platform.refresh_from_db()
    assert platform.status == "designated"
    assert client.get("/staff/platforms/new/").status_code == 403


def test_reviewer_queues_list_pending_work(client, wang, li):
    pending = act.apply_platform(wang, **platform_fields("queued"))
    notice = in_notice_past(wang, "inotice")
    act.recommend(wang, notice, Recommendation.Outcome.DESIGNATE, "建议指定")
    filing = make_campaign(make_charity(), [make_platform("queue-p", reviewer=li)])
    page = login(client, li).get("/staff/").content.decode()
    assert pending.name in page and filing.title in page
    assert f'/staff/platforms/{notice.code}/#decide' in page  # li can decide wang's recommendation
    own = login(client, wang).get("/staff/").content.decode()
    assert f'/staff/platforms/{notice.code}/#decide' not in own  # but wang cannot decide his own


def test_decision_forms_require_a_reason(client, wang):
    platform = act.apply_platform(wang, **platform_fields("needreason"))
    response = login(client, wang).post(f"/staff/platforms/{platform.code}/review/", {"review-reason": ""})
    assert response.status_code == 400
    assert 'name="review-reason"' in response.content.decode()
    assert response.context["bound_form"].errors["reason"]
    platform.refresh_from_db()
    assert platform.status == "applied"


def test_two_reviewers_designate_through_the_forms(client, wang, li):
    platform = in_notice_past(wang, "twoeyes")
    login(client, wang)
    response = client.post(f"/staff/platforms/{platform.code}/recommend/",
                           {"recommend-outcome": "designate", "recommend-reason": "专家评审通过"})
    assert response.status_code == 302
    rec = Recommendation.objects.get(platform=platform)
    page = client.get(f"/staff/platforms/{platform.code}/").content.decode()
    assert 'data-testid="four-eyes"' in page
    refused = client.post(f"/staff/platforms/{platform.code}/decide/{rec.pk}/", {
        "decide-decision": "approve", "decide-batch": "4", "decide-designated_on": timezone.localdate().isoformat(),
        "decide-reason": "自己批准"})
    assert refused.status_code == 400
    assert refused.context["bound_form"].errors["decision"]
    platform.refresh_from_db()
    assert platform.status == "notice"
    login(client, li)
    done = client.post(f"/staff/platforms/{platform.code}/decide/{rec.pk}/", {
        "decide-decision": "approve", "decide-batch": "4", "decide-designated_on": timezone.localdate().isoformat(),
        "decide-reason": "同意指定"})
    assert done.status_code == 302
    platform.refresh_from_db()
    assert platform.status == "designated"
    assert Entry.objects.filter(subject=platform.subject).order_by("-seq").first().actor == "staff/li"


def test_sub_objects_must_belong_to_the_platform_in_the_url(client, wang, li):
    one, two = in_notice_past(wang, "one-p"), in_notice_past(wang, "two-p")
    rec = act.recommend(wang, two, Recommendation.Outcome.DESIGNATE, "建议")
    response = login(client, li).post(f"/staff/platforms/{one.code}/decide/{rec.pk}/", {
        "decide-decision": "approve", "decide-batch": "4", "decide-designated_on": timezone.localdate().isoformat(),
        "decide-reason": "同意"})
    assert response.status_code == 404


def test_issued_key_is_shown_once(client, wang):
    platform = make_platform("keypage", reviewer=wang)
    login(client, wang)
    response = client.post(f"/staff/platforms/{platform.code}/keys/issue/", {"issue_key-label": "生产"})
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    plain = response.context["plain"]
    assert plain in response.content.decode()
    later = client.get(f"/staff/platforms/{platform.code}/").content.decode()
    assert plain not in later and f"cck_{ApiKey.objects.get().prefix}_" in later
    key = ApiKey.objects.get()
    revoke = client.post(f"/staff/platforms/{platform.code}/revoke_key/{key.pk}/", {"revoke_key-reason": "泄露"})
    assert revoke.status_code == 302
    key.refresh_from_db()
    assert key.revoked_at is not None


def test_filing_form_names_the_refusal(client, wang):
    platform = make_platform("formplat", reviewer=wang)
    clerk = make_staff("clerkf", "registry_clerk")
    unqualified = make_charity(qualified=False)
    start = timezone.localdate() + timedelta(days=2)
    form = {"organization": unqualified.uscc, "title": "冬衣行动", "purpose": "为山区儿童送冬衣",
            "target_yuan": "100000.50", "starts_on": start.isoformat(),
            "ends_on": (start + timedelta(days=30)).isoformat(), "region_code": "110000", "platforms": [platform.pk]}
    response = login(client, clerk).post("/staff/campaigns/new/", form)
    assert response.status_code == 400
    assert response.context["form"].errors["organization"]
    assert not Campaign.objects.exists()
    qualified = make_charity()
    response = client.post("/staff/campaigns/new/", dict(form, organization=qualified.uscc), follow=True)
    campaign = Campaign.objects.get()
    assert campaign.target_fen == 10_000_050 and campaign.late_filing
    assert campaign.filing_number in response.content.decode()
    bad = client.post("/staff/campaigns/new/", dict(form, organization="123", region_code="12"))
    assert bad.status_code == 400 and {"organization", "region_code"} <= set(bad.context["form"].errors)


def test_reviewer_reviews_and_clerk_records_a_report(client, wang):
    campaign = make_campaign(make_charity(), [make_platform("revplat", reviewer=wang)], starts_in_days=0)
    login(client, wang)
    response = client.post(f"/staff/campaigns/{campaign.filing_number}/review/",
                           {"review-outcome": "accepted", "review-note": "方案完整"})
    assert response.status_code == 302
    campaign.refresh_from_db()
    assert campaign.review == "accepted"
    assert client.post(f"/staff/campaigns/{campaign.filing_number}/report/", {}).status_code == 403
    clerk = make_staff("clerkr", "registry_clerk")
    login(client, clerk)
    response = client.post(f"/staff/campaigns/{campaign.filing_number}/report/", {
        "report-period_end": timezone.localdate().isoformat(), "report-raised_yuan": "12.34",
        "report-spent_yuan": "0", "report-summary": "首周进展"})
    assert response.status_code == 302
    assert campaign.reports.get().raised_fen == 1234


def test_admin_is_read_only(admin_client, wang):
    platform = make_platform("adminro", reviewer=wang)
    change = f"/admin/fundraising/platform/{platform.pk}/change/"
    page = admin_client.get(change)
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    admin_client.post(change, {"status": "revoked"})
    platform.refresh_from_db()
    assert platform.status == "designated"
    assert admin_client.get("/admin/fundraising/platform/add/").status_code == 403
