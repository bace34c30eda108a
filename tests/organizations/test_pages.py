"""Public registry pages, CSV export and the open data API."""

import csv
import io
from datetime import date

import pytest
from django.test import Client

from organizations import actions
from tests.factories import pdf_file, register_org

pytestmark = pytest.mark.django_db


@pytest.fixture
def charity(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    org = register_org(name="深圳希望助学基金会", name_en="Shenzhen Hope Education Foundation",
                       fields_of_service=["education", "children"])
    org = actions.grant_qualification("system", org, granted_on=date(2018, 3, 1))
    report = actions.publish_annual_report("system", org, year=2023, income_fen=500_000_00,
                                           expenditure_fen=420_000_00, net_assets_fen=1_000_000_00, file=pdf_file())
    actions.publish_correction("system", org, corrects_seq=report.ledger_seq, note="第3页单位应为元。")
    register_org(name="广州阳光慈善协会", org_type="social_group", region_code="440103")
    return org


@pytest.mark.parametrize("lang, heading", [("zh-hans", "查找慈善组织"), ("en", "Find a charity")])
def test_search_page_in_both_languages(charity, lang, heading):
    response = Client(HTTP_ACCEPT_LANGUAGE=lang).get("/organizations/", {"q": "希望"})
    assert response.status_code == 200
    html = response.content.decode()
    assert heading in html and "深圳希望助学基金会" in html and "广州阳光慈善协会" not in html
    assert response.context["count"] == 1


@pytest.mark.parametrize("lang, texts", [
    ("zh-hans", ["基本信息", "公开募捐资格", "历年财务", "信息公开", "本记录的历史", "2023年度工作报告"]),
    ("en", ["Overview", "Public fundraising qualification", "Finances by year", "History of this record",
            "Annual report 2023"]),
])
def test_charity_page(charity, lang, texts):
    response = Client(HTTP_ACCEPT_LANGUAGE=lang).get(f"/organizations/{charity.uscc}/")
    assert response.status_code == 200
    html = response.content.decode()
    for text in texts:
        assert text in html, text
    assert "<svg" in html and "500,000.00" in html  # the finance chart and its table
    assert 'id="campaigns"' in html and 'id="sanctions"' in html
    history = list(response.context["history"])
    assert [e.kind for e in history] == ["organization.registered", "organization.qualification_granted",
                                         "organization.disclosure_published", "organization.correction_published"]
    for entry in history:
        assert f'data-verify-seq="{entry.seq}"' in html
    report = charity.annual_reports.get()
    assert report.file_sha256 in html


def test_lower_case_code_finds_the_page_and_unknown_codes_are_404(charity):
    client = Client()
    assert client.get(f"/organizations/{charity.uscc.lower()}/").status_code == 200
    assert client.get("/organizations/53440300MJ00000011/").status_code == 404
    assert client.get("/organizations/not-a-code/").status_code == 404


def test_report_file_is_served_with_its_hash(charity):
    report = charity.annual_reports.get()
    response = Client().get(f"/organizations/{charity.uscc}/reports/{report.ledger_seq}.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["X-Content-SHA256"] == report.file_sha256
    assert Client().get(f"/organizations/{charity.uscc}/reports/99999.pdf").status_code == 404


@pytest.mark.parametrize("params", [
    {"q": "%"}, {"q": "_"}, {"q": "'"}, {"q": "\""}, {"q": "😀"}, {"q": "希" * 1000},
    {"page": "abc"}, {"page": "-3"}, {"page": "99999999999999999999"}, {"sort": "name"}, {"sort": "recognized"},
])
def test_odd_input_is_plain_text(charity, params):
    assert Client().get("/organizations/", params).status_code == 200


@pytest.mark.parametrize("params, field", [
    ({"province": "999999"}, "province"), ({"province": "440000", "city": "110100"}, "city"),
    ({"type": "company"}, "type"), ({"sort": "random"}, "sort"), ({"qualified": "maybe"}, "qualified"),
    ({"field": "x"}, "field"), ({"q": "希望\x00"}, "q"),
])
def test_bad_filters_name_the_field(charity, params, field):
    """Including a NUL in the query, which no database text may hold."""
    response = Client(HTTP_ACCEPT_LANGUAGE="zh-hans").get("/organizations/", params)
    assert response.status_code == 400
    assert field in response.context["form"].errors
    api = Client().get("/api/organizations/", params)
    assert api.status_code == 400 and field in api.json()


def test_city_choices_follow_the_province():
    response = Client().get("/organizations/cities.json", {"province": "440000"})
    cities = {c["code"]: c["name"] for c in response.json()["cities"]}
    assert cities["440300"] == "深圳市" and "110101" not in cities
    assert Client().get("/organizations/cities.json", {"province": "440300"}).status_code == 400


def test_csv_export_of_the_result(charity):
    response = Client().get("/organizations/export.csv", {"q": "希望", "province": "440000"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert len(rows) == 2
    row = dict(zip(rows[0], rows[1]))
    assert row["统一社会信用代码 / Credit code"] == charity.uscc
    assert row["所在地区 / Region"] == "广东省 深圳市 南山区"
    assert row["公开募捐资格 / Public fundraising qualification"] == "yes"
    assert row["页面 / Page"].endswith(f"/organizations/{charity.uscc}/")


def test_api_search_filters_and_cursor_pages(charity):
    for i in range(7):
        register_org(name=f"深圳希望测试{i}号基金会")
    client = Client()
    data = client.get("/api/organizations/", {"q": "希望", "page_size": 3}).json()
    seen = [o["uscc"] for o in data["results"]]
    while data["next"]:
        data = client.get(data["next"]).json()
        seen += [o["uscc"] for o in data["results"]]
    assert len(seen) == 8 and seen == sorted(seen)
    one = client.get("/api/organizations/", {"q": charity.uscc}).json()["results"]
    assert len(one) == 1 and one[0]["public_fundraising_qualified"] is True
    assert one[0]["fields_of_service"] == ["education", "children"]
    assert one[0]["ledger_subject"] == charity.subject
    assert client.get("/api/organizations/", {"qualified": "yes", "q": "希望"}).json()["results"][0]["uscc"] == \
        charity.uscc
    assert client.get("/api/organizations/", {"ordering": "nope"}).status_code == 400
    detail = client.get(f"/api/organizations/{charity.uscc}/").json()
    assert detail["annual_reports"][0]["income_fen"] == 500_000_00


def test_api_is_read_only_and_documented(charity):
    client = Client()
    assert client.post("/api/organizations/", {"name": "x"}).status_code == 405
    schema = client.get("/api/schema/").content.decode()
    assert "/api/organizations/:" in schema and "cursor" in schema and "tax_deductible" in schema
    assert "/api/organizations/{code}/" in schema
    docs = client.get("/api/docs/").content.decode()
    assert "drf_spectacular_sidecar" in docs and "cdn" not in docs.lower()


def test_api_is_throttled(charity, settings):
    from django.core.cache import cache

    cache.clear()
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"anon": "3/min"}}
    from rest_framework.settings import api_settings
    from rest_framework.throttling import AnonRateThrottle

    api_settings.reload()
    AnonRateThrottle.THROTTLE_RATES = api_settings.DEFAULT_THROTTLE_RATES
    try:
        client = Client()
        codes = [client.get("/api/organizations/").status_code for _ in range(5)]
        assert codes[:3] == [200, 200, 200] and codes[3:] == [429, 429]
    finally:
        cache.clear()
        settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK}
        api_settings.reload()
        AnonRateThrottle.THROTTLE_RATES = api_settings.DEFAULT_THROTTLE_RATES


def test_charity_page_shows_credit_decisions_with_their_verifiable_entries(charity):
    from ledger.models import Entry
    from tests.factories import impose

    decision = impose(code=charity.uscc, subject_name=charity.name)
    honour = impose(code=charity.uscc, subject_name=charity.name, list_kind="red")
    html = Client(HTTP_ACCEPT_LANGUAGE="zh-hans").get(f"/organizations/{charity.uscc}/").content.decode()
    assert 'id="credit-decisions"' in html
    for d in (decision, honour):
        assert f'data-decision="{d.public_id}"' in html
        for entry in Entry.objects.filter(subject=d.ledger_subject):
            assert f'data-verify-seq="{entry.seq}"' in html
    assert "badge badge-warn" in html and "badge badge-ok" in html  # abnormal list warns, the red list honours
