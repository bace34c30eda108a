"""Public list pages and API, and the credit officers' pages."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from ledger.models import Entry
from sanctions import actions
from sanctions.models import Decision
from tests.factories import PERSON_ID, charity_code, credit_officer, impose, make_staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer_client(client):
    client.force_login(credit_officer())
    return client


def test_public_list_filters_and_search(client):
    abnormal = impose(subject_name="甲基金会")
    red = impose(list_kind="red", ground="top_rating", subject_name="乙基金会")
    removed = impose(subject_name="丙基金会")
    actions.remove("staff/officer", removed, reason="rectified", note="已整改")
    page = client.get("/sanctions/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "甲基金会" in text and "乙基金会" in text and "丙基金会" not in text  # in force by default
    assert "信用名录" in text
    assert "乙基金会" not in client.get("/sanctions/?list=abnormal").content.decode()
    ended = client.get("/sanctions/?state=ended").content.decode()
    assert "丙基金会" in ended and "甲基金会" not in ended
    assert "甲基金会" in client.get("/sanctions/", {"q": abnormal.subject_code}).content.decode()
    assert "乙基金会" in client.get("/sanctions/", {"q": "乙基金"}).content.decode()
    assert red.public_id in client.get("/sanctions/", {"q": red.public_id}).content.decode()


@pytest.mark.parametrize("query, field_text", [
    ({"list": "gold"}, "名录："), ({"type": "robot"}, "主体类型："), ({"state": "x"}, "状态："),
    ({"q": "x" * 101}, "搜索："),
])
def test_bad_filters_are_a_400_naming_the_field(client, query, field_text):
    response = client.get("/sanctions/", query)
    assert response.status_code == 400 and field_text in response.content.decode()


def test_public_search_refuses_id_numbers_without_echoing_them(client):
    impose(subject_type="person", list_kind="serious", ground="donation_fraud", subject_name="张某")
    response = client.get("/sanctions/", {"q": PERSON_ID})
    assert response.status_code == 302 and PERSON_ID not in response["Location"]
    page = client.get(response["Location"]).content.decode()
    assert "身份证号码" in page and PERSON_ID not in page and "1101**********002X" in page
    api = client.get("/api/sanctions/", {"q": PERSON_ID})
    assert api.status_code == 400 and api.json()["param"] == "q" and PERSON_ID not in api.content.decode()


def test_bad_page_is_a_404(client):
    assert client.get("/sanctions/?page=9").status_code == 404
    assert client.get("/sanctions/?page=abc").status_code == 404


def test_decision_page_shows_facts_evidence_hash_and_history(client):
    d = impose(evidence=[("通知书", SimpleUploadedFile("n.pdf", b"%PDF evidence", "application/pdf"))])
    actions.record_appeal("staff/officer", d, kind="objection", filed_on=timezone.localdate(), body="民政部",
                          summary="对列入有异议")
    text = client.get(d.get_absolute_url()).content.decode()
    assert d.decision_no in text and "活动异常名录" in text
    assert d.evidence.get().sha256 in text and "对列入有异议" in text
    for entry in Entry.objects.filter(subject=d.ledger_subject):
        assert f'data-verify-seq="{entry.seq}"' in text
    assert client.get("/sanctions/S2026-999999/").status_code == 404


def test_public_api(client):
    d = impose(list_kind="serious", ground="dishonest_debtor")
    body = client.get("/api/sanctions/").json()
    assert body["count"] == 1
    [row] = body["results"]
    assert row["id"] == d.public_id and row["list"] == "serious" and row["in_force"] is True
    assert row["party"] == d.subject and row["ledger_subject"] == f"sanction/{d.public_id}"
    assert client.get(f"/api/sanctions/{d.public_id}").json()["decision_no"] == d.decision_no
    bad = client.get("/api/sanctions/?list=gold")
    assert bad.status_code == 400 and bad.json()["param"] == "list"
    assert client.get("/api/sanctions/NOPE").status_code == 404


def test_officer_pages_need_the_group(client):
    assert client.get("/sanctions/manage/").status_code == 302  # to the login page
    client.force_login(make_staff("clerk-x", "registry_clerk"))
    assert client.get("/sanctions/manage/").status_code == 403
    assert client.post("/sanctions/manage/new/", {}).status_code == 403


def form_data(**overrides):
    data = {"list_kind": "abnormal", "ground": "missed_annual_report", "subject_type": "organization",
            "subject_code": charity_code(), "subject_name": "测试慈善基金会", "decision_no": "民社异〔2026〕9号",
            "authority": "民政部", "legal_basis": "《社会组织信用信息管理办法》", "facts": "未报送年度工作报告",
            "effective_on": "2026-01-05", "removal_conditions": "补报年报"}
    data.update(overrides)
    return data


def test_officer_creates_a_decision_with_evidence(officer_client):
    evidence = SimpleUploadedFile("notice.pdf", b"%PDF-1.4 notice", content_type="application/pdf")
    response = officer_client.post("/sanctions/manage/new/",
                                   form_data(evidence_title="通知书", evidence_file=evidence))
    d = Decision.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/sanctions/manage/{d.public_id}/"
    assert d.created_by == "staff/officer" and d.effective_on == date(2026, 1, 5)
    assert Entry.objects.get(subject=d.ledger_subject).actor == "staff/officer"
    assert d.evidence.get().title == "通知书"
    download = officer_client.get(f"/sanctions/manage/{d.public_id}/evidence/{d.evidence.get().pk}")
    assert b"".join(download.streaming_content) == b"%PDF-1.4 notice"


@pytest.mark.parametrize("overrides, field", [
    ({"subject_code": "91110000717800345X"}, "subject_code"),
    ({"ground": "honour"}, "ground"),
    ({"removal_conditions": ""}, "removal_conditions"),
    ({"effective_on": "2026-13-01"}, "effective_on"),
    ({"subject_type": "person", "list_kind": "serious", "ground": "donation_fraud", "id_number": "123"}, "id_number"),
])
def test_bad_form_names_the_field_and_saves_nothing(officer_client, overrides, field):
    response = officer_client.post("/sanctions/manage/new/", form_data(**overrides))
    assert response.status_code == 400
    assert response.context["form"].errors.get(field), response.context["form"].errors
    assert "未保存任何内容" in response.content.decode()
    assert not Decision.objects.exists() and not Entry.objects.exists()


def test_officer_lists_a_person_without_the_number_coming_back(officer_client):
    response = officer_client.post("/sanctions/manage/new/", form_data(
        subject_type="person", list_kind="serious", ground="donation_fraud", id_number=PERSON_ID.lower(),
        subject_code="", subject_name="张某"))
    d = Decision.objects.get()
    assert d.subject_code == "1101**********002X"
    page = officer_client.get(response["Location"]).content.decode()
    assert PERSON_ID not in page and PERSON_ID.lower() not in page
    found = officer_client.post("/sanctions/manage/", {"q": PERSON_ID}).content.decode()
    assert d.public_id in found and PERSON_ID not in found and "1101**********002X" in found


def test_officer_removes_and_records_appeals(officer_client):
    d = impose()
    url = f"/sanctions/manage/{d.public_id}/"
    assert officer_client.post(url, {"form": "appeal", "kind": "reconsideration", "filed_on": "2026-02-01",
                                     "body": "民政部", "summary": "申请复议"}).status_code == 302
    appeal = d.appeals.get()
    bad = officer_client.post(url, {"form": "decide", "appeal": appeal.pk, "outcome": "upheld",
                                    "decided_on": "2026-01-01", "outcome_note": "维持"})
    assert bad.status_code == 400 and bad.context["forms"]["decide"].errors["decided_on"]
    assert officer_client.post(url, {"form": "decide", "appeal": appeal.pk, "outcome": "upheld",
                                     "decided_on": "2026-02-10", "outcome_note": "维持"}).status_code == 302
    assert officer_client.post(url, {"form": "remove", "reason": "rectified", "end_note": "已整改",
                                     "removed_on": timezone.localdate().isoformat()}).status_code == 302
    d.refresh_from_db()
    assert d.status == "removed"
    kinds = list(Entry.objects.filter(subject=d.ledger_subject).order_by("seq").values_list("kind", flat=True))
    assert kinds == ["sanction.imposed", "sanction.appeal_recorded", "sanction.appeal_decided", "sanction.removed"]
    again = officer_client.post(url, {"form": "remove", "reason": "rectified", "end_note": "再次",
                                      "removed_on": timezone.localdate().isoformat()})
    assert again.status_code == 400 and "已终止" in again.content.decode()


def test_badges_and_history_for_other_pages(client):
    from django.template.loader import render_to_string

    from sanctions.queries import badges_for, decisions_for

    code = charity_code()
    d = impose(code=code, list_kind="serious", ground="fraudulent_registration")
    red = impose(code=code, list_kind="red", ground="honour")
    badges = badges_for(f"organization/{code}")
    assert [(b.list_kind, b.css, b.decision_id) for b in badges] == [("serious", "danger", d.public_id),
                                                                     ("red", "ok", red.public_id)]
    assert badges[0]["url"] == d.get_absolute_url() and d.decision_no in str(badges[0])
    html = render_to_string("sanctions/_section.html", {"decisions": decisions_for(f"organization/{code}")})
    assert d.public_id in html and red.public_id in html and "data-verify-seq" in html
