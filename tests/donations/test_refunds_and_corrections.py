"""Refunds and corrections are new entries; the donation's recorded entry never changes; money never goes negative."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from donations.models import CampaignFund, Correction, Donation, PlatformFund, Refund
from ledger.models import Entry
from tests.factories import (
    disbursement_item,
    issue_key,
    make_campaign,
    make_charity,
    make_donations,
    make_platform,
)
from tests.fundraising.api_helpers import PlatformClient

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(client):
    platform = make_platform("refplat")
    campaign = make_campaign(make_charity(), [platform], starts_in_days=0)
    donation = make_donations(campaign, platform, [100_00], external_id="ord-100")[0]
    _, plain = issue_key(platform)
    return {"platform": platform, "campaign": campaign, "receipt_no": donation["receipt_no"],
            "api": PlatformClient(client, plain), "today": timezone.localdate().isoformat()}


def refund(world, amount, external_id="rf-1", **extra):
    item = {"external_id": external_id, "receipt_no": world["receipt_no"], "amount_fen": amount,
            "refunded_on": world["today"], "reason": "捐赠人申请退款"}
    item.update(extra)
    response = world["api"].post("refunds/batch/", {"items": [item]})
    assert response.status_code == 200, response.content
    return response.json()["results"][0]


def recorded_leaf(world):
    return Entry.objects.get(subject=f"donation/{world['receipt_no']}", kind="donation.recorded").leaf


def test_a_refund_is_a_new_entry_and_lowers_the_net(world):
    leaf = recorded_leaf(world)
    result = refund(world, 30_00)
    assert result["status"] == "accepted" and result["result"]["receipt_no"] == world["receipt_no"]
    entry = Entry.objects.filter(subject=f"donation/{world['receipt_no']}").order_by("seq").last()
    assert entry.kind == "donation.refunded" and entry.actor == "platform/refplat"
    data = json.loads(entry.leaf)["data"]
    assert data["amount_fen"] == 30_00 and data["receipt_no"] == world["receipt_no"]
    assert data["reason"] == "捐赠人申请退款" and data["refund_id"] == result["result"]["refund_id"]
    assert recorded_leaf(world) == leaf  # the original entry is untouched
    assert Donation.objects.get().refunded_fen == 30_00
    fund = CampaignFund.objects.get()
    assert (fund.raised_fen, fund.refunded_fen) == (100_00, 30_00)
    assert PlatformFund.objects.get().refunded_fen == 30_00


def test_refunds_cannot_exceed_the_donation_also_within_one_batch(world):
    assert refund(world, 60_00)["status"] == "accepted"
    over = refund(world, 40_01, external_id="rf-2")
    assert over["error"]["code"] == "refund_exceeds_donation" and "4000" in over["error"]["message"]
    items = [{"external_id": f"rf-b{i}", "order_id": "ord-100", "amount_fen": 30_00, "refunded_on": world["today"],
              "reason": "重复支付"} for i in range(2)]
    results = world["api"].post("refunds/batch/", {"items": items}).json()["results"]
    assert [r["status"] for r in results] == ["accepted", "rejected"]
    assert Donation.objects.get().refunded_fen == 90_00


def test_a_refund_cannot_take_back_money_already_disbursed(world):
    from donations.actions import record_disbursements

    outcome = record_disbursements(world["platform"], [disbursement_item(world["campaign"].filing_number, 80_00)])
    assert outcome.accepted == 1
    result = refund(world, 30_00)
    assert result["error"]["code"] == "refund_exceeds_funds"
    assert refund(world, 20_00, external_id="rf-ok")["status"] == "accepted"


def test_refund_rules_and_idempotency(world):
    assert refund(world, 10_00, receipt_no="DAAA-AAAA-AAAA")["error"]["code"] == "donation_not_found"
    assert refund(world, 10_00, refunded_on="2001-01-01")["error"]["field"] == "refunded_on"
    assert refund(world, 10_00, reason="联系电话13812345678")["error"]["code"] == "personal_data"
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    assert refund(world, 10_00, refunded_on=tomorrow)["error"]["code"] == "invalid_date"
    first = refund(world, 10_00, external_id="rf-same")
    assert refund(world, 10_00, external_id="rf-same")["result"] == first["result"]
    assert refund(world, 11_00, external_id="rf-same")["error"]["code"] == "idempotency_conflict"
    assert Refund.objects.count() == 1


def correct(world, **fields):
    body = {"external_id": fields.pop("external_id", "cx-1"), "receipt_no": world["receipt_no"],
            "reason": "平台对账发现金额录入错误"}
    body.update(fields)
    return world["api"].post("corrections/", body)


def test_a_correction_records_new_facts_with_the_previous_ones(world):
    leaf = recorded_leaf(world)
    response = correct(world, amount_fen=120_00, channel="alipay")
    assert response.status_code == 201, response.content
    entry = Entry.objects.filter(subject=f"donation/{world['receipt_no']}").order_by("seq").last()
    data = json.loads(entry.leaf)["data"]
    assert entry.kind == "donation.corrected"
    assert (data["amount_fen"], data["channel"]) == (120_00, "alipay")
    assert data["correction"]["previous"] == {"amount_fen": 100_00, "channel": "wechat_pay"}
    assert data["correction"]["reason"] == "平台对账发现金额录入错误"
    assert recorded_leaf(world) == leaf
    assert CampaignFund.objects.get().raised_fen == 120_00
    # Same request again: the same answer, nothing written.
    again = correct(world, amount_fen=120_00, channel="alipay")
    assert again.status_code == 200 and again.json() == response.json()
    assert correct(world, amount_fen=130_00).status_code == 409
    assert Correction.objects.count() == 1


def test_a_correction_moves_the_donation_to_another_day(world):
    from donations.models import DayFund

    campaign = make_campaign(make_charity(), [world["platform"]], starts_in_days=-3)
    receipt_no = make_donations(campaign, world["platform"], [70_00])[0]["receipt_no"]
    two_days_ago = timezone.now() - timedelta(days=2)
    response = correct(world, receipt_no=receipt_no, donated_at=two_days_ago.isoformat())
    assert response.status_code == 201, response.content
    days = {d.day: d.raised_fen for d in DayFund.objects.filter(campaign=campaign)}
    assert days == {timezone.localdate(two_days_ago): 70_00, timezone.localdate(): 0}
    response = correct(world, receipt_no=receipt_no, external_id="cx-early",
                       donated_at=(timezone.now() - timedelta(days=5)).isoformat())
    assert response.status_code == 400 and response.json()["error"]["code"] == "donated_before_start"


def test_corrections_that_would_break_the_money_are_refused(world):
    from donations.actions import record_disbursements

    assert refund(world, 40_00)["status"] == "accepted"
    response = correct(world, amount_fen=30_00)
    assert response.status_code == 400 and response.json()["error"]["code"] == "correction_below_refunded"
    assert record_disbursements(world["platform"],
                                [disbursement_item(world["campaign"].filing_number, 50_00)]).accepted == 1
    response = correct(world, amount_fen=50_00, external_id="cx-2")
    assert response.json()["error"]["code"] == "correction_exceeds_funds"
    assert correct(world, anonymous=False, external_id="cx-3").json()["error"]["code"] == "no_change"
    assert correct(world, reason="", external_id="cx-4").json()["error"]["field"] == "reason"
    assert correct(world, external_id="cx-5").json()["error"]["field"] == "amount_fen"
    unknown = world["api"].post("corrections/", {"external_id": "cx-6", "order_id": "nope", "reason": "错",
                                                 "amount_fen": 1})
    assert unknown.status_code == 404 and unknown.json()["error"]["code"] == "donation_not_found"
    assert Correction.objects.count() == 0 and Donation.objects.get().amount_fen == 100_00


def test_another_platform_cannot_touch_this_platforms_donation(world, client):
    other = make_platform("stranger")
    _, plain = issue_key(other)
    api = PlatformClient(client, plain)
    item = {"external_id": "rf-x", "receipt_no": world["receipt_no"], "amount_fen": 1_00,
            "refunded_on": world["today"], "reason": "冒充退款"}
    result = api.post("refunds/batch/", {"items": [item]}).json()["results"][0]
    assert result["error"]["code"] == "donation_not_found"
    response = api.post("corrections/", {"external_id": "cx-x", "receipt_no": world["receipt_no"],
                                         "amount_fen": 1, "reason": "冒充更正"})
    assert response.status_code == 404
    assert api.get("donations/ord-100/").status_code == 404
    assert Refund.objects.count() == Correction.objects.count() == 0
