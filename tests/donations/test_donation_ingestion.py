"""Donation batches through the platform API: receipts and codes, ledger entries, rejections, idempotency."""

import json
from datetime import date, timedelta

import pytest
from django.utils import timezone

from donations import receipts
from donations.models import CampaignFund, Donation
from fundraising.actions import platforms as platform_actions
from ledger.models import Entry
from tests.factories import (
    donation_item,
    impose,
    issue_key,
    make_campaign,
    make_charity,
    make_platform,
)
from tests.fundraising.api_helpers import PlatformClient

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(client):
    platform = make_platform("donplat")
    other = make_platform("otherplat")
    campaign = make_campaign(make_charity(), [platform], starts_in_days=0)
    _, plain = issue_key(platform)
    return {"platform": platform, "other": other, "campaign": campaign, "api": PlatformClient(client, plain)}


def post(world, items):
    response = world["api"].post("donations/batch/", {"items": items})
    assert response.status_code == 200, response.content
    return response.json()


def test_accepted_donations_get_receipts_codes_and_one_ledger_entry_each(world):
    number = world["campaign"].filing_number
    items = [donation_item(number, 50_00, donor_ref="13800138000"), donation_item(number, 1, anonymous=True)]
    before = Entry.objects.count()
    body = post(world, items)
    assert (body["accepted"], body["rejected"]) == (2, 0)
    results = [r["result"] for r in body["results"]]
    for result in results:
        assert receipts.normalize_receipt_no(result["receipt_no"]) == result["receipt_no"]
        assert receipts.normalize_code(result["verification_code"]) == result["verification_code"]
        assert result["receipt_url"].endswith(result["receipt_no"])
    entries = list(Entry.objects.filter(seq__gte=before).order_by("seq"))
    assert [e.kind for e in entries] == ["donation.recorded"] * 2
    assert len({e.time for e in entries}) == 1  # one append_many: one head lock for the batch
    first = json.loads(entries[0].leaf)
    assert first["subject"] == f"donation/{results[0]['receipt_no']}"
    assert first["actor"] == "platform/donplat"
    data = first["data"]
    assert data == {
        "receipt_no": results[0]["receipt_no"], "amount_fen": 50_00, "campaign": number,
        "organization": world["campaign"].organization.uscc, "platform": "donplat",
        "donated_at": data["donated_at"], "channel": "wechat_pay", "anonymous": False,
        "donor_commitment": results[0]["donor_commitment"]}
    # The donor opens the commitment with the receipt's number and code and their own identifier.
    salt = receipts.commitment_salt(results[0]["receipt_no"], results[0]["verification_code"])
    assert receipts.donor_commitment(salt, "13800138000") == data["donor_commitment"]
    assert "13800138000" not in entries[0].leaf
    # Only the hash of the code is kept.
    donation = Donation.objects.get(receipt_no=results[0]["receipt_no"])
    assert results[0]["verification_code"] not in json.dumps(list(Donation.objects.values()), default=str)
    assert receipts.code_matches(donation.code_hash, donation.receipt_no, results[0]["verification_code"])
    fund = CampaignFund.objects.get(campaign=world["campaign"])
    assert (fund.raised_fen, fund.donations) == (50_01, 2)


def test_a_retry_returns_the_same_receipt_writes_nothing_and_never_repeats_the_code(world):
    item = donation_item(world["campaign"].filing_number, 20_00)
    first = post(world, [item])["results"][0]["result"]
    entries = Entry.objects.count()
    again = post(world, [item])
    assert again["replayed"] == 1 and again["accepted"] == 1
    replay = again["results"][0]["result"]
    assert replay["receipt_no"] == first["receipt_no"]
    assert replay["verification_code"] is None
    assert Entry.objects.count() == entries and Donation.objects.count() == 1
    changed = post(world, [{**item, "amount_fen": 30_00}])["results"][0]
    assert changed["status"] == "rejected" and changed["error"]["code"] == "idempotency_conflict"
    other_ref = post(world, [{**item, "donor_ref": "someone-else"}])["results"][0]
    assert other_ref["error"]["code"] == "idempotency_conflict"


def test_the_same_order_id_in_one_batch_and_on_another_platform(world, client):
    number = world["campaign"].filing_number
    body = post(world, [donation_item(number, external_id="dup"), donation_item(number, external_id="dup")])
    assert [r["status"] for r in body["results"]] == ["accepted", "rejected"]
    assert body["results"][1]["error"]["code"] == "duplicate_in_batch"
    # Another platform's order ids are its own; and it cannot report to a campaign that does not run on it.
    _, plain = issue_key(world["other"])
    other = PlatformClient(client, plain)
    response = other.post("donations/batch/", {"items": [donation_item(number, external_id="dup")]}).json()
    assert response["results"][0]["error"]["code"] == "campaign_not_found"


def reason(world, item):
    result = post(world, [item])["results"][0]
    assert result["status"] == "rejected", result
    return result["error"]


def test_rejections_say_why(world):
    platform = world["platform"]
    filed = make_campaign(make_charity(), [platform], starts_in_days=10)
    error = reason(world, donation_item(filed.filing_number))
    assert error["code"] == "campaign_not_active" and error["field"] == "filing_number"
    assert filed.filing_number in error["message"]
    error = reason(world, donation_item(world["campaign"].filing_number,
                                        donated_at=timezone.now() + timedelta(hours=1)))
    assert (error["code"], error["field"]) == ("donated_in_future", "donated_at")
    error = reason(world, donation_item(world["campaign"].filing_number,
                                        donated_at=timezone.now() - timedelta(days=3)))
    assert error["code"] == "donated_before_start"
    for field, value in (("amount_fen", 0), ("amount_fen", 1.5), ("channel", "cash"), ("donor_ref", ""),
                         ("donor_ref", "x" * 129), ("donated_at", "yesterday"), ("filing_number", "bad one")):
        error = reason(world, {**donation_item(world["campaign"].filing_number), field: value})
        assert (error["code"], error["field"]) == ("invalid", field), (field, value, error)
    assert Donation.objects.count() == 0


def test_a_deregistered_charity_cannot_receive(world):
    from organizations.actions import change_status

    campaign = world["campaign"]
    change_status("system", campaign.organization, status="deregistered", effective_on=date(2026, 1, 1),
                  reason="理事会决议解散")
    error = reason(world, donation_item(campaign.filing_number))
    assert error["code"] == "charity_deregistered"
    assert campaign.organization.name in error["message"]


def test_a_sanctioned_charity_cannot_receive(world):
    org = world["campaign"].organization
    impose("organization", code=org.uscc, subject_name=org.name)
    error = reason(world, donation_item(world["campaign"].filing_number))
    assert error["code"] == "charity_sanctioned"
    assert org.name in error["message"]


def test_a_suspended_platform_is_refused_with_its_status(world):
    from django.contrib.auth.models import User

    user = User.objects.get(username="appr-donplat")
    platform_actions.suspend(user, world["platform"], timezone.localdate() + timedelta(days=30), "整改期间暂停")
    response = world["api"].post("donations/batch/", {"items": [donation_item(world["campaign"].filing_number)]})
    assert response.status_code == 403
    assert "donplat" in response.json()["error"]["message"]
    assert Donation.objects.count() == 0


def test_batch_limits_and_shapes(world):
    number = world["campaign"].filing_number
    response = world["api"].post("donations/batch/", {"items": [donation_item(number) for _ in range(1001)]})
    assert response.status_code == 400 and response.json()["error"]["code"] == "batch_too_large"
    response = world["api"].post("donations/batch/", {"donations": []})
    assert response.status_code == 400 and response.json()["error"]["field"] == "items"
    body = post(world, ["not an object", donation_item(number)])
    assert [r["status"] for r in body["results"]] == ["rejected", "accepted"]
    assert Donation.objects.count() == 1


def test_a_thousand_donations_in_one_request(world):
    number = world["campaign"].filing_number
    body = post(world, [donation_item(number, 100 + i) for i in range(1000)])
    assert body["accepted"] == 1000
    assert len({r["result"]["receipt_no"] for r in body["results"]}) == 1000
    assert Entry.objects.filter(kind="donation.recorded").count() == 1000
    assert CampaignFund.objects.get(campaign=world["campaign"]).raised_fen == sum(100 + i for i in range(1000))


def test_the_platform_reads_its_own_donation_by_order_id(world, client):
    item = donation_item(world["campaign"].filing_number, 12_34, external_id="ord-x1")
    receipt_no = post(world, [item])["results"][0]["result"]["receipt_no"]
    body = world["api"].get("donations/ord-x1/").json()
    assert body["receipt_no"] == receipt_no and body["amount_fen"] == 12_34 and "code_hash" not in body
    _, plain = issue_key(world["other"])
    assert PlatformClient(client, plain).get("donations/ord-x1/").status_code == 404


def test_a_receipt_number_collision_rolls_the_batch_back_and_retries_it(world, monkeypatch):
    number = world["campaign"].filing_number
    taken = post(world, [donation_item(number)])["results"][0]["result"]["receipt_no"]
    entries = Entry.objects.count()
    issued = iter([taken])  # the first number drawn collides with an existing receipt
    original = receipts.new_receipt_no
    monkeypatch.setattr(receipts, "new_receipt_no", lambda: next(issued, None) or original())
    body = post(world, [donation_item(number), donation_item(number)])
    assert body["accepted"] == 2
    numbers = [r["result"]["receipt_no"] for r in body["results"]]
    assert taken not in numbers and len(set(numbers)) == 2
    assert Donation.objects.count() == 3 and Entry.objects.count() == entries + 2
    assert CampaignFund.objects.get(campaign=world["campaign"]).donations == 3
