"""Filing a campaign: who may file, the filing number, the late-filing flag, statuses."""

import json
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from fundraising.actions import campaigns as act
from fundraising.models import Campaign
from fundraising.rules import RuleError, working_days_before
from ledger.models import Entry
from tests.factories import list_as_abnormal, make_campaign, make_charity, make_platform, make_staff

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(day, hour=10):
    return datetime(day.year, day.month, day.day, hour, tzinfo=SHANGHAI)


@pytest.fixture
def platform():
    return make_platform("filing-p")


def kinds(campaign):
    return list(Entry.objects.filter(subject=campaign.subject).order_by("seq").values_list("kind", flat=True))


def test_qualified_charity_files_and_gets_a_filing_number(platform):
    org = make_charity()
    campaign = make_campaign(org, [platform], title="乡村儿童营养餐", target_fen=5_000_000_00)
    year = timezone.localdate().year % 100
    assert campaign.filing_number == f"{org.uscc}{year:02d}001"
    assert make_campaign(org, [platform]).filing_number == f"{org.uscc}{year:02d}002"
    entry = Entry.objects.filter(subject=campaign.subject).get()
    data = json.loads(entry.leaf)["data"]
    assert entry.kind == "campaign.filed" and entry.actor == "staff/clerk"
    assert data["organization_uscc"] == org.uscc and data["target_fen"] == 5_000_000_00
    assert data["platforms"] == [platform.code] and data["status"] == "filed" and data["late_filing"] is False


def test_charity_without_qualification_cannot_file(platform):
    org = make_charity(qualified=False)
    before = Entry.objects.count()
    with pytest.raises(RuleError) as exc:
        make_campaign(org, [platform])
    assert exc.value.code == "not_qualified" and exc.value.field == "organization"
    assert org.name in exc.value.message
    assert not Campaign.objects.exists() and Entry.objects.count() == before


def test_deregistered_charity_cannot_file(platform):
    org = make_charity(status="deregistered")
    with pytest.raises(RuleError) as exc:
        make_campaign(org, [platform])
    assert exc.value.code == "organization_inactive"
    assert not Campaign.objects.exists()


def test_charity_on_a_credit_list_cannot_file(platform):
    org = make_charity()
    list_as_abnormal("organization", org.uscc, org.name)
    with pytest.raises(RuleError) as exc:
        make_campaign(org, [platform])
    assert exc.value.code == "sanctioned" and exc.value.field == "organization"
    assert not Campaign.objects.exists()


def test_filing_fewer_than_5_working_days_before_start_is_flagged(platform):
    monday = date(2026, 6, 1)
    with time_machine.travel(at(monday), tick=False):
        on_time = make_campaign(make_charity(), [platform], starts_on=monday + timedelta(days=7),
                                ends_on=monday + timedelta(days=40))
        late = make_campaign(make_charity(), [platform], starts_on=monday + timedelta(days=4),
                             ends_on=monday + timedelta(days=40))
    assert (on_time.late_filing, on_time.working_days_before_start) == (False, 5)
    assert (late.late_filing, late.working_days_before_start) == (True, 4)
    assert json.loads(Entry.objects.filter(subject=late.subject).get().leaf)["data"]["late_filing"] is True


def test_working_days_follow_the_official_holiday_calendar():
    # National Day 2025: 1-8 October off; Sunday 28 September a working day (调休).
    assert working_days_before(date(2025, 9, 26), date(2025, 10, 9)) == 4  # Fri, Sun 28, Mon 29, Tue 30
    # A plain Monday-to-Friday rule would have counted 9 and missed the late filing.
    assert working_days_before(date(2026, 6, 1), date(2026, 6, 8)) == 5
    # Beyond the calendar's published years, weekends are still excluded.
    assert working_days_before(date(2031, 3, 7), date(2031, 3, 14)) == 5


def test_campaign_starting_today_is_active_at_once(platform):
    campaign = make_campaign(make_charity(), [platform], starts_in_days=0)
    assert campaign.status == Campaign.Status.ACTIVE and campaign.late_filing
    assert kinds(campaign) == ["campaign.filed", "campaign.activated"]
    assert Entry.objects.filter(subject=campaign.subject, kind="campaign.activated").get().actor == "system"


def test_statuses_move_with_the_calendar(platform):
    campaign = make_campaign(make_charity(), [platform], starts_in_days=10, days=5)
    today = timezone.localdate()
    assert act.update_statuses(today) == 0
    with time_machine.travel(timezone.now() + timedelta(days=10), tick=False):
        assert act.update_statuses() == 1
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.ACTIVE
    with time_machine.travel(timezone.now() + timedelta(days=16), tick=False):
        assert act.update_statuses() == 1
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.CLOSED and campaign.ended_on == campaign.ends_on
    assert kinds(campaign) == ["campaign.filed", "campaign.activated", "campaign.closed"]


def test_only_designated_platforms_can_carry_a_campaign():
    suspended = make_platform("susp-p", status="suspended")
    with pytest.raises(RuleError) as exc:
        make_campaign(make_charity(), [suspended])
    assert exc.value.field == "platforms" and exc.value.code == "platform_not_designated"
    with pytest.raises(RuleError) as exc:
        act.file_campaign(make_staff("clerk3", "registry_clerk"), make_charity(), title="t", purpose="p",
                          target_fen=100, starts_on=timezone.localdate(), ends_on=timezone.localdate(),
                          region_code="110000", platforms=[])
    assert exc.value.field == "platforms"


@pytest.mark.parametrize("fields, field", [
    ({"target_fen": 0}, "target_fen"),
    ({"target_fen": 12.5}, "target_fen"),
    ({"region_code": "999999"}, "region_code"),
    ({"title": ""}, "title"),
    ({"purpose": "联系电话13900001111"}, "purpose"),
])
def test_bad_filing_fields_are_named(platform, fields, field):
    org = make_charity()
    with pytest.raises(RuleError) as exc:
        make_campaign(org, [platform], **fields)
    assert exc.value.field == field
    assert not Campaign.objects.exists()


def test_end_before_start_is_refused(platform):
    start = timezone.localdate() + timedelta(days=10)
    with pytest.raises(RuleError) as exc:
        make_campaign(make_charity(), [platform], starts_on=start, ends_on=start - timedelta(days=1))
    assert exc.value.field == "ends_on"


def test_review_and_termination_are_staff_decisions_with_reasons(platform):
    campaign = make_campaign(make_charity(), [platform])
    reviewer = make_staff("reviewer", "ministry_reviewer")
    clerk = make_staff("clerk2", "registry_clerk")
    with pytest.raises(PermissionDenied):
        act.review_campaign(clerk, campaign, Campaign.Review.ACCEPTED, "通过")
    campaign = act.review_campaign(reviewer, campaign, Campaign.Review.CORRECTION, "募捐区域与方案不一致")
    assert campaign.review == "correction"
    campaign = act.terminate_campaign(reviewer, campaign, "慈善组织申请终止")
    assert campaign.status == Campaign.Status.TERMINATED and campaign.ended_on == timezone.localdate()
    with pytest.raises(RuleError):
        act.terminate_campaign(reviewer, campaign, "再次终止")
    assert kinds(campaign) == ["campaign.filed", "campaign.reviewed", "campaign.terminated"]
    last = json.loads(Entry.objects.filter(subject=campaign.subject).order_by("-seq").first().leaf)
    assert last["actor"] == "staff/reviewer" and last["data"]["reason"] == "慈善组织申请终止"


def test_the_hourly_task_moves_statuses(platform):
    from fundraising.tasks import update_campaign_statuses

    campaign = make_campaign(make_charity(), [platform], starts_in_days=1)
    with time_machine.travel(timezone.now() + timedelta(days=1), tick=False):
        assert update_campaign_statuses.apply().get() == 1
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.ACTIVE
