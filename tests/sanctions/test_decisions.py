"""Every listing, removal, appeal and evidence file is an action with its ledger entry; nothing is ever deleted."""

import hashlib
import json
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from ledger.models import Entry
from sanctions import actions, queries
from sanctions.models import Appeal, Decision, Evidence
from tests.factories import charity_code, impose

pytestmark = pytest.mark.django_db


def entries(decision):
    return [json.loads(e.leaf) for e in Entry.objects.filter(subject=decision.ledger_subject).order_by("seq")]


def test_imposing_writes_one_entry_with_the_public_state():
    code = charity_code()
    evidence = SimpleUploadedFile("责令整改通知书-张三.pdf", b"%PDF-1.4 evidence", content_type="application/pdf")
    d = impose(code=code, evidence=[("责令整改通知书", evidence)])
    assert d.public_id == f"S{timezone.localdate().year}-{d.pk:06d}"
    [entry] = entries(d)
    assert entry["kind"] == "sanction.imposed"
    assert entry["subject"] == f"sanction/{d.public_id}"
    assert entry["actor"] == "staff/officer"
    data = entry["data"]
    assert data["party"] == f"organization/{code}"
    assert data["list"] == "abnormal" and data["status"] == "in_force"
    assert data["decision_no"] == "民社异〔2026〕1号" and data["authority"] == "民政部"
    assert data["removal_conditions"] == "补报年度工作报告"
    assert data["evidence"] == [{"title": "责令整改通知书", "sha256": hashlib.sha256(b"%PDF-1.4 evidence").hexdigest(),
                                 "size": 17, "content_type": "application/pdf"}]
    stored = Evidence.objects.get(decision=d)
    assert stored.file.read() == b"%PDF-1.4 evidence"
    assert "张三" not in stored.file.name  # the uploaded name can carry personal data; the stored one is the hash


def test_serious_listing_lasts_five_years_by_default():
    d = impose(list_kind="serious", effective_on=date(2024, 2, 29))
    assert d.expires_on == date(2029, 3, 1)


@pytest.mark.parametrize("field, overrides", [
    ("subject_code", {"code": "91110000717800345X"}),
    ("ground", {"ground": "honour"}),
    ("subject_type", {"list_kind": "abnormal", "subject_type": "person"}),
    ("decision_no", {"decision_no": "  "}),
    ("removal_conditions", {"removal_conditions": ""}),
    ("expires_on", {"effective_on": date(2026, 1, 1), "expires_on": date(2026, 1, 1)}),
    ("facts", {"facts": "x" * 4001}),
])
def test_bad_input_names_the_field_and_writes_nothing(field, overrides):
    before = Entry.objects.count()
    with pytest.raises(ValidationError) as exc:
        impose(**overrides)
    assert field in exc.value.message_dict
    assert Entry.objects.count() == before and not Decision.objects.exists()


def test_a_person_needs_a_valid_id_number():
    with pytest.raises(ValidationError) as exc:
        impose(subject_type="person", list_kind="serious", code="110105194912310021")
    assert "id_number" in exc.value.message_dict


def test_the_same_party_cannot_be_listed_twice_on_one_list():
    code = charity_code()
    impose(code=code)
    with pytest.raises(ValidationError) as exc:
        impose(code=code)
    assert "subject_code" in exc.value.message_dict
    impose(code=code, list_kind="red", ground="honour")  # another list is fine


def test_removal_ends_the_decision_and_keeps_everything():
    d = impose()
    removed = actions.remove("staff/officer", d, reason="rectified", note="已补报年度工作报告")
    assert removed.status == "removed" and removed.end_reason == "rectified"
    assert removed.ended_on == timezone.localdate()
    kinds = [e["kind"] for e in entries(d)]
    assert kinds == ["sanction.imposed", "sanction.removed"]
    assert entries(d)[-1]["data"]["end_note"] == "已补报年度工作报告"
    assert Decision.objects.filter(pk=d.pk).exists()
    assert queries.badges_for(d.subject) == []
    history = queries.decisions_for(d.subject)
    assert [x.public_id for x in history] == [d.public_id] and len(history[0].entries) == 2
    with pytest.raises(ValidationError):
        actions.remove("staff/officer", removed, reason="rectified", note="再次移出")
    assert len(entries(d)) == 2


def test_removal_cannot_be_dated_in_the_future():
    d = impose()
    with pytest.raises(ValidationError) as exc:
        actions.remove("staff/officer", d, reason="rectified", note="x", removed_on=timezone.localdate() + timedelta(1))
    assert "removed_on" in exc.value.message_dict


def test_appeal_recorded_then_overturned_removes_the_listing():
    d = impose(list_kind="serious", ground="fraudulent_registration")
    appeal = actions.record_appeal("staff/officer", d, kind="reconsideration", filed_on=timezone.localdate(),
                                   body="民政部行政复议办公室", summary="申请人认为登记材料真实")
    assert appeal.number == 1
    actions.decide_appeal("staff/officer", appeal, outcome="overturned", decided_on=timezone.localdate(),
                          note="复议决定撤销原决定")
    d.refresh_from_db()
    assert d.status == "removed" and d.end_reason == "overturned"
    kinds = [e["kind"] for e in entries(d)]
    assert kinds == ["sanction.imposed", "sanction.appeal_recorded", "sanction.appeal_decided", "sanction.removed"]
    assert entries(d)[1]["data"]["appeal"]["summary"] == "申请人认为登记材料真实"
    assert entries(d)[2]["data"]["appeal"]["outcome"] == "overturned"
    assert Appeal.objects.get(pk=appeal.pk).outcome == "overturned"
    with pytest.raises(ValidationError):
        actions.decide_appeal("staff/officer", appeal, outcome="upheld", decided_on=timezone.localdate(), note="x")


def test_upheld_appeal_keeps_the_listing():
    d = impose()
    appeal = actions.record_appeal("staff/officer", d, kind="objection", filed_on=date(2026, 1, 2), body="民政部",
                                   summary="异议")
    with pytest.raises(ValidationError) as exc:
        actions.decide_appeal("staff/officer", appeal, outcome="upheld", decided_on=date(2026, 1, 1), note="维持")
    assert "decided_on" in exc.value.message_dict
    actions.decide_appeal("staff/officer", appeal, outcome="upheld", decided_on=date(2026, 1, 3), note="维持")
    d.refresh_from_db()
    assert d.status == "in_force"
    assert [e["kind"] for e in entries(d)][-1] == "sanction.appeal_decided"


def test_evidence_added_later_has_its_entry_and_hash():
    d = impose()
    photo = SimpleUploadedFile("a.jpg", b"\xff\xd8photo", "image/jpeg")
    actions.add_evidence("staff/officer", d, "现场核查照片", photo)
    last = entries(d)[-1]
    assert last["kind"] == "sanction.evidence_added"
    assert last["data"]["evidence_added"]["sha256"] == hashlib.sha256(b"\xff\xd8photo").hexdigest()
    assert len(last["data"]["evidence"]) == 1
    with pytest.raises(ValidationError) as exc:
        actions.add_evidence("staff/officer", d, "空文件", SimpleUploadedFile("e.pdf", b"", "application/pdf"))
    assert "file" in exc.value.message_dict
    assert len(entries(d)) == 2


def test_every_entry_passes_the_ledger_verifier():
    from ledger.verify import verify_ledger

    d = impose()
    actions.remove("staff/officer", d, reason="rectified", note="已整改")
    assert verify_ledger().ok
