"""Supervision of a designated platform: talks, rectification, suspension, reinstatement, revocation, exit."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from fundraising.actions import platforms as act
from fundraising.models import Platform, Recommendation, SupervisionRecord
from fundraising.rules import RuleError
from ledger.models import Entry
from tests.factories import make_platform, make_staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def people():
    return make_staff("zhao", "ministry_reviewer"), make_staff("qian", "ministry_reviewer")


def last_entry(platform):
    e = Entry.objects.filter(subject=platform.subject).order_by("-seq").first()
    return e.kind, e.actor, json.loads(e.leaf)["data"]


def test_talk_and_rectification_are_recorded_with_reason_and_deadline(people):
    zhao, _qian = people
    platform = make_platform("sup1", reviewer=zhao)
    act.record_talk(zhao, platform, timezone.localdate(), "未按规定公示募捐方案备案编号")
    kind, actor, data = last_entry(platform)
    assert (kind, actor) == ("platform.talk_recorded", "staff/zhao")
    assert data["reason"] == "未按规定公示募捐方案备案编号" and data["status"] == "designated"

    deadline = timezone.localdate() + timedelta(days=30)
    order = act.order_rectification(zhao, platform, deadline, "限期整改信息公开问题")
    kind, _actor, data = last_entry(platform)
    assert kind == "platform.rectification_ordered" and data["supervision"]["deadline"] == deadline.isoformat()
    act.complete_rectification(zhao, order, "已完成整改并提交报告")
    kind, _actor, data = last_entry(platform)
    assert kind == "platform.rectification_completed" and data["supervision"]["late"] is False
    with pytest.raises(RuleError):
        act.complete_rectification(zhao, order, "再次完成")
    assert sorted(platform.supervision.values_list("kind", flat=True)) == ["rectification", "talk"]


def test_rectification_deadline_must_be_in_the_future(people):
    zhao, _qian = people
    platform = make_platform("sup2", reviewer=zhao)
    with pytest.raises(RuleError) as exc:
        act.order_rectification(zhao, platform, timezone.localdate(), "整改")
    assert exc.value.field == "deadline"
    with pytest.raises(RuleError) as exc:
        act.record_talk(zhao, platform, timezone.localdate() + timedelta(days=1), "未来的约谈")
    assert exc.value.field == "held_on"


def test_suspension_until_a_date_then_reinstatement(people):
    zhao, _qian = people
    platform = make_platform("sup3", reviewer=zhao)
    until = timezone.localdate() + timedelta(days=60)
    platform = act.suspend(zhao, platform, until, "发生严重信息泄露")
    assert platform.status == Platform.Status.SUSPENDED and platform.suspended_until == until
    kind, _actor, data = last_entry(platform)
    assert kind == "platform.suspended" and data["suspended_until"] == until.isoformat()
    assert data["reason"] == "发生严重信息泄露"
    with pytest.raises(RuleError):
        act.suspend(zhao, platform, until, "再次暂停")
    platform = act.reinstate(zhao, platform, "整改验收合格")
    assert platform.status == Platform.Status.DESIGNATED and platform.suspended_until is None
    assert last_entry(platform)[0] == "platform.reinstated"
    kinds = set(SupervisionRecord.objects.filter(platform=platform).values_list("kind", flat=True))
    assert kinds == {"suspension", "reinstatement"}


def test_revocation_needs_a_second_reviewer(people):
    zhao, qian = people
    platform = make_platform("sup4", reviewer=zhao)
    rec = act.recommend(zhao, platform, Recommendation.Outcome.REVOKE, "多次违规且拒不整改")
    assert last_entry(platform)[0] == "platform.recommended"
    with pytest.raises(RuleError) as exc:
        act.decide(zhao, rec, True, "撤销")
    assert exc.value.code == "four_eyes"
    platform = act.decide(qian, rec, True, "同意撤销指定")
    assert platform.status == Platform.Status.REVOKED and platform.ended_on == timezone.localdate()
    kind, actor, data = last_entry(platform)
    assert (kind, actor) == ("platform.revoked", "staff/qian")
    assert data["recommendation"]["recommended_by"] == "staff/zhao"
    with pytest.raises(RuleError):
        act.record_talk(qian, platform, timezone.localdate(), "撤销后约谈")


def test_exit_of_a_suspended_platform(people):
    zhao, qian = people
    platform = make_platform("sup5", status="suspended", reviewer=zhao)
    rec = act.recommend(qian, platform, Recommendation.Outcome.EXIT, "平台主动申请退出")
    platform = act.decide(zhao, rec, True, "同意退出")
    assert platform.status == Platform.Status.EXITED and platform.suspended_until is None
    assert last_entry(platform)[0] == "platform.exited"


def test_only_one_open_recommendation_at_a_time(people):
    zhao, qian = people
    platform = make_platform("sup6", reviewer=zhao)
    act.recommend(zhao, platform, Recommendation.Outcome.REVOKE, "建议撤销")
    with pytest.raises(RuleError) as exc:
        act.recommend(qian, platform, Recommendation.Outcome.EXIT, "建议退出")
    assert exc.value.code == "open"


def test_supervision_needs_the_permission(people):
    from django.core.exceptions import PermissionDenied

    zhao, _qian = people
    platform = make_platform("sup7", reviewer=zhao)
    clerk = make_staff("clerk7", "registry_clerk")
    with pytest.raises(PermissionDenied):
        act.suspend(clerk, platform, timezone.localdate() + timedelta(days=3), "无权暂停")
    platform.refresh_from_db()
    assert platform.status == Platform.Status.DESIGNATED
