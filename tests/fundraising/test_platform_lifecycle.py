"""A platform from application to designation, and every step's ledger entry."""

import json
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from fundraising.actions import platforms as act
from fundraising.models import Platform, Recommendation
from fundraising.rules import RuleError
from ledger.models import Entry
from tests.factories import make_staff, platform_fields

pytestmark = pytest.mark.django_db


@pytest.fixture
def reviewers():
    return make_staff("wang", "ministry_reviewer"), make_staff("li", "ministry_reviewer")


def entries(platform):
    return [(e.kind, e.actor, json.loads(e.leaf)["data"]) for e in Entry.objects.filter(subject=platform.subject)
            .order_by("seq")]


def test_application_to_designation_writes_one_entry_per_step(reviewers):
    wang, li = reviewers
    start = timezone.now() - timedelta(days=30)
    with time_machine.travel(start, tick=False):
        platform = act.apply_platform(wang, **platform_fields("qingsong"))
        platform = act.start_review(wang, platform, "材料齐全")
        notice_end = timezone.localdate() + timedelta(days=7)
        platform = act.start_notice(wang, platform, notice_end, "进入公示")
        objection = act.record_objection(li, platform, timezone.localdate(), "有群众反映平台曾违规收费")
        act.answer_objection(wang, objection, "经核查，收费已于整改中取消")
    rec = act.recommend(wang, platform, Recommendation.Outcome.DESIGNATE, "专家评审通过，公示无异议")
    platform = act.decide(li, rec, True, "同意指定", batch=4, designated_on=timezone.localdate())

    assert platform.status == Platform.Status.DESIGNATED
    assert (platform.batch, platform.designated_on) == (4, timezone.localdate())
    log = entries(platform)
    assert [k for k, _a, _d in log] == [
        "platform.applied", "platform.review_started", "platform.notice_started", "platform.objection_recorded",
        "platform.objection_answered", "platform.recommended", "platform.designated"]
    assert [a for _k, a, _d in log] == ["staff/wang", "staff/wang", "staff/wang", "staff/li", "staff/wang",
                                        "staff/wang", "staff/li"]
    designated = log[-1][2]
    assert designated["status"] == "designated" and designated["batch"] == 4
    assert designated["reason"] == "同意指定"
    assert designated["recommendation"] == {"id": rec.pk, "outcome": "designate", "recommended_by": "staff/wang",
                                            "reason": "专家评审通过，公示无异议"}
    assert log[2][2]["notice_ends_on"] == notice_end.isoformat()
    assert log[3][2]["objection"]["summary"] == "有群众反映平台曾违规收费"


def test_contact_person_never_reaches_the_ledger(reviewers):
    platform = act.apply_platform(reviewers[0], **platform_fields("private", contact_name="张三",
                                                                  contact_phone="13912345678",
                                                                  contact_email="zhang@example.cn"))
    leaf = Entry.objects.get(subject=platform.subject).leaf
    assert "张三" not in leaf and "13912345678" not in leaf and "zhang@example.cn" not in leaf
    assert platform.operator_uscc in leaf and platform.operator_name in leaf


def test_same_reviewer_cannot_recommend_and_decide(reviewers):
    wang, li = reviewers
    with time_machine.travel(timezone.now() - timedelta(days=30), tick=False):
        platform = act.apply_platform(wang, **platform_fields("foureyes"))
        act.start_review(wang, platform, "开始审查")
        act.start_notice(wang, platform, timezone.localdate() + timedelta(days=5), "公示")
    rec = act.recommend(wang, platform, Recommendation.Outcome.DESIGNATE, "建议指定")
    before = Entry.objects.count()
    with pytest.raises(RuleError) as exc:
        act.decide(wang, rec, True, "我自己批准", batch=4, designated_on=timezone.localdate())
    assert exc.value.code == "four_eyes"
    platform.refresh_from_db()
    assert platform.status == Platform.Status.NOTICE and Entry.objects.count() == before
    rec.refresh_from_db()
    assert rec.state == Recommendation.State.OPEN


def test_declined_recommendation_keeps_the_platform_and_allows_a_new_one(reviewers):
    wang, li = reviewers
    platform = act.apply_platform(wang, **platform_fields("declined"))
    act.start_review(wang, platform, "开始审查")
    rec = act.recommend(wang, platform, Recommendation.Outcome.REJECT, "材料不全")
    platform = act.decide(li, rec, False, "材料可补正，不同意驳回")
    assert platform.status == Platform.Status.UNDER_REVIEW
    assert entries(platform)[-1][0] == "platform.recommendation_declined"
    rec2 = act.recommend(li, platform, Recommendation.Outcome.REJECT, "补正期满仍未提交")
    platform = act.decide(wang, rec2, True, "驳回")
    assert platform.status == Platform.Status.REJECTED and platform.decision_reason == "驳回"
    assert entries(platform)[-1][0] == "platform.rejected"


def test_designation_waits_for_the_notice_period_and_answered_objections(reviewers):
    wang, li = reviewers
    platform = act.apply_platform(wang, **platform_fields("early"))
    act.start_review(wang, platform, "开始审查")
    act.start_notice(wang, platform, timezone.localdate() + timedelta(days=5), "公示")
    act.record_objection(wang, platform, timezone.localdate(), "异议一")
    rec = act.recommend(wang, platform, Recommendation.Outcome.DESIGNATE, "建议指定")
    with pytest.raises(RuleError) as exc:
        act.decide(li, rec, True, "同意", batch=4, designated_on=timezone.localdate())
    assert exc.value.code == "notice_running"
    with time_machine.travel(timezone.now() + timedelta(days=6), tick=False):
        with pytest.raises(RuleError) as exc:
            act.decide(li, rec, True, "同意", batch=4, designated_on=timezone.localdate())
        assert exc.value.code == "objections_open"
        act.answer_objection(wang, platform.objections.get(), "已答复")
        with pytest.raises(RuleError) as exc:
            act.decide(li, rec, True, "同意", batch=None, designated_on=timezone.localdate())
        assert exc.value.field == "batch"
        platform = act.decide(li, rec, True, "同意", batch=4, designated_on=timezone.localdate())
    assert platform.status == Platform.Status.DESIGNATED


def test_steps_out_of_order_are_refused_with_the_status_named(reviewers):
    wang, li = reviewers
    platform = act.apply_platform(wang, **platform_fields("order"))
    with pytest.raises(RuleError) as exc:
        act.start_notice(wang, platform, timezone.localdate() + timedelta(days=5), "跳过审查")
    assert exc.value.code == "wrong_status"
    with pytest.raises(RuleError):
        act.recommend(wang, platform, Recommendation.Outcome.DESIGNATE, "跳过公示")
    with pytest.raises(RuleError):
        act.record_objection(wang, platform, timezone.localdate(), "不在公示期")
    assert [k for k, _a, _d in entries(platform)] == ["platform.applied"]


def test_reasons_are_required_and_free_of_personal_data(reviewers):
    wang, _li = reviewers
    platform = act.apply_platform(wang, **platform_fields("reasons"))
    with pytest.raises(RuleError) as exc:
        act.start_review(wang, platform, "  ")
    assert exc.value.field == "reason" and exc.value.code == "required"
    with pytest.raises(RuleError) as exc:
        act.start_review(wang, platform, "请联系13812345678")
    assert exc.value.code == "personal_data"
    with pytest.raises(RuleError) as exc:
        act.start_review(wang, platform, "申请人身份证110101199003071234")
    assert exc.value.code == "personal_data"


def test_application_fields_are_validated(reviewers):
    wang, _li = reviewers
    with pytest.raises(RuleError) as exc:
        act.apply_platform(wang, **platform_fields("badcode", operator_uscc="91110000123456789X"))
    assert exc.value.field == "operator_uscc"
    with pytest.raises(RuleError) as exc:
        act.apply_platform(wang, **platform_fields("Bad Code"))
    assert exc.value.field == "code"
    with pytest.raises(RuleError) as exc:
        act.apply_platform(wang, **platform_fields("new"))
    assert exc.value.field == "code"
    act.apply_platform(wang, **platform_fields("taken"))
    with pytest.raises(RuleError) as exc:
        act.apply_platform(wang, **platform_fields("taken"))
    assert exc.value.code == "duplicate"
    assert Platform.objects.count() == 1


def test_actions_check_the_users_permission():
    from django.core.exceptions import PermissionDenied

    clerk = make_staff("clerk1", "registry_clerk")
    with pytest.raises(PermissionDenied):
        act.apply_platform(clerk, **platform_fields("noperm"))
    assert not Platform.objects.exists()
