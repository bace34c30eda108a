"""Progress reports every 3 months for campaigns over 6 months, final reports within 3 months of the end."""

import json
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied

from fundraising import queries
from fundraising.actions import campaigns as act
from fundraising.rules import RuleError
from ledger.models import Entry
from tests.factories import make_campaign, make_charity, make_platform, make_staff

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")
FILED = date(2026, 1, 5)  # a Monday


def on(day):
    return time_machine.travel(datetime(day.year, day.month, day.day, 10, tzinfo=SHANGHAI), tick=False)


@pytest.fixture
def long_campaign():
    with on(FILED):
        platform = make_platform("rep-p")
        return make_campaign(make_charity(), [platform], starts_on=date(2026, 1, 20), ends_on=date(2026, 12, 31))


@pytest.fixture
def clerk():
    return make_staff("clerk-r", "registry_clerk")


def flags_on(campaign, day):
    campaign.refresh_from_db()
    return queries.campaign_flags(campaign, on=day)


def test_long_campaign_is_overdue_three_months_after_start_without_a_report(long_campaign, clerk):
    with on(date(2026, 1, 20)):
        act.update_statuses()
    assert not flags_on(long_campaign, date(2026, 4, 20)).progress_overdue
    flags = flags_on(long_campaign, date(2026, 4, 21))
    assert flags.progress_overdue and flags.progress_due_on == date(2026, 4, 20)
    assert [c.pk for c, _f in queries.overdue_campaigns(on=date(2026, 4, 21))] == [long_campaign.pk]


def test_a_report_moves_the_next_deadline(long_campaign, clerk):
    with on(date(2026, 1, 20)):
        act.update_statuses()
    with on(date(2026, 4, 10)):
        report = act.record_report(clerk, long_campaign, period_end=date(2026, 3, 31), raised_fen=1_234_500,
                                   spent_fen=200_000, summary="第一季度进展")
    assert flags_on(long_campaign, date(2026, 6, 30)).progress_due_on == date(2026, 6, 30)
    assert not flags_on(long_campaign, date(2026, 6, 30)).progress_overdue
    assert flags_on(long_campaign, date(2026, 7, 1)).progress_overdue
    entry = Entry.objects.filter(subject=long_campaign.subject, kind="campaign.progress_reported").get()
    assert json.loads(entry.leaf)["data"]["report"] == report.public_state()
    assert entry.actor == "staff/clerk-r"


def test_short_campaigns_need_no_periodic_progress(clerk):
    with on(FILED):
        campaign = make_campaign(make_charity(), [make_platform("rep-s")], starts_on=date(2026, 1, 20),
                                 ends_on=date(2026, 7, 20))
        act.update_statuses(date(2026, 1, 20))
    flags = flags_on(campaign, date(2026, 7, 1))
    assert flags.progress_due_on is None and not flags.progress_overdue


def test_final_report_due_within_three_months_of_the_end(clerk):
    with on(FILED):
        campaign = make_campaign(make_charity(), [make_platform("rep-f")], starts_on=date(2026, 1, 20),
                                 ends_on=date(2026, 2, 28))
    with on(date(2026, 3, 2)):
        act.update_statuses()
    assert flags_on(campaign, date(2026, 5, 28)).final_report_due_on == date(2026, 5, 28)
    assert not flags_on(campaign, date(2026, 5, 28)).final_report_overdue
    assert flags_on(campaign, date(2026, 5, 29)).final_report_overdue
    with on(date(2026, 6, 2)):
        act.record_report(clerk, campaign, period_end=date(2026, 2, 28), raised_fen=9_000_000, spent_fen=8_800_000,
                          summary="项目结项，剩余善款转入同类项目", final=True)
        with pytest.raises(RuleError) as exc:
            act.record_report(clerk, campaign, period_end=date(2026, 2, 28), raised_fen=1, spent_fen=1,
                              summary="再报一次", final=True)
        assert exc.value.code == "duplicate"
    flags = flags_on(campaign, date(2026, 6, 2))
    assert flags.has_final_report and not flags.final_report_overdue
    assert Entry.objects.filter(subject=campaign.subject, kind="campaign.final_report").count() == 1


def test_final_report_only_after_the_campaign_ended(long_campaign, clerk):
    with on(date(2026, 2, 1)):
        act.update_statuses()
        with pytest.raises(RuleError) as exc:
            act.record_report(clerk, long_campaign, period_end=date(2026, 1, 31), raised_fen=1, spent_fen=0,
                              summary="提前结项", final=True)
    assert exc.value.field == "final"


def test_report_validation_names_the_field(long_campaign, clerk):
    with on(date(2026, 2, 1)):
        act.update_statuses()
        for fields, field in [({"raised_fen": -1}, "raised_fen"), ({"spent_fen": "10"}, "spent_fen"),
                              ({"period_end": date(2026, 3, 1)}, "period_end"),
                              ({"period_end": date(2026, 1, 1)}, "period_end")]:
            values = dict(period_end=date(2026, 1, 31), raised_fen=100, spent_fen=0)
            values.update(fields)
            with pytest.raises(RuleError) as exc:
                act.record_report(clerk, long_campaign, **values)
            assert exc.value.field == field
        reviewer_only = make_staff("rev-only", "ministry_reviewer")
        with pytest.raises(PermissionDenied):
            act.record_report(reviewer_only, long_campaign, period_end=date(2026, 1, 31), raised_fen=1, spent_fen=0)
    assert not long_campaign.reports.exists()


def test_reports_before_the_start_are_refused(clerk):
    with on(FILED):
        campaign = make_campaign(make_charity(), [make_platform("rep-n")], starts_on=date(2026, 2, 20),
                                 ends_on=date(2026, 3, 20))
        with pytest.raises(RuleError) as exc:
            act.record_report(clerk, campaign, period_end=FILED, raised_fen=1, spent_fen=0)
    assert exc.value.code == "wrong_status"
    assert flags_on(campaign, FILED + timedelta(days=1)).progress_due_on is None
