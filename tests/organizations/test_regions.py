"""The GB/T 2260 table shipped in data/regions and the checks built on it."""

import csv

import pytest
from django.core.exceptions import ValidationError

from organizations import regions
from organizations.models import validate_region_code


def test_the_table_is_whole():
    with open(regions.CSV_PATH, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    codes = {r["code"] for r in rows}
    assert len(codes) == len(rows) == 3217
    assert all(len(c) == 6 and c.isdigit() for c in codes)
    assert all(r["parent"] in codes for r in rows if r["parent"])
    provinces = [r for r in rows if r["level"] == "province"]
    assert len(provinces) == 34 and {p["code"][:2] for p in provinces} >= {"11", "44", "65", "71", "81", "82"}
    assert {r["level"] for r in rows} == {"province", "prefecture", "county"}


@pytest.mark.parametrize("code, province, city, name", [
    ("110101", "110000", "110101", "北京市 东城区"),        # a municipality's district is its own "city"
    ("440305", "440000", "440300", "广东省 深圳市 南山区"),
    ("440300", "440000", "440300", "广东省 深圳市"),
    ("441900", "440000", "441900", "广东省 东莞市"),         # a prefecture without counties
    ("429004", "420000", "429000", "湖北省 省直辖县级行政区划 仙桃市"),  # administered by the province directly
    ("659001", "650000", "659000", "新疆维吾尔自治区 自治区直辖县级行政区划 石河子市"),
    ("440000", "440000", "", "广东省"),
])
def test_province_and_city_of_a_code(code, province, city, name):
    assert regions.is_valid(code)
    assert regions.province_of(code) == province
    assert regions.city_of(code) == city
    assert regions.full_name(code) == name


@pytest.mark.parametrize("bad", ["", "44030", "4403050", "440399", "999999", "44O305", " 440305", None, "１１０１０１"])
def test_unknown_or_malformed_codes_are_refused(bad):
    assert not regions.is_valid(bad)
    with pytest.raises(ValidationError):
        validate_region_code(bad)


def test_cities_of_a_province_for_the_filter():
    cities = {r.code: r.name for r in regions.children("440000")}
    assert cities["440300"] == "深圳市" and cities["441900"] == "东莞市" and len(cities) == 21
    assert "110101" in {r.code for r in regions.children("110000")}
