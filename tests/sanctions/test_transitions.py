"""The daily task: expiries and abnormal -> serious after two years, each on its day, each by `system`."""

import json
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings

from ledger.models import Entry
from sanctions import actions, checks, tasks
from sanctions.models import Decision
from tests.factories import charity_code, impose

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")


def kinds(decision):
    return [e.kind for e in Entry.objects.filter(subject=decision.ledger_subject).order_by("seq")]


def test_anniversary():
    assert actions.anniversary(date(2024, 5, 10), 2) == date(2026, 5, 10)
    assert actions.anniversary(date(2024, 2, 29), 2) == date(2026, 3, 1)
    assert actions.anniversary(date(2024, 2, 29), 4) == date(2028, 2, 29)


def test_escalation_happens_on_the_second_anniversary_and_not_before():
    old = impose(effective_on=date(2024, 5, 10))
    assert actions.apply_transitions(date(2026, 5, 9)) == {"expired": 0, "escalated": 0}
    assert actions.apply_transitions(date(2026, 5, 10)) == {"expired": 0, "escalated": 1}
    old.refresh_from_db()
    assert old.status == "escalated" and old.ended_on == date(2026, 5, 10)
    new = Decision.objects.get(escalated_from=old)
    assert (new.list_kind, new.ground, new.subject) == ("serious", "abnormal_two_years", old.subject)
    assert new.effective_on == date(2026, 5, 10) and new.expires_on == date(2031, 5, 10)
    assert kinds(old) == ["sanction.imposed", "sanction.escalated"]
    assert kinds(new) == ["sanction.imposed"]
    for subject in (old.ledger_subject, new.ledger_subject):
        assert Entry.objects.filter(subject=subject).last().actor == "system"
    escalated = json.loads(Entry.objects.filter(subject=old.ledger_subject).last().leaf)["data"]
    assert escalated["end_note"] == new.public_id
    assert json.loads(Entry.objects.get(subject=new.ledger_subject).leaf)["data"]["escalated_from"] == old.public_id
    # Idempotent: a second run that day changes nothing.
    before = Entry.objects.count()
    assert actions.apply_transitions(date(2026, 5, 10)) == {"expired": 0, "escalated": 0}
    assert Entry.objects.count() == before


def test_leap_day_listing_escalates_on_first_of_march():
    d = impose(effective_on=date(2024, 2, 29))
    assert actions.apply_transitions(date(2026, 2, 28))["escalated"] == 0
    assert actions.apply_transitions(date(2026, 3, 1))["escalated"] == 1
    d.refresh_from_db()
    assert d.status == "escalated"


def test_expiry_on_its_day_and_before_escalation():
    soon = impose(effective_on=date(2024, 1, 1), expires_on=date(2026, 1, 1))
    red = impose(list_kind="red", ground="top_rating", effective_on=date(2021, 6, 1), expires_on=date(2026, 6, 1))
    assert actions.apply_transitions(date(2025, 12, 31)) == {"expired": 0, "escalated": 0}
    assert checks.in_force([soon.subject], date(2025, 12, 31)).exists()
    assert not checks.in_force([soon.subject], date(2026, 1, 1)).exists()  # enforcement does not wait for the task
    # On 2026-01-01 the abnormal listing expires (it would have escalated on the same day).
    assert actions.apply_transitions(date(2026, 1, 1)) == {"expired": 1, "escalated": 0}
    soon.refresh_from_db()
    assert soon.status == "expired" and soon.ended_on == date(2026, 1, 1) and soon.end_reason == "expired"
    assert kinds(soon) == ["sanction.imposed", "sanction.expired"]
    assert actions.apply_transitions(date(2026, 6, 1)) == {"expired": 1, "escalated": 0}
    red.refresh_from_db()
    assert red.status == "expired"


def test_removed_listings_never_escalate():
    d = impose(effective_on=date(2023, 1, 1))
    with time_machine.travel(datetime(2024, 6, 1, 12, tzinfo=SHANGHAI), tick=False):
        actions.remove("staff/officer", d, reason="rectified", note="已整改")
    assert actions.apply_transitions(date(2026, 1, 1))["escalated"] == 0


def test_task_uses_the_beijing_date_at_the_utc_day_boundary():
    """The beat runs at 16:05 UTC = 00:05 Beijing: the anniversary is reached on the Beijing date."""
    d = impose(code=charity_code(), effective_on=date(2024, 5, 10))
    with time_machine.travel(datetime(2026, 5, 9, 15, 59, 59, tzinfo=ZoneInfo("UTC")), tick=False):
        assert tasks.apply_transitions() == {"expired": 0, "escalated": 0}  # 23:59:59 on 9 May in Beijing
    with time_machine.travel(datetime(2026, 5, 9, 16, 0, 0, tzinfo=ZoneInfo("UTC")), tick=False):
        assert tasks.apply_transitions() == {"expired": 0, "escalated": 1}  # 00:00 on 10 May in Beijing
    d.refresh_from_db()
    assert d.status == "escalated"


def test_task_accepts_an_explicit_day():
    impose(effective_on=date(2020, 1, 1), expires_on=date(2021, 1, 1))
    assert tasks.apply_transitions("2020-12-31") == {"expired": 0, "escalated": 0}
    assert tasks.apply_transitions("2021-01-01") == {"expired": 1, "escalated": 0}


def test_daily_task_is_scheduled_after_beijing_midnight():
    entry = settings.CELERY_BEAT_SCHEDULE["sanctions-daily"]
    assert entry["task"] == "sanctions.tasks.daily"
    schedule = entry["schedule"]
    assert schedule.hour == {16} and schedule.minute == {5}
    assert settings.CELERY_TIMEZONE == "UTC"
    # 16:05 UTC is 00:05 the next day in Beijing.
    assert datetime(2026, 5, 9, 16, 5, tzinfo=ZoneInfo("UTC")).astimezone(SHANGHAI).date() == date(2026, 5, 10)


def test_enforcement_follows_the_dates():
    d = impose(effective_on=date(2026, 3, 1), expires_on=date(2026, 4, 1))
    for day, listed in [(date(2026, 2, 28), False), (date(2026, 3, 1), True), (date(2026, 3, 31), True),
                        (date(2026, 4, 1), False)]:
        assert (d.subject in checks.refusals([d.subject], "file_campaign", day)) is listed, day
