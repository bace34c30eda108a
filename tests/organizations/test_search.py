"""Public search: the same answers on PostgreSQL and SQLite, checked against a plain-Python reference.

The reference is the definition (organizations/search.py): after normalize(),
the query is a substring of the name, the English name or the credit code.
The database paths (pg_trgm, name grams, FTS5 trigram, LIKE fallbacks) must
all agree with it, in the same order.
"""

from datetime import date

import pytest

from organizations import actions, search
from organizations.models import Organization
from organizations.normalize import normalize, search_key
from tests.conftest import on_postgres
from tests.factories import charity_code, register_org

pytestmark = pytest.mark.django_db

NAMES = [
    # name, English name, type, region, fields of service
    ("希望工程基金会", "Hope Project Foundation", "foundation", "110101", ["education"]),
    ("北京希望助学基金会", "", "foundation", "110105", ["education", "children"]),
    ("希望", "", "social_group", "310101", ["other"]),
    ("上海阳光慈善基金会", "Shanghai Sunshine Foundation", "foundation", "310104", ["poverty_relief"]),
    ("广州100%公益基金会", "", "foundation", "440103", ["community"]),
    ("深圳a_b互助协会", "", "social_group", "440305", ["community"]),
    ("引号\"测试'基金会", "", "foundation", "440305", ["other"]),
    ("😀表情慈善服务中心", "", "social_service", "440106", ["culture"]),
    ("深圳市南山区希望社会工作服务中心", "", "social_service", "440305", ["elderly", "disability"]),
    ("广东省希望慈善总会", "Guangdong Hope Charity Federation", "social_group", "440000", ["poverty_relief"]),
    ("成都春蕾助学协会", "", "social_group", "510104", ["education"]),
    ("ＳＥＥ生态基金会", "SEE Foundation", "foundation", "150000", ["environment"]),
]


@pytest.fixture
def orgs():
    made = []
    for i, (name, name_en, org_type, region, fields) in enumerate(NAMES):
        org = register_org(name=name, name_en=name_en, org_type=org_type, region_code=region,
                           fields_of_service=fields, recognized_on=date(2017, 1, 1 + i))
        made.append(org)
    actions.grant_qualification("system", made[1], granted_on=date(2018, 1, 1))
    actions.grant_qualification("system", made[8], granted_on=date(2018, 1, 1))
    actions.update_organization("system", made[8], tax_deductible=True)
    return list(Organization.objects.prefetch_related("service_fields").order_by("id"))


def reference(orgs, q="", sort="relevance", **filters):
    """What the search means, in plain Python."""
    nq = normalize(q)
    out = []
    for o in orgs:
        keys = [normalize(o.name), normalize(o.name_en), normalize(o.uscc)]
        if nq and not any(nq in k for k in keys):
            continue
        if filters.get("province") and o.province_code != filters["province"]:
            continue
        if filters.get("city") and o.city_code != filters["city"]:
            continue
        if filters.get("type") and o.org_type != filters["type"]:
            continue
        if filters.get("qualified") is not None and o.public_fundraising_qualified != filters["qualified"]:
            continue
        if filters.get("tax_deductible") is not None and o.tax_deductible != filters["tax_deductible"]:
            continue
        if filters.get("field") and filters["field"] not in o.fields_of_service:
            continue
        out.append(o)

    def tier(o):
        keys = [normalize(o.name), normalize(o.name_en), normalize(o.uscc)]
        if nq in keys:
            return 0
        return 1 if any(k.startswith(nq) for k in keys) else 2

    if sort == "relevance" and nq:
        out.sort(key=lambda o: (tier(o), search_key(o.name, o.name_en, o.uscc)))
    elif sort == "recognized":
        out.sort(key=lambda o: o.uscc)
        out.sort(key=lambda o: o.recognized_on or date.min, reverse=True)
    else:
        out.sort(key=lambda o: (o.name, o.uscc))
    return [o.uscc for o in out]


def found(q="", sort="relevance", **filters):
    return list(search.search({"q": q, "sort": sort, **filters}).values_list("uscc", flat=True))


@pytest.mark.parametrize("q", [
    "希望", "希", "望工", "希望工程", "希望工程基金会", "基金会", "慈善", "助学", "春蕾助学协会",
    "hope", "HOPE", "Project Foundation", "sunshine", "see", "ＳＥＥ", "SEE生态",
])
def test_substrings_match_the_reference(orgs, q):
    expected = reference(orgs, q)
    assert expected, f"fixture has no match for {q!r}"
    assert found(q) == expected


def test_one_and_two_chinese_characters(orgs):
    assert set(found("希望")) == {o.uscc for o in orgs if "希望" in o.name}
    assert len(found("希望")) == 5
    assert found("希望")[0] == next(o.uscc for o in orgs if o.name == "希望")  # the exact name first
    assert found("希望")[1] == next(o.uscc for o in orgs if o.name == "希望工程基金会")  # then names starting so
    assert set(found("蕾")) == {o.uscc for o in orgs if "蕾" in o.name}


def test_credit_code_full_prefix_and_middle(orgs):
    code = orgs[3].uscc
    assert found(code) == [code]
    assert found(code.lower()) == [code]
    assert found(code[:6]) == reference(orgs, code[:6])
    assert code in found(code[5:12])
    assert found(code[5:12]) == reference(orgs, code[5:12])


@pytest.mark.parametrize("q, name", [("%", "广州100%公益基金会"), ("100%", "广州100%公益基金会"),
                                     ("_", "深圳a_b互助协会"), ("a_b", "深圳a_b互助协会"),
                                     ('"', "引号\"测试'基金会"), ("测试'基", "引号\"测试'基金会"),
                                     ("😀", "😀表情慈善服务中心")])
def test_wildcards_quotes_and_emoji_are_plain_text(orgs, q, name):
    assert found(q) == [o.uscc for o in orgs if o.name == name]


@pytest.mark.parametrize("q", ["%%", "_%_", "\\", "\\%", "*", "NEAR", "AND OR", "\"\"\"", "') OR 1=1 --", "　"])
def test_odd_queries_never_fail(orgs, q):
    assert found(q) == reference(orgs, q)


def test_empty_and_absurd_queries(orgs):
    assert found("") == reference(orgs, "")
    assert len(found("")) == len(NAMES)
    assert found("希" * 1000) == []
    assert found("基金会" * 200) == []
    assert found("\x00希望\x01") == reference(orgs, "希望")


def test_filters_combine(orgs):
    combos = [
        dict(province="440000"),
        dict(province="440000", city="440300"),
        dict(province="440000", type="social_service"),
        dict(province="110000", qualified=True),
        dict(qualified=False, field="education"),
        dict(tax_deductible=True),
        dict(field="community", province="440000", type="foundation"),
    ]
    for filters in combos:
        assert found(**filters) == reference(orgs, **filters), filters
        assert found("希望", **filters) == reference(orgs, "希望", **filters), filters
    assert found("希望", province="440000", city="440300", qualified=True, tax_deductible=True) == [orgs[8].uscc]


def test_sorts(orgs):
    for sort in search.SORTS:
        assert found("基金会", sort=sort) == reference(orgs, "基金会", sort=sort), sort
        assert found(sort=sort) == reference(orgs, sort=sort), sort


def test_counting_stops_at_the_cap(orgs):
    qs = search.search({"q": "基金会"})
    assert search.capped_count(qs) == len(reference(orgs, "基金会"))
    assert search.capped_count(qs, cap=2) == 3


def test_index_follows_updates(orgs):
    org = orgs[0]
    actions.update_organization("system", org, name="希望工程改名基金会")
    assert org.uscc in found("改名基金")
    assert org.uscc not in found("希望工程基金会")
    assert found(charity_code()) == []


@pytest.mark.parametrize("q", ["希望", "基金会", "希", "", "5", "hope", "%"])
@pytest.mark.parametrize("sort", search.SORTS)
@pytest.mark.parametrize("few", [10**6, 0])
def test_pages_are_slices_of_the_full_order(orgs, q, sort, few, monkeypatch):
    """Both plans of search.page(): sorting few matches, and walking the index for many (few=0)."""
    monkeypatch.setattr(search, "_few", lambda rows_needed: few)
    params = {"q": q, "sort": sort}
    full = found(q, sort)
    for offset, limit in [(0, 20), (0, 2), (1, 3), (2, 2), (4, 5), (len(full) - 1, 5), (len(full) + 3, 5)]:
        page = [o.uscc for o in search.page(params, max(offset, 0), limit)]
        assert page == full[max(offset, 0): max(offset, 0) + limit], (offset, limit)
    # Deeper than the counted results (the count stops at COUNT_CAP), the order still holds.
    monkeypatch.setattr(search, "COUNT_CAP", 2)
    for offset, limit in [(0, 3), (3, 4), (5, 20)]:
        page = [o.uscc for o in search.page(params, offset, limit)]
        assert page == full[offset: offset + limit], ("deep", offset, limit)


@pytest.mark.parametrize("q", ["希望", "基金会", "hope"])
def test_a_walk_over_budget_falls_back_to_sorting(orgs, q, monkeypatch):
    monkeypatch.setattr(search, "_few", lambda rows_needed: 0)
    monkeypatch.setattr(search, "_within_budget", lambda queryset: None)
    for offset, limit in [(0, 20), (1, 2), (3, 3)]:
        assert [o.uscc for o in search.page({"q": q}, offset, limit)] == found(q)[offset: offset + limit]


@on_postgres
def test_the_walk_budget_cancels_only_that_query(orgs):
    from django.db import connection
    from django.db.models.expressions import RawSQL

    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        before = cursor.fetchone()[0]
    slow = Organization.objects.annotate(nap=RawSQL("pg_sleep(0.2)", []))[:1]
    assert search._within_budget(slow) is None
    assert search._within_budget(Organization.objects.all()[:2]) is not None
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        assert cursor.fetchone()[0] == before
    assert Organization.objects.count() == len(NAMES)


def test_field_filter_follows_changes_of_the_fields(orgs):
    org = next(o for o in orgs if "education" in o.fields_of_service)
    assert org.uscc in found(field="education")
    actions.update_organization("system", org, fields_of_service=["sports", "volunteering"])
    assert org.uscc not in found(field="education")
    assert org.uscc in found(field="sports") and org.uscc in found(field="volunteering")
    assert found(field="sports") == reference(Organization.objects.all(), field="sports")


@pytest.mark.ledger_guard_off
def test_service_mask_migration_fills_it_from_the_service_fields(orgs):
    """Migration 0008 computes the mask in SQL; it must agree with field_mask() on both databases."""
    import importlib

    from django.db import connection

    from organizations.models import field_mask

    migration = importlib.import_module("organizations.migrations.0008_service_mask")
    Organization.objects.update(service_mask=0)
    with connection.cursor() as cursor:
        cursor.execute(migration.FILL)
    for org in Organization.objects.prefetch_related("service_fields"):
        assert org.service_mask == field_mask(org.fields_of_service), org.name
    assert any(org.service_mask for org in Organization.objects.all())


@on_postgres
def test_common_text_within_a_region_is_not_looked_up_in_the_gram_index(orgs, monkeypatch):
    monkeypatch.setattr(search, "_gram_stats", lambda: ({"希望": 0.5, "希": 0.5, "望": 0.5}, 0.001))
    assert search._common_within_region({"q": "希望", "province": "440000"})
    assert not search._common_within_region({"q": "希望"})
    for filters in [dict(province="440000"), dict(province="440000", city="440300", qualified=True)]:
        assert found("希望", **filters) == reference(orgs, "希望", **filters), filters
        params = {"q": "希望", **filters}
        assert [o.uscc for o in search.page(params, 0, 20)] == reference(orgs, "希望", **filters)


@pytest.mark.parametrize("estimate", [0, 10**9])  # far too low, far too high
@pytest.mark.parametrize("q", ["希望", "基金会", "hope", ""])
def test_a_wrong_estimate_costs_time_not_results(orgs, monkeypatch, estimate, q):
    monkeypatch.setattr(search, "_estimated_matches", lambda queryset, params: estimate)
    monkeypatch.setattr(search, "_few", lambda rows_needed: 3)
    full = found(q)
    for number in (1, 2, 3):
        count, page, rows = search.numbered_page({"q": q}, number, 2)
        assert count == min(len(full), search.COUNT_CAP + 1)
        assert [o.uscc for o in rows] == full[(page - 1) * 2: page * 2]


def test_a_no_filter_counts_as_a_filter():
    assert search._has_filters({"qualified": False}) and search._has_filters({"province": "440000"})
    assert not search._has_filters({"q": "希望", "sort": "name", "qualified": None, "province": ""})
