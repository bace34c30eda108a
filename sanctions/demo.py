"""Demo decisions on every list, a removal and an automatic escalation, through the actions.

Charities and platforms are picked from what the earlier demo modules
registered, read-only through the app registry (this app imports no domain
app). Charities with campaigns are left alone so the donation demo still works.
"""

from datetime import timedelta

from django.apps import apps
from django.utils import timezone

from . import actions, identity
from .models import Decision, Ground, ListKind

AUTHORITY = "民政部社会组织管理局"
BASIS_ABNORMAL = "《社会组织信用信息管理办法》第十一条"
BASIS_SERIOUS = "《社会组织信用信息管理办法》第十二条"
BASIS_RED = "《关于对慈善捐赠领域相关主体实施守信联合激励和失信联合惩戒的合作备忘录》"
# A made-up resident ID number with a correct check character; only its hash and mask are stored.
DEMO_PERSON_ID = "11010519800101123" + identity.id_check_char("11010519800101123")


def _charities(n):
    Organization = apps.get_model("organizations", "Organization")
    qs = Organization.objects.filter(status="active").order_by("uscc")
    if apps.is_installed("fundraising"):
        Campaign = apps.get_model("fundraising", "Campaign")
        qs = qs.exclude(pk__in=Campaign.objects.values("organization_id"))
    return list(qs.values_list("uscc", "name")[:n])


def _platform():
    if not apps.is_installed("fundraising"):
        return None
    Platform = apps.get_model("fundraising", "Platform")
    return Platform.objects.filter(status="designated").order_by("code").values_list("code", "name").first()


def seed(command, options):
    if Decision.objects.exists():
        command.stdout.write("demo data: credit-list decisions already present")
        return
    today = timezone.localdate()
    orgs = _charities(7)
    if len(orgs) < 7:
        command.stdout.write("demo data: too few charities for credit-list decisions, none added")
        return

    def org(i, list_kind, ground, effective_on, no, facts, **extra):
        code, name = orgs[i]
        basis = {ListKind.ABNORMAL: BASIS_ABNORMAL, ListKind.SERIOUS: BASIS_SERIOUS, ListKind.RED: BASIS_RED}
        return actions.impose("system", list_kind=list_kind, ground=ground, subject_type="organization",
                              subject_code=code, subject_name=name, decision_no=no, authority=AUTHORITY,
                              legal_basis=basis[list_kind], facts=facts, effective_on=effective_on, **extra)

    org(0, ListKind.ABNORMAL, Ground.MISSED_ANNUAL_REPORT, today - timedelta(days=90), "民社异〔2025〕31号",
        "未按规定期限报送上一年度工作报告。", removal_conditions="补报年度工作报告并经审核通过。")
    org(1, ListKind.ABNORMAL, Ground.UNREACHABLE, today - timedelta(days=700), "民社异〔2024〕12号",
        "通过登记的住所无法取得联系。", removal_conditions="恢复联系并提交住所证明。")
    rectified = org(2, ListKind.ABNORMAL, Ground.UNFINISHED_RECTIFICATION, today - timedelta(days=200),
                    "民社异〔2025〕07号", "责令整改期满未完成整改。", removal_conditions="完成整改并提交整改报告。")
    actions.remove("system", rectified, reason=Decision.EndReason.RECTIFIED,
                   note="已完成整改并提交整改报告，经核查属实。", removed_on=today - timedelta(days=20))
    org(3, ListKind.SERIOUS, Ground.FRAUDULENT_REGISTRATION, today - timedelta(days=400), "民社失〔2025〕03号",
        "登记时提交虚假材料，骗取登记。")
    org(4, ListKind.ABNORMAL, Ground.MISSED_ANNUAL_REPORT, today - timedelta(days=2 * 365 + 30), "民社异〔2023〕45号",
        "连续未报送年度工作报告。", removal_conditions="补报全部年度工作报告。")
    org(5, ListKind.RED, Ground.TOP_RATING, today - timedelta(days=300), "民社评〔2025〕5A-018号",
        "社会组织评估等级为5A级。", expires_on=today + timedelta(days=5 * 365 - 300))
    org(6, ListKind.RED, Ground.HONOUR, today - timedelta(days=120), "中华慈善奖〔2025〕",
        "荣获中华慈善奖（慈善项目和慈善信托）。")
    actions.impose("system", list_kind=ListKind.SERIOUS, ground=Ground.DONATION_FRAUD, subject_type="person",
                   id_number=DEMO_PERSON_ID, subject_name="张某某", decision_no="民社失〔2025〕09号",
                   authority=AUTHORITY, legal_basis=BASIS_SERIOUS,
                   facts="虚构病情，通过网络平台骗取捐款，经人民法院判决认定。",
                   effective_on=today - timedelta(days=60))
    platform = _platform()
    if platform:
        actions.impose("system", list_kind=ListKind.RED, ground=Ground.HONOUR, subject_type="platform",
                       subject_code=platform[0], subject_name=platform[1], decision_no="民函〔2025〕88号",
                       authority=AUTHORITY, legal_basis=BASIS_RED, facts="信息公开规范，获评年度优秀平台。",
                       effective_on=today - timedelta(days=30))
    done = actions.apply_transitions(today)
    command.stdout.write(f"demo data: {Decision.objects.count()} credit-list decisions "
                         f"({done['escalated']} moved to the serious-dishonesty list by the daily task)")
