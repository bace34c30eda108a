"""Deterministic demo data: platforms in every state, applications waiting, campaigns in every status.

Platform names of the designated ones are from the ministry's published first
batch (2016); their operators, credit codes and sites here are demo values.
Every other platform is fictional. Everything is written through the actions,
so the demo history is a real, verifiable ledger history. Dates that the
rules tie to "today" (notice periods, filing dates) are today's; reporting
deadlines therefore lie in the future and nothing is overdue yet.
"""

from datetime import date, timedelta

from django.contrib.auth.models import Group, User

from organizations import uscc
from organizations.models import Organization

from .actions import campaigns as campaign_actions
from .actions import platforms as act
from .actions.progress import report_progress
from .api.serializers import ProgressItemSerializer
from .models import Platform, Recommendation
from .rules import today

FIRST_BATCH = date(2016, 8, 31)
SECOND_BATCH = date(2018, 5, 30)
DESIGNATED = [  # (code, name) from the 2016 first batch
    ("tencent-gongyi", "腾讯公益"), ("taobao-gongyi", "淘宝公益"), ("antfin-gongyi", "蚂蚁金服公益"),
    ("weibo-gongyi", "新浪微公益"), ("qingsongchou", "轻松筹"), ("jd-gongyi", "京东公益"),
    ("baidu-charity", "百度慈善捐助平台"), ("gongyibao", "公益宝"), ("xinhua-gongyi", "新华公益"),
    ("lianquan", "联劝网"),
]
COMMITMENTS = ("遵守《慈善法》和《公开募捐平台服务管理办法》；验证慈善组织公开募捐资格和备案信息；"
               "不向捐赠人收取费用；实时向慈善中国报送募捐信息。")


def _code(n, category="9", region="110000"):
    return uscc.complete(f"9{category}{region}{n:09d}"[:17])


def _staff(username, group):
    user, created = User.objects.get_or_create(username=username)
    if created:
        user.set_unusable_password()  # set one with `manage.py changepassword <name>` to log in
        user.save()
    user.groups.add(Group.objects.get(name=group))
    return User.objects.get(pk=user.pk)


def _fictional(reviewer, code, name, n):
    return act.apply_platform(
        reviewer, code=code, name=name, operator_name=f"{name}网络科技有限公司（演示）", operator_uscc=_code(n, "1"),
        site_url=f"https://{code}.example.cn/", contact_name="演示联系人", contact_phone="010-00000000",
        commitments=COMMITMENTS)


def seed_platforms(a, b):
    """a and b: two reviewers, so every four-eyes decision has two different people."""
    platforms = {}
    for i, (code, name) in enumerate(DESIGNATED, start=1):
        platforms[code] = act.import_designated(
            code=code, name=name, operator_name=f"{name}运营主体（演示）", operator_uscc=_code(1000 + i),
            site_url=f"https://{code}.example.cn/", commitments=COMMITMENTS, applied_on=date(2016, 7, 1),
            batch=1, designated_on=FIRST_BATCH, reason="民政部公告第一批互联网公开募捐信息平台（演示数据）")
    d = today()
    second = [("mingri-gongyi", "明日公益（演示）"), ("xingguang-juan", "星光捐（演示）"),
              ("yuanjing-gongyi", "远景公益（演示）")]
    for i, (code, name) in enumerate(second):
        platforms[code] = act.import_designated(
            code=code, name=name, operator_name=f"{name}网络科技有限公司", operator_uscc=_code(2000 + i),
            site_url=f"https://{code}.example.cn/", commitments=COMMITMENTS, applied_on=date(2018, 1, 15),
            batch=2, designated_on=SECOND_BATCH, reason="第二批指定平台（演示数据）")
    act.record_talk(a, platforms["mingri-gongyi"], d, "个人求助与公开募捐混同展示，约谈平台负责人")
    act.order_rectification(a, platforms["mingri-gongyi"], d + timedelta(days=30),
                            "30日内完成个人求助与公开募捐的区分展示")
    platforms["mingri-gongyi"] = act.suspend(b, platforms["mingri-gongyi"], d + timedelta(days=90),
                                             "未按要求报送募捐信息，暂停整改")
    rec = act.recommend(a, platforms["xingguang-juan"], Recommendation.Outcome.REVOKE, "多次违规且逾期未整改")
    platforms["xingguang-juan"] = act.decide(b, rec, True, "同意撤销指定")
    rec = act.recommend(b, platforms["yuanjing-gongyi"], Recommendation.Outcome.EXIT, "运营主体业务调整，申请退出")
    platforms["yuanjing-gongyi"] = act.decide(a, rec, True, "同意退出")

    applied = _fictional(a, "shanyuan-lab", "善源实验室（演示）", 3)
    reviewing = act.start_review(a, _fictional(a, "nuanxin-chou", "暖心筹（演示）", 4), "材料齐全，开始审查")
    notice = act.start_review(a, _fictional(a, "tongxin-juan", "同心捐（演示）", 5), "专家评审通过")
    notice = act.start_notice(a, notice, d + timedelta(days=10), "经专家评审，拟指定，现予公示")
    objection = act.record_objection(b, notice, d, "有意见认为平台运营主体成立时间不足两年")
    act.answer_objection(a, objection, "经核查，运营主体成立已满两年，符合条件")
    act.record_objection(b, notice, d, "有意见反映平台页面未展示备案编号")
    act.recommend(a, notice, Recommendation.Outcome.DESIGNATE, "专家评审通过，建议指定")
    rejected = act.start_review(a, _fictional(a, "kuaile-bang", "快乐帮（演示）", 6), "开始审查")
    rec = act.recommend(a, rejected, Recommendation.Outcome.REJECT, "运营主体不具备网络信息服务资质")
    act.decide(b, rec, True, "同意不予指定")
    platforms.update({"shanyuan-lab": applied, "nuanxin-chou": reviewing, "tongxin-juan": notice})
    return platforms


CAMPAIGNS = [  # (title, purpose, target in yuan, starts in days, lasts days)
    ("乡村儿童营养餐计划", "为中西部农村小学生提供营养午餐", 5_000_000, 0, 300),
    ("99公益日助学行动", "资助家庭困难的高中生完成学业", 2_000_000, 0, 60),
    ("冬季送温暖", "为高寒地区困难老人和儿童送去冬衣和取暖设备", 800_000, 12, 90),
    ("洪涝灾害紧急救援", "为受灾群众提供饮用水、食品和临时安置", 10_000_000, 0, 0),
    ("留守儿童陪伴计划", "在县域建设儿童之家并培训社工", 1_500_000, 0, 200),
    ("大病患儿救助", "为白血病等大病患儿提供医疗费用救助", 3_000_000, 3, 180),
]


def seed_campaigns(platforms, clerk, reviewer):
    orgs = list(Organization.objects.filter(status="active", public_fundraising_qualified=True).order_by("uscc")[:6])
    if not orgs:
        return []
    d = today()
    web = [platforms["tencent-gongyi"], platforms["antfin-gongyi"], platforms["jd-gongyi"]]
    campaigns = []
    for i, (title, purpose, yuan, starts_in, days) in enumerate(CAMPAIGNS):
        start = d + timedelta(days=starts_in)
        campaigns.append(campaign_actions.file_campaign(
            clerk, orgs[i % len(orgs)], title=title, purpose=purpose, target_fen=yuan * 100, starts_on=start,
            ends_on=start + timedelta(days=days), region_code=orgs[i % len(orgs)].region_code,
            platforms=web[: 1 + i % 3]))
    nutrition, school, winter, flood, children, illness = campaigns
    campaign_actions.review_campaign(reviewer, nutrition, "accepted", "方案要素齐全，予以备案")
    campaign_actions.review_campaign(reviewer, school, "accepted", "方案要素齐全，予以备案")
    campaign_actions.review_campaign(reviewer, illness, "correction", "请补充救助对象的遴选标准")
    items = [{"external_id": f"demo-{c.filing_number}-1", "filing_number": c.filing_number,
              "period_end": d.isoformat(), "raised_fen": c.target_fen // (3 + n), "spent_fen": c.target_fen // 10,
              "donations_count": 1200 * (n + 1), "summary": "首期善款已到账"}
             for n, c in enumerate((nutrition, school, flood, children))]
    report_progress(platforms["tencent-gongyi"], items, ProgressItemSerializer)
    campaign_actions.terminate_campaign(reviewer, children, "慈善组织申请终止，已募善款转入同类项目")
    # The flood appeal ran for one day: close it tomorrow's way and file its final report.
    campaign_actions.update_statuses(on=d + timedelta(days=1))
    campaign_actions.record_report(clerk, flood, period_end=d, raised_fen=flood.target_fen // 3,
                                   spent_fen=flood.target_fen // 4, summary="物资已全部发放，结余转入灾后重建",
                                   final=True)
    return campaigns


def seed(command, options):
    a = _staff("demo-reviewer-a", "ministry_reviewer")
    b = _staff("demo-reviewer-b", "ministry_reviewer")
    clerk = _staff("demo-clerk", "registry_clerk")
    platforms = seed_platforms(a, b)
    campaigns = seed_campaigns(platforms, clerk, a)
    command.stdout.write(f"demo data: {Platform.objects.count()} fundraising platforms, {len(campaigns)} campaigns "
                         "(staff users demo-reviewer-a, demo-reviewer-b, demo-clerk: set a password with "
                         "`manage.py changepassword` to log in)")
