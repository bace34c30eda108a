"""Deterministic demo charities (fictional names, valid codes)."""

import random
from datetime import date

from . import uscc
from .actions import register_organization

PROVINCES = [("110000", "北京市"), ("310000", "上海市"), ("440000", "广东省"), ("510000", "四川省"),
             ("330000", "浙江省"), ("420000", "湖北省"), ("610000", "陕西省"), ("530000", "云南省")]
STEMS = ["希望", "春蕾", "阳光", "助学", "扶贫", "母亲", "儿童", "乡村振兴", "绿色家园", "敬老", "红十字", "助残"]
KINDS = [("foundation", "基金会", "5"), ("social_group", "慈善协会", "5"), ("social_service", "公益服务中心", "5")]


def demo_organizations(count=40, seed_value=2018):
    rng = random.Random(seed_value)
    for i in range(count):
        region, province = PROVINCES[i % len(PROVINCES)]
        stem = STEMS[(i * 7) % len(STEMS)]
        org_type, suffix, authority_code = KINDS[i % len(KINDS)]
        category = {"foundation": "3", "social_group": "1", "social_service": "2"}[org_type]
        body = f"{rng.randrange(10**8, 10**9)}"
        code = uscc.complete(f"{authority_code}{category}{region}{body}")
        yield dict(
            uscc=code,
            name=f"{province.rstrip('省市')}{stem}{suffix}",
            org_type=org_type,
            registration_authority=f"{province}民政厅" if province.endswith("省") else f"{province}民政局",
            region_code=region,
            founded_on=date(1990 + rng.randrange(30), 1 + rng.randrange(12), 1 + rng.randrange(28)),
        )


def seed(command, options):
    names = set()
    count = 0
    for fields in demo_organizations():
        if fields["name"] in names:
            fields["name"] += f"（{count + 1}）"
        names.add(fields["name"])
        register_organization("system", **fields)
        count += 1
    command.stdout.write(f"demo data: {count} charities registered")
