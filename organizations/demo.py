"""Deterministic demo charities: fictional names in every province, valid codes.

`seed_demo` registers DEFAULT_COUNT charities (a few seconds);
`seed_demo --organizations N` registers N instead, through the batch ledger
append, for benchmarks (1,000,000 takes minutes). The same options give the
same data on every run. A few charities get a fuller story through the
single-change actions: qualification, annual reports, disclosures, a
correction, deregistration and revocation.
"""

import random
from datetime import date, timedelta

from . import actions, regions, uscc
from .models import FieldOfService, Organization

DEFAULT_COUNT = 3000
SEED = 2018
STORIES = 12

STEMS = ["希望", "春蕾", "阳光", "助学", "扶贫", "母亲", "儿童", "乡村振兴", "绿色家园", "敬老", "红十字", "助残",
         "爱心", "博爱", "仁爱", "明德", "润泽", "同心", "守望", "暖阳", "星光", "彩虹", "蒲公英", "海星",
         "青少年发展", "老龄事业", "教育发展", "医疗救助", "妇女发展", "生态环境保护", "文化遗产保护", "体育发展",
         "科技创新", "社区发展", "志愿服务", "关爱留守儿童", "血液病救助", "听力康复", "大病救助", "见义勇为",
         "孤儿救助", "金秋助学", "光彩事业", "善行", "慈心", "乐善", "扶老助残", "书香", "晨曦", "启明"]
STEMS_EN = {"希望": "Hope", "春蕾": "Spring Bud", "阳光": "Sunshine", "助学": "Student Aid", "母亲": "Mothers",
            "儿童": "Children", "爱心": "Loving Heart", "博爱": "Fraternity", "星光": "Starlight",
            "彩虹": "Rainbow", "蒲公英": "Dandelion", "教育发展": "Education Development",
            "医疗救助": "Medical Aid", "志愿服务": "Volunteer Service", "乡村振兴": "Rural Revitalisation"}
SUFFIXES = {
    "foundation": ["基金会", "慈善基金会", "公益基金会", "教育基金会"],
    "social_group": ["慈善总会", "慈善协会", "慈善联合会", "志愿者协会", "公益促进会"],
    "social_service": ["公益服务中心", "社会工作服务中心", "慈善服务中心", "养老服务中心", "康复中心"],
}
SUFFIX_EN = {"foundation": "Foundation", "social_group": "Charity Association",
             "social_service": "Community Service Centre"}
CATEGORY = {"social_group": "1", "social_service": "2", "foundation": "3"}
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉萍红建国文辉力志宏"
STREETS = ["人民路", "解放路", "中山路", "建设路", "和平街", "文化路", "新华路", "公园路", "长江路", "民主路"]
STATUS_REASONS = {"deregistered": "理事会决议解散，清算完毕，申请注销登记",
                  "revoked": "连续两年未参加年度检查，依法撤销登记"}
GB11714 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def add_arguments(parser):
    parser.add_argument("--organizations", type=int, default=DEFAULT_COUNT, metavar="N",
                        help=f"number of demo charities to register (default {DEFAULT_COUNT})")


def seed(command, options):
    count = options.get("organizations") or DEFAULT_COUNT
    rows = _rows(count)
    stories = [next(rows) for _ in range(min(STORIES, count))]
    for i, row in enumerate(stories):
        # A story needs a recognised charity.
        row["recognized_on"] = row["recognized_on"] or date(2017, 3, 1)
        _story(actions.register_organization("system", **row), i % 6)
    registered = len(stories) + actions.register_organizations_bulk("system", rows, batch_size=5000)
    command.stdout.write(f"demo data: {registered} charities registered")


def _rows(count, seed_value=SEED):
    rng = random.Random(seed_value)
    counties = sorted((r for r in regions.all_regions() if r.level == "county"), key=lambda r: r.code)
    by_province = {}
    for c in counties:
        by_province.setdefault(c.code[:2], []).append(c)
    provinces = sorted(by_province)
    names, codes = set(), set()
    for i in range(count):
        org_type = rng.choices(["foundation", "social_group", "social_service"], weights=[25, 35, 40])[0]
        # Every province in turn first, so even small data sets cover them all.
        county = rng.choice(by_province[provinces[i]]) if i < len(provinces) else rng.choice(counties)
        level = rng.choices(["national", "province", "city", "county"], weights=[1, 12, 27, 60])[0]
        authority_region, authority, region_code, place = _authority(level, county)
        code = _uscc(rng, org_type, authority_region, codes)
        name = _name(rng, place, org_type, names)
        founded = date(1988, 1, 1) + timedelta(days=rng.randrange(11_000))
        recognized = None
        if rng.random() < 0.7:
            recognized = max(founded, date(2016, 9, 1)) + timedelta(days=rng.randrange(2_000))
        stem = next((s for s in STEMS_EN if s in name), None)
        row = dict(
            uscc=code, name=name, org_type=org_type, registration_authority=authority, region_code=region_code,
            founded_on=founded, recognized_on=recognized,
            name_en=(f"{STEMS_EN[stem]} {SUFFIX_EN[org_type]} of {_province_en(region_code)}"
                     if stem and rng.random() < 0.5 else ""),
            tax_deductible=recognized is not None and rng.random() < 0.35,
            legal_representative=rng.choice(SURNAMES) + "".join(rng.choices(GIVEN, k=rng.choice([1, 2]))),
            address=f"{regions.full_name(region_code).replace(' ', '')}{rng.choice(STREETS)}{rng.randrange(1, 400)}号",
            website=f"https://{code.lower()}.example.org" if rng.random() < 0.2 else "",
            phone=f"0{rng.randrange(10, 999)}-{rng.randrange(10**7, 10**8)}",
            fields_of_service=rng.sample(FieldOfService.values, k=rng.choice([1, 1, 2, 2, 3])),
        )
        yield row


def _authority(level, county):
    prefecture = regions.get(county.parent)
    province = regions.get(regions.province_of(county.code))
    if level == "national":
        return "100000", "民政部", "110102", "中国"
    if level == "province":
        dept = "民政局" if province.name.endswith("市") else "民政厅"
        return province.code, province.name + dept, county.code, _short(province.name)
    if level == "city" and prefecture.level == "prefecture":
        return prefecture.code, prefecture.name + "民政局", county.code, prefecture.name
    return county.code, county.name + "民政局", county.code, _short(province.name) + county.name


def _short(province_name):
    for suffix in ("维吾尔自治区", "壮族自治区", "回族自治区", "自治区", "特别行政区", "省", "市"):
        if province_name.endswith(suffix):
            return province_name[: -len(suffix)]
    return province_name


def _uscc(rng, org_type, authority_region, taken):
    while True:
        if rng.random() < 0.5:
            body = "5" + "".join(rng.choices("0123456789", k=7))
        else:
            body = "MJ" + "".join(rng.choices("0123456789", k=6))
        code = uscc.complete("5" + CATEGORY[org_type] + authority_region + body + _gb11714_check(body))
        if code not in taken:
            taken.add(code)
            return code


def _gb11714_check(first8):
    """Check character of a GB 11714 organisation code (the 9th of the 9)."""
    total = sum(GB11714.index(c) * w for c, w in zip(first8, [3, 7, 9, 10, 5, 8, 4, 2]))
    check = 11 - total % 11
    return {10: "X", 11: "0"}.get(check, str(check))


def _name(rng, place, org_type, taken):
    for _ in range(20):
        stems = rng.choice(STEMS) if rng.random() < 0.8 else rng.choice(STEMS) + rng.choice(STEMS)
        name = f"{place}{stems}{rng.choice(SUFFIXES[org_type])}"
        if name not in taken:
            taken.add(name)
            return name
    name = f"{place}{rng.choice(STEMS)}{rng.choice(SUFFIXES[org_type])}（{len(taken) + 1}）"
    taken.add(name)
    return name


PROVINCE_EN = {"11": "Beijing", "12": "Tianjin", "13": "Hebei", "14": "Shanxi", "15": "Inner Mongolia",
               "21": "Liaoning", "22": "Jilin", "23": "Heilongjiang", "31": "Shanghai", "32": "Jiangsu",
               "33": "Zhejiang", "34": "Anhui", "35": "Fujian", "36": "Jiangxi", "37": "Shandong", "41": "Henan",
               "42": "Hubei", "43": "Hunan", "44": "Guangdong", "45": "Guangxi", "46": "Hainan", "50": "Chongqing",
               "51": "Sichuan", "52": "Guizhou", "53": "Yunnan", "54": "Tibet", "61": "Shaanxi", "62": "Gansu",
               "63": "Qinghai", "64": "Ningxia", "65": "Xinjiang"}


def _province_en(region_code):
    return PROVINCE_EN.get(region_code[:2], "China")


# Stories ---------------------------------------------------------------------------------------


def _story(org, i):
    """Give one of the first charities a history; `i` (0-5) picks which one."""
    if org.recognized_on and i in (0, 1, 2, 3):
        granted = org.recognized_on + timedelta(days=400)
        org = actions.grant_qualification("system", org, granted_on=min(granted, date(2024, 6, 30)))
    years = [2021, 2022, 2023]
    rng = random.Random(org.uscc)
    income = rng.randrange(2_000_000, 900_000_000)
    assets = rng.randrange(10_000_000, 2_000_000_000)
    for year in years:
        income = income * rng.randrange(85, 125) // 100
        spent = income * rng.randrange(60, 98) // 100
        assets = assets + income - spent
        report = actions.publish_annual_report("system", org, year=year, income_fen=income, expenditure_fen=spent,
                                       net_assets_fen=assets, file=_pdf(org, year))
    disclosure = actions.publish_disclosure(
        "system", org, kind="project", disclosed_on=date(2024, 3, 15), title=f"{org.name}2023年度慈善项目实施情况",
        text="本年度共实施慈善项目12个，受益人次约3.6万，项目支出已在年度工作报告中列示。")
    if i == 1:
        actions.publish_correction("system", org, corrects_seq=disclosure.ledger_seq,
                           note="受益人次应为约3.2万，原公告统计口径有误，特此更正。")
    if i == 2:
        actions.publish_correction("system", org, corrects_seq=report.ledger_seq,
                           note="2023年度报告第4页“管理费用”一栏单位应为元，数额无误。")
    if i == 3:
        org = actions.revoke_qualification("system", org, revoked_on=date(2025, 1, 10))
    if i == 4:
        actions.change_status("system", org, status=Organization.Status.DEREGISTERED, effective_on=date(2025, 2, 28),
                      reason=STATUS_REASONS["deregistered"])
    if i == 5:
        actions.change_status("system", org, status=Organization.Status.REVOKED, effective_on=date(2025, 5, 20),
                      reason=STATUS_REASONS["revoked"])


def _pdf(org, year):
    """A small valid PDF standing in for the scanned report."""
    from django.core.files.base import ContentFile

    text = f"Annual report {year} - {org.uscc}"
    stream = f"BT /F1 18 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
               b"/Resources << /Font << /F1 5 0 R >> >> >>",
               b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for n, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % n + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return ContentFile(bytes(out), name=f"{year}.pdf")
