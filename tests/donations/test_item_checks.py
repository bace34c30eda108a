"""The plain-Python donation item check agrees with the documented serializer on good and bad items."""

import pytest
from rest_framework.exceptions import ValidationError

from donations.cleaning import clean_donation
from donations.serializers import DonationItemSerializer
from fundraising.batch import ItemRejected, first_error

GOOD = {"external_id": "ord-1", "filing_number": "53100000500019111X26001", "amount_fen": 5000,
        "donated_at": "2026-11-30T08:15:00Z", "channel": "wechat_pay", "anonymous": False, "donor_ref": "user-1"}

BAD = [
    ("external_id", None), ("external_id", ""), ("external_id", "-leading"), ("external_id", "x" * 65),
    ("external_id", "has space"), ("filing_number", "lower1"), ("filing_number", "A" * 25),
    ("amount_fen", 0), ("amount_fen", -1), ("amount_fen", 10**12 + 1), ("amount_fen", 1.5), ("amount_fen", None),
    ("donated_at", "yesterday"), ("donated_at", "2026-13-01T00:00:00Z"), ("donated_at", 20261130),
    ("donated_at", None), ("channel", "cash"), ("channel", None), ("donor_ref", ""), ("donor_ref", "   "),
    ("donor_ref", "x" * 129), ("donor_ref", None),
]


def serializer_verdict(item):
    try:
        DonationItemSerializer().run_validation(item)
    except ValidationError as exc:
        return first_error(exc.detail)[0]
    return None


def clean_verdict(item):
    try:
        clean_donation(item)
    except ItemRejected as exc:
        assert exc.code == "invalid" and exc.message
        return exc.field
    return None


@pytest.mark.parametrize("item", [
    GOOD,
    {**GOOD, "anonymous": True},
    {k: v for k, v in GOOD.items() if k != "anonymous"},
    {**GOOD, "donated_at": "2026-11-30T16:15:00+08:00"},
    {**GOOD, "donated_at": "2026-11-30T16:15:00"},
    {**GOOD, "amount_fen": 10**12, "channel": "other", "donor_ref": "x" * 128, "external_id": "a" * 64},
    {**GOOD, "extra": "ignored"},
])
def test_good_items_pass_both(item):
    assert serializer_verdict(item) is None and clean_verdict(item) is None
    cleaned, validated = clean_donation(item), DonationItemSerializer().run_validation(item)
    assert cleaned["donated_at"] == validated["donated_at"]
    assert {k: cleaned[k] for k in ("amount_fen", "channel", "anonymous", "donor_ref")} == \
        {k: validated[k] for k in ("amount_fen", "channel", "anonymous", "donor_ref")}


@pytest.mark.parametrize("field, value", BAD)
def test_bad_items_fail_both_on_the_same_field(field, value):
    item = {**GOOD, field: value}
    assert serializer_verdict(item) == field
    assert clean_verdict(item) == field


def test_json_types_are_taken_strictly():
    """Where DRF would coerce ("100" to 100, 123 to "123", "true" to True) the plain check refuses."""
    for field, value in (("amount_fen", "100"), ("filing_number", 123), ("anonymous", "true")):
        assert serializer_verdict({**GOOD, field: value}) is None
        assert clean_verdict({**GOOD, field: value}) == field


def test_missing_fields_fail_both():
    for field in ("external_id", "filing_number", "amount_fen", "donated_at", "channel", "donor_ref"):
        item = {k: v for k, v in GOOD.items() if k != field}
        assert serializer_verdict(item) == clean_verdict(item) == field
