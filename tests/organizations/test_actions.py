"""Every registry action writes exactly one ledger entry, of its documented kind, with public data only."""

import json
import re
from datetime import date

import pytest
from django.core.exceptions import ValidationError

from ledger.models import Entry
from organizations import actions
from organizations.models import AnnualReport, Correction, Disclosure, Organization
from tests.factories import charity_code, pdf_file, register_org

pytestmark = pytest.mark.django_db

STATE_KEYS = {
    "uscc", "name", "name_en", "org_type", "registration_authority", "region_code", "status", "status_changed_on",
    "status_reason", "recognized_on", "public_fundraising_qualified", "qualification_granted_on",
    "qualification_revoked_on", "tax_deductible", "fields_of_service", "legal_representative", "founded_on",
    "address", "website", "phone",
}
# Shapes of personal identifiers that must never reach the ledger.
ID_CARD = re.compile(r"\d{17}[\dXx]")
MOBILE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")


def entries_after(seq):
    return list(Entry.objects.filter(seq__gt=seq).order_by("seq"))


def last_seq():
    entry = Entry.objects.order_by("-seq").first()
    return entry.seq if entry else -1


def one_entry(before, kind, org):
    new = entries_after(before)
    assert len(new) == 1, [e.kind for e in new]
    entry = new[0]
    assert entry.kind == kind
    assert entry.subject == f"organization/{org.uscc}"
    leaf = json.loads(entry.leaf)
    assert leaf["kind"] == kind and leaf["seq"] == entry.seq
    data_text = json.dumps(leaf["data"], ensure_ascii=False)
    assert not ID_CARD.search(data_text) and not MOBILE.search(data_text)
    return leaf


def test_register_writes_the_full_public_state():
    before = last_seq()
    org = register_org(name="深圳希望助学基金会", name_en="Shenzhen Hope Foundation", legal_representative="王芳",
                       tax_deductible=True, fields_of_service=("education", "children"), actor="staff/clerk")
    leaf = one_entry(before, "organization.registered", org)
    data = leaf["data"]
    assert set(data) == STATE_KEYS
    assert leaf["actor"] == "staff/clerk"
    assert data["uscc"] == org.uscc and data["name"] == "深圳希望助学基金会"
    assert data["fields_of_service"] == ["education", "children"]
    assert data["legal_representative"] == "王芳"  # the public role, by name only
    assert data["recognized_on"] == "2017-06-01" and data["public_fundraising_qualified"] is False
    assert Organization.objects.get(uscc=org.uscc).fields_of_service == ["education", "children"]


def test_update_writes_one_entry_and_refuses_no_op():
    org = register_org()
    before = last_seq()
    actions.update_organization("staff/clerk", org, address="深圳市福田区新址2号", fields_of_service=["health"])
    leaf = one_entry(before, "organization.updated", org)
    assert leaf["data"]["address"] == "深圳市福田区新址2号"
    assert leaf["data"]["fields_of_service"] == ["health"]
    before = last_seq()
    with pytest.raises(ValidationError):
        actions.update_organization("staff/clerk", org, address="深圳市福田区新址2号")
    assert entries_after(before) == []


def test_status_change_also_ends_the_qualification():
    org = register_org()
    actions.grant_qualification("system", org, granted_on=date(2018, 1, 2))
    before = last_seq()
    actions.change_status("staff/clerk", org, status="revoked", effective_on=date(2024, 5, 6), reason="严重违法")
    data = one_entry(before, "organization.status_changed", org)["data"]
    assert data["status"] == "revoked" and data["status_changed_on"] == "2024-05-06"
    assert data["public_fundraising_qualified"] is False and data["qualification_revoked_on"] == "2024-05-06"


def test_grant_and_revoke_qualification():
    org = register_org()
    before = last_seq()
    actions.grant_qualification("staff/clerk", org, granted_on=date(2019, 3, 1))
    data = one_entry(before, "organization.qualification_granted", org)["data"]
    assert data["public_fundraising_qualified"] is True and data["qualification_granted_on"] == "2019-03-01"
    before = last_seq()
    actions.revoke_qualification("staff/clerk", org, revoked_on=date(2020, 3, 1))
    data = one_entry(before, "organization.qualification_revoked", org)["data"]
    assert data["public_fundraising_qualified"] is False and data["qualification_revoked_on"] == "2020-03-01"


def test_annual_report_records_the_file_hash(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    org = register_org()
    before = last_seq()
    upload = pdf_file("2023")
    report = actions.publish_annual_report("staff/clerk", org, year=2023, income_fen=123_456_789,
                                           expenditure_fen=98_765_432, net_assets_fen=-5_00, file=upload)
    data = one_entry(before, "organization.disclosure_published", org)["data"]
    import hashlib

    upload.seek(0)
    digest = hashlib.sha256(upload.read()).hexdigest()
    assert data == {"uscc": org.uscc, "disclosure": "annual_report", "year": 2023, "income_fen": 123_456_789,
                    "expenditure_fen": 98_765_432, "net_assets_fen": -500, "file_sha256": digest,
                    "file_size": report.file_size}
    assert report.ledger_seq == before + 1 and report.file_sha256 == digest
    with report.file.open("rb") as fh:
        assert hashlib.sha256(fh.read()).hexdigest() == digest


def test_disclosure_and_correction_reference_the_ledger():
    org = register_org()
    before = last_seq()
    disclosure = actions.publish_disclosure("staff/clerk", org, kind="project", disclosed_on=date(2024, 1, 5),
                                            title="项目公告", text="受益人次约3.6万。")
    data = one_entry(before, "organization.disclosure_published", org)["data"]
    assert data == {"uscc": org.uscc, "disclosure": "project", "disclosed_on": "2024-01-05",
                    "title": "项目公告", "text": "受益人次约3.6万。"}
    before = last_seq()
    correction = actions.publish_correction("staff/clerk", org, corrects_seq=disclosure.ledger_seq,
                                            note="应为约3.2万。")
    data = one_entry(before, "organization.correction_published", org)["data"]
    assert data == {"uscc": org.uscc, "corrects_seq": disclosure.ledger_seq, "note": "应为约3.2万。"}
    # The corrected entry is still there, unchanged.
    assert Disclosure.objects.get(ledger_seq=disclosure.ledger_seq).text == "受益人次约3.6万。"
    assert Correction.objects.get(pk=correction.pk).corrects_seq == disclosure.ledger_seq


def test_a_correction_may_only_point_into_the_same_record():
    org, other = register_org(), register_org()
    other_seq = Entry.objects.filter(subject=other.subject).first().seq
    before = last_seq()
    with pytest.raises(ValidationError) as error:
        actions.publish_correction("staff/clerk", org, corrects_seq=other_seq, note="x")
    assert "corrects_seq" in error.value.error_dict
    assert entries_after(before) == []


@pytest.mark.parametrize("fields, field", [
    ({"uscc": "53440300MJ00000011"}, "uscc"),                       # wrong check character
    ({"uscc": "91350100M000100Y43"}, "uscc"),                       # a company's code, not a charity's
    ({"uscc": charity_code("foundation", "440305", 999_999), "org_type": "social_group"}, "org_type"),
    ({"region_code": "440399"}, "region_code"),                     # not a GB/T 2260 code
    ({"region_code": "44030"}, "region_code"),
    ({"name_en": "希望 Foundation"}, "name_en"),
    ({"phone": "call us"}, "phone"),
    ({"recognized_on": date(2010, 1, 1)}, "recognized_on"),         # before it was founded
    ({"founded_on": date(2999, 1, 1)}, "founded_on"),
])
def test_bad_registration_names_the_field_and_writes_nothing(fields, field):
    before_orgs, before = Organization.objects.count(), last_seq()
    with pytest.raises(ValidationError) as error:
        register_org(**fields)
    assert field in error.value.error_dict
    assert Organization.objects.count() == before_orgs and entries_after(before) == []


def test_duplicate_code_is_refused():
    org = register_org()
    with pytest.raises(ValidationError) as error:
        register_org(uscc=org.uscc)
    assert "uscc" in error.value.error_dict


def test_qualification_rules():
    org = register_org(recognized_on=None)
    with pytest.raises(ValidationError):
        actions.grant_qualification("system", org, granted_on=date(2020, 1, 1))   # not recognised
    with pytest.raises(ValidationError):
        actions.revoke_qualification("system", org, revoked_on=date(2020, 1, 1))  # not held
    org = register_org()
    actions.change_status("system", org, status="deregistered", effective_on=date(2023, 1, 1), reason="解散")
    before = last_seq()
    with pytest.raises(ValidationError):
        actions.grant_qualification("system", org, granted_on=date(2023, 2, 1))   # not active
    assert entries_after(before) == []


def test_annual_report_must_be_a_pdf(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    from django.core.files.uploadedfile import SimpleUploadedFile

    org = register_org()
    before = last_seq()
    with pytest.raises(ValidationError) as error:
        actions.publish_annual_report("system", org, year=2023, income_fen=1, expenditure_fen=1, net_assets_fen=1,
                                      file=SimpleUploadedFile("x.pdf", b"<html>not a pdf"))
    assert "file" in error.value.error_dict
    assert entries_after(before) == [] and not AnnualReport.objects.exists()
    assert not any(tmp_path.rglob("*.pdf"))


def test_batch_registration_takes_one_entry_per_charity():
    rows = [dict(uscc=charity_code("social_service", "110101"), name=f"北京东城测试服务中心{i}",
                 org_type="social_service", registration_authority="东城区民政局", region_code="110101",
                 fields_of_service=["elderly"]) for i in range(25)]
    before = last_seq()
    assert actions.register_organizations_bulk("system", rows, batch_size=10) == 25
    new = entries_after(before)
    assert [e.kind for e in new] == ["organization.registered"] * 25
    assert {e.subject for e in new} == {f"organization/{r['uscc']}" for r in rows}
    assert Organization.objects.filter(city_code="110101").count() == 25


def test_batch_registration_refuses_the_whole_batch_on_a_duplicate():
    org = register_org()
    rows = [dict(uscc=charity_code(), name="新基金会", org_type="foundation", registration_authority="x",
                 region_code="440305"),
            dict(uscc=org.uscc, name="重复", org_type="foundation", registration_authority="x", region_code="440305")]
    before, count = last_seq(), Organization.objects.count()
    with pytest.raises(ValidationError) as error:
        actions.register_organizations_bulk("system", rows)
    assert org.uscc in error.value.error_dict["uscc"][0].message
    assert entries_after(before) == [] and Organization.objects.count() == count
