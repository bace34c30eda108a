"""The fast per-item check of progress reports agrees with the serializer the OpenAPI schema documents."""

import pytest

from fundraising.actions.progress import ProgressSpec
from fundraising.api.serializers import ProgressItemSerializer
from fundraising.batch import ItemRejected

GOOD = {"external_id": "rpt-2026.11:01", "filing_number": "53100000500019111X26001", "period_end": "2026-11-30",
        "raised_fen": 12345600, "spent_fen": 0, "donations_count": 3, "summary": "进展"}

CASES = [
    ({}, True),
    ({"donations_count": None}, True),
    ({"summary": ""}, True),
    ({"external_id": "x" * 64}, True),
    ({"raised_fen": 10**15}, True),
    ({"external_id": "x" * 65}, "external_id"),
    ({"external_id": "-leading"}, "external_id"),
    ({"external_id": "含中文"}, "external_id"),
    ({"external_id": None}, "external_id"),
    ({"filing_number": "lowercase"}, "filing_number"),
    ({"filing_number": "9" * 25}, "filing_number"),
    ({"period_end": "2026-02-30"}, "period_end"),
    ({"period_end": "30/11/2026"}, "period_end"),
    ({"period_end": None}, "period_end"),
    ({"raised_fen": -1}, "raised_fen"),
    ({"raised_fen": 10**15 + 1}, "raised_fen"),
    ({"raised_fen": 1.5}, "raised_fen"),
    ({"raised_fen": None}, "raised_fen"),
    ({"spent_fen": "abc"}, "spent_fen"),
    ({"spent_fen": True}, "spent_fen"),
    ({"donations_count": -3}, "donations_count"),
    ({"summary": "长" * 4001}, "summary"),
]


def drf(item):
    serializer = ProgressItemSerializer(data=item)
    if serializer.is_valid():
        return True
    return next(iter(serializer.errors))


def fast(item):
    try:
        ProgressSpec(ProgressItemSerializer).clean_item(item)
    except ItemRejected as exc:
        return exc.field
    return True


@pytest.mark.parametrize("change, expected", CASES)
def test_fast_check_and_serializer_agree(change, expected):
    item = dict(GOOD, **change)
    assert fast(item) == expected
    assert drf(item) == expected


@pytest.mark.parametrize("field", ["external_id", "filing_number", "period_end", "raised_fen", "spent_fen"])
def test_required_fields(field):
    item = {k: v for k, v in GOOD.items() if k != field}
    assert fast(item) == field and drf(item) == field


def test_fast_check_is_stricter_about_json_types():
    """DRF would coerce "100" to 100; the API documents integers and takes only JSON integers."""
    item = dict(GOOD, raised_fen="100")
    assert drf(item) is True
    assert fast(item) == "raised_fen"
