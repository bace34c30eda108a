"""Test data builders shared by every test module. Add functions; keep them small."""

import itertools

from django.db import transaction

import ledger

_counter = itertools.count(1)


def append_entries(n, kind="test.event", subject=None, batch=True):
    """Append n ledger entries (one transaction if batch) and return them."""
    items = [(kind, subject or f"test/{next(_counter)}", "system", {"i": i, "note": "测试"}) for i in range(n)]
    if batch:
        with transaction.atomic():
            return ledger.append_many(items)
    out = []
    for item in items:
        with transaction.atomic():
            out.append(ledger.append(*item))
    return out


# Fundraising -----------------------------------------------------------------------

_uscc_counter = itertools.count(1)


def make_staff(username, *groups):
    """A staff user in the named groups (e.g. "ministry_reviewer", "registry_clerk"), password "pw"."""
    from django.contrib.auth.models import Group, User

    user = User.objects.create_user(username, password="pw")
    user.groups.set([Group.objects.filter(name=g).first() or _recreate_group(g) for g in groups])
    return User.objects.get(pk=user.pk)  # fresh: no stale permission cache


def _recreate_group(name):
    """A staff group as the data migrations define it, after a transactional test's flush removed it."""
    import importlib

    from django.contrib.auth.models import Group, Permission

    fundraising = importlib.import_module("fundraising.migrations.0002_staff_groups")
    registry = importlib.import_module("organizations.migrations.0003_registry_clerk_group")
    wanted = [("fundraising", c) for c in fundraising.GROUPS.get(name, [])]
    if name == registry.GROUP:
        wanted += [("organizations", c) for c in registry.CODENAMES]
    group = Group.objects.create(name=name)
    for app, codename in wanted:
        group.permissions.add(Permission.objects.get(content_type__app_label=app, codename=codename))
    return group


def make_charity(qualified=True, status="active", region="110000", name=None):
    """A registered foundation, through the registry's actions (so its ledger history is real)."""
    from datetime import date

    from organizations import actions, uscc

    n = next(_uscc_counter)
    code = uscc.complete(f"53{region}{n:09d}")
    org = actions.register_organization(
        "system", uscc=code, name=name or f"测试慈善基金会{n}", org_type="foundation",
        registration_authority="民政部", region_code=region, founded_on=date(2010, 1, 1),
        recognized_on=date(2017, 1, 1))
    if qualified:
        org = actions.grant_qualification("system", org, granted_on=date(2018, 1, 1))
    if status != "active":
        org = actions.change_status("system", org, status=status, effective_on=date(2024, 1, 1),
                                    reason="测试：注销登记")
    return org


def platform_fields(code, **overrides):
    from organizations import uscc

    n = next(_uscc_counter)
    fields = dict(code=code, name=f"{code}公益平台", operator_name=f"{code}网络科技有限公司",
                  operator_uscc=uscc.complete(f"91110000{n:09d}"), site_url=f"https://{code}.example.cn/",
                  contact_name="联系人", contact_phone="010-12345678", commitments="遵守慈善法，信息公开。")
    fields.update(overrides)
    return fields


def make_platform(code, status="designated", reviewer=None, approver=None):
    """A platform brought to `status` through the real actions (notice periods lie in the past).

    `reviewer` recommends and `approver` decides (created if not given).
    """
    from datetime import timedelta

    import time_machine
    from django.utils import timezone

    from fundraising.actions import platforms as act
    from fundraising.models import Recommendation

    reviewer = reviewer or _reviewer(f"rev-{code}")
    approver = approver or _reviewer(f"appr-{code}")
    past = timezone.now() - timedelta(days=20)
    with time_machine.travel(past, tick=False):
        platform = act.apply_platform(reviewer, **platform_fields(code))
        if status == "applied":
            return platform
        platform = act.start_review(reviewer, platform, "材料齐全，开始审查")
        if status in ("under_review", "rejected"):
            if status == "rejected":
                rec = act.recommend(reviewer, platform, Recommendation.Outcome.REJECT, "不符合条件")
                platform = act.decide(approver, rec, True, "同意不予指定")
            return platform
        platform = act.start_notice(reviewer, platform, timezone.localdate() + timedelta(days=7), "开始公示")
    if status == "notice":
        return platform
    rec = act.recommend(reviewer, platform, Recommendation.Outcome.DESIGNATE, "评审通过")
    platform = act.decide(approver, rec, True, "同意指定", batch=4, designated_on=timezone.localdate())
    if status == "suspended":
        platform = act.suspend(approver, platform, timezone.localdate() + timedelta(days=30), "整改期间暂停")
    elif status in ("revoked", "exited"):
        outcome = Recommendation.Outcome.REVOKE if status == "revoked" else Recommendation.Outcome.EXIT
        rec = act.recommend(reviewer, platform, outcome, "严重违规")
        platform = act.decide(approver, rec, True, "同意")
    return platform


def _reviewer(username):
    from django.contrib.auth.models import User

    existing = User.objects.filter(username=username).first()
    return existing or make_staff(username, "ministry_reviewer")


def make_campaign(org=None, platforms=(), starts_in_days=10, days=30, filer=None, **fields):
    """A campaign filed through the action, starting in `starts_in_days` and lasting `days`."""
    from datetime import timedelta

    from django.utils import timezone

    from fundraising.actions.campaigns import file_campaign

    org = org or make_charity()
    platforms = list(platforms) or [make_platform(f"p{next(_uscc_counter)}")]
    filer = filer or _clerk()
    start = timezone.localdate() + timedelta(days=starts_in_days)
    values = dict(title="助学行动", purpose="资助乡村学生完成学业", target_fen=100_000_00, starts_on=start,
                  ends_on=start + timedelta(days=days), region_code="110000", platforms=platforms)
    values.update(fields)
    return file_campaign(filer, org, **values)


def _clerk():
    from django.contrib.auth.models import User

    return User.objects.filter(username="clerk").first() or make_staff("clerk", "registry_clerk")


def issue_key(platform, label="test"):
    """(ApiKey, plain key) for a designated platform."""
    from fundraising.actions.keys import issue_api_key

    admin = _reviewer("key-admin")
    return issue_api_key(admin, platform, label)


# Registry ---------------------------------------------------------------------------

_org_counter = itertools.count(1)
ORG_CATEGORY = {"social_group": "1", "social_service": "2", "foundation": "3"}


def charity_code(org_type="foundation", region="440300", n=None):
    """A valid credit code of a charity of `org_type` (civil affairs, category by type)."""
    from organizations import uscc

    n = next(_org_counter) if n is None else n
    return uscc.complete(f"5{ORG_CATEGORY[org_type]}{region}MJ{n:07d}")


def register_org(name=None, org_type="foundation", region_code="440305", fields_of_service=("education",),
                 actor="system", **fields):
    """A charity registered through organizations.actions.register_organization."""
    from datetime import date

    from organizations import actions

    n = next(_org_counter)
    values = dict(uscc=charity_code(org_type, region_code, n), name=name or f"深圳测试{n}基金会",
                  org_type=org_type, registration_authority="深圳市民政局", region_code=region_code,
                  founded_on=date(2012, 5, 1), recognized_on=date(2017, 6, 1), legal_representative="李明",
                  address="深圳市南山区科技园1号", phone="0755-12345678")
    values.update(fields)
    return actions.register_organization(actor, fields_of_service=fields_of_service, **values)


def pdf_file(text="report", name="report.pdf"):
    """A small PDF upload."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    body = b"%PDF-1.4\n% " + text.encode() + b"\n%%EOF\n"
    return SimpleUploadedFile(name, body, content_type="application/pdf")


def list_as_abnormal(subject_type, code, name):
    """Put an organisation or platform on the abnormal-activity list, in force from today."""
    from django.utils import timezone

    from sanctions import actions
    from sanctions.models import Ground, ListKind

    return actions.impose("system", list_kind=ListKind.ABNORMAL, ground=Ground.UNREACHABLE,
                          subject_type=subject_type, subject_code=code, subject_name=name,
                          decision_no="民函〔2026〕1号", authority="民政部", legal_basis="《慈善组织信息公开办法》",
                          facts="通过登记的住所无法联系", removal_conditions="恢复联系并说明情况",
                          effective_on=timezone.localdate())


# Credit lists ---------------------------------------------------------------------------

# A made-up resident ID number with a correct GB 11643 check character.
PERSON_ID = "11010519491231002X"


def credit_officer(username="officer"):
    from django.contrib.auth.models import User

    return User.objects.filter(username=username).first() or make_staff(username, "credit_officer")


def impose(subject_type="organization", code=None, list_kind="abnormal", ground=None, actor="staff/officer",
           **fields):
    """A decision through sanctions.actions.impose, in force from today unless `effective_on` is given."""
    from django.utils import timezone

    from sanctions import actions
    from sanctions.models import LIST_GROUNDS

    values = dict(list_kind=list_kind, ground=ground or LIST_GROUNDS[list_kind][0], subject_type=subject_type,
                  subject_name="测试慈善基金会", decision_no="民社异〔2026〕1号", authority="民政部",
                  legal_basis="《社会组织信用信息管理办法》", facts="未按规定报送年度工作报告",
                  effective_on=timezone.localdate(), removal_conditions="补报年度工作报告")
    if subject_type == "person":
        values["id_number"] = code or PERSON_ID
    else:
        values["subject_code"] = code or charity_code()
    values.update(fields)
    return actions.impose(actor, **values)


# Donations --------------------------------------------------------------------------------

_order_counter = itertools.count(1)


def donation_item(filing_number, amount_fen=100_00, external_id=None, donated_at=None, **extra):
    """One item of a donation batch as a platform sends it."""
    from django.utils import timezone

    when = donated_at if isinstance(donated_at, str) else (donated_at or timezone.now()).isoformat()
    item = {"external_id": external_id or f"ord-{next(_order_counter)}", "filing_number": filing_number,
            "amount_fen": amount_fen, "donated_at": when,
            "channel": "wechat_pay", "anonymous": False, "donor_ref": f"user-{next(_order_counter)}"}
    item.update(extra)
    return item


def make_donations(campaign, platform, amounts=(100_00,), **extra):
    """Donations recorded through donations.actions; returns the accepted results (receipt_no, verification_code)."""
    from donations.actions import record_donations

    items = [donation_item(campaign.filing_number, amount, **extra) for amount in amounts]
    outcome = record_donations(platform, items)
    assert outcome.rejected == 0, outcome.results
    return [r["result"] for r in outcome.results]


def evidence_hash(text="付款凭证"):
    import hashlib

    return hashlib.sha256(text.encode()).hexdigest()


def disbursement_item(filing_number, amount_fen, external_id=None, **extra):
    from django.utils import timezone

    item = {"external_id": external_id or f"dis-{next(_order_counter)}", "filing_number": filing_number,
            "amount_fen": amount_fen, "disbursed_on": timezone.localdate().isoformat(), "purpose": "购买教学设备",
            "recipient_type": "organization", "recipient_name": "某县第一小学", "evidence_sha256": evidence_hash()}
    item.update(extra)
    return item
