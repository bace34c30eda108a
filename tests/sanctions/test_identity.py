"""Persons are named by a keyed hash of their ID number; the number is validated, masked, never kept."""

import hashlib
import hmac

import pytest
from django.core.exceptions import ImproperlyConfigured

from sanctions import identity
from tests.factories import PERSON_ID


@pytest.mark.parametrize("number", ["11010519491231002X", "440305199003071535"])
def test_valid_numbers(number):
    assert identity.is_valid_id(number)


@pytest.mark.parametrize("number", [
    "110105194912310021",   # wrong check character
    "11010519491331002X",   # month 13
    "11010518000101002X",   # born before 1900
    "01010519491231002X",   # region cannot start with 0
    "11010519491231002",    # 17 characters
    "11010519491231002XX",  # 19 characters
    "",
])
def test_invalid_numbers(number):
    assert not identity.is_valid_id(number)


def test_normalise_accepts_what_people_type():
    assert identity.normalise_id(" １１０１０５ 19491231002x ") == PERSON_ID
    assert identity.normalise_id("110105-19491231-002x") == PERSON_ID


def test_mask_keeps_first_and_last_four():
    assert identity.mask_id(PERSON_ID) == "1101**********002X"


def test_keyed_hash_is_hmac_sha256_under_the_setting(settings):
    settings.SANCTIONS_ID_HMAC_KEY = "k1"
    expected = hmac.new(b"k1", PERSON_ID.encode(), hashlib.sha256).hexdigest()
    assert identity.person_subject(PERSON_ID.lower()) == f"person/{expected}"
    settings.SANCTIONS_ID_HMAC_KEY = "k2"
    assert identity.person_subject(PERSON_ID) != f"person/{expected}"


def test_no_key_no_hash(settings):
    settings.SANCTIONS_ID_HMAC_KEY = None
    with pytest.raises(ImproperlyConfigured, match="SANCTIONS_ID_HMAC_KEY"):
        identity.person_subject(PERSON_ID)


def test_subjects_are_checked():
    assert identity.split_subject("organization/91110000717800345R") is None  # bad check character
    from organizations.uscc import complete

    code = complete("53110000MJ0000001")
    assert identity.split_subject(f"organization/{code}") == ("organization", code)
    assert identity.split_subject("platform/gongyi") == ("platform", "gongyi")
    assert identity.split_subject("person/" + "a" * 64) == ("person", "a" * 64)
    assert identity.split_subject("person/1101**********002X") is None
    assert identity.split_subject("campaign/X") is None


def test_uscc_copy_matches_the_registry():
    from organizations import uscc

    for first17 in ["53110000MJ0000001", "91110000717800345", "12100000400000624"]:
        assert identity.uscc_check_char(first17) == uscc.check_char(first17)
