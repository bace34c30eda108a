"""Disbursements: recorded with their evidence hash, individuals never named, spending beyond funds refused."""

import json
import threading

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from donations.actions import record_disbursements
from donations.models import CampaignFund, Disbursement
from ledger.models import Entry
from tests.conftest import on_postgres
from tests.factories import (
    disbursement_item,
    evidence_hash,
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
    platform = make_platform("disbplat")
    campaign = make_campaign(make_charity(), [platform], starts_in_days=0)
    make_donations(campaign, platform, [60_00, 40_00])
    _, plain = issue_key(platform)
    return {"platform": platform, "campaign": campaign, "api": PlatformClient(client, plain)}


def send(world, *items):
    response = world["api"].post("disbursements/batch/", {"items": list(items)})
    assert response.status_code == 200, response.content
    return response.json()["results"]


def test_a_disbursement_is_a_ledger_entry_with_its_evidence_hash(world):
    number = world["campaign"].filing_number
    results = send(world, disbursement_item(number, 25_00, recipient_type="organization",
                                            recipient_name="某县第一小学", recipient_uscc="",
                                            evidence_sha256=evidence_hash("转账凭证 0001")),
                   disbursement_item(number, 15_00, recipient_type="individuals", recipient_name="张*等",
                                     recipient_count=12, purpose="资助学生学费"))
    assert [r["status"] for r in results] == ["accepted", "accepted"]
    first_id = results[0]["result"]["disbursement_id"]
    entry = Entry.objects.get(subject=f"disbursement/{first_id}")
    assert entry.kind == "disbursement.recorded" and entry.actor == "platform/disbplat"
    data = json.loads(entry.leaf)["data"]
    assert data["amount_fen"] == 25_00 and data["campaign"] == number
    assert data["evidence_sha256"] == evidence_hash("转账凭证 0001")
    assert data["recipient"] == {"type": "organization", "name": "某县第一小学", "uscc": None, "count": None}
    second = json.loads(Entry.objects.get(subject=f"disbursement/{results[1]['result']['disbursement_id']}").leaf)
    assert second["data"]["recipient"] == {"type": "individuals", "name": "张*等", "uscc": None, "count": 12}
    fund = CampaignFund.objects.get(campaign=world["campaign"])
    assert (fund.raised_fen, fund.disbursed_fen) == (100_00, 40_00)
    external_id = Disbursement.objects.get(pk=first_id).external_id
    assert world["api"].get(f"disbursements/{external_id}/").json()["amount_fen"] == 25_00


def test_spending_beyond_funds_is_refused_also_across_one_batch(world):
    number = world["campaign"].filing_number
    results = send(world, disbursement_item(number, 70_00), disbursement_item(number, 30_00),
                   disbursement_item(number, 1))
    assert [r["status"] for r in results] == ["accepted", "accepted", "rejected"]
    error = results[2]["error"]
    assert error["code"] == "overspending" and error["field"] == "amount_fen"
    assert CampaignFund.objects.get(campaign=world["campaign"]).disbursed_fen == 100_00
    empty = make_campaign(make_charity(), [world["platform"]], starts_in_days=0)
    assert send(world, disbursement_item(empty.filing_number, 1))[0]["error"]["code"] == "overspending"


@pytest.mark.parametrize("fields, field", [
    ({"recipient_type": "individuals", "recipient_name": "张三", "recipient_count": 1}, "recipient_name"),
    ({"recipient_type": "individuals", "recipient_name": ""}, "recipient_count"),
    ({"recipient_type": "individuals", "recipient_name": "", "recipient_count": 2,
      "recipient_uscc": "91110000717800345R"},
     "recipient_uscc"),
    ({"recipient_type": "organization", "recipient_name": ""}, "recipient_name"),
    ({"recipient_type": "organization", "recipient_uscc": "91110000717800345X"}, "recipient_uscc"),
    ({"recipient_type": "person"}, "recipient_type"),
    ({"purpose": "联系人身份证110105194912310021"}, "purpose"),
    ({"purpose": "   "}, "purpose"),
    ({"evidence_sha256": "ABC"}, "evidence_sha256"),
    ({"disbursed_on": "2001-01-01"}, "disbursed_on"),
    ({"amount_fen": -5}, "amount_fen"),
])
def test_bad_disbursements_name_the_field(world, fields, field):
    result = send(world, {**disbursement_item(world["campaign"].filing_number, 10_00), **fields})[0]
    assert result["status"] == "rejected" and result["error"]["field"] == field, result
    assert not Disbursement.objects.exists()


def _raw_disbursement(world, amount):
    campaign = world["campaign"]
    return Disbursement(campaign=campaign, organization=campaign.organization, platform=world["platform"],
                        external_id=f"raw-{amount}", payload_hash="", amount_fen=amount,
                        disbursed_on=timezone.localdate(), purpose="绕过检查的写入", recipient_type="project",
                        recipient_name="某项目", evidence_sha256=evidence_hash(), recorded_at=timezone.now())


@pytest.mark.ledger_guard_off
def test_the_database_itself_refuses_overspending(world):
    """Even a write that skips the actions (a bug, a shell) cannot disburse more than was raised."""
    with pytest.raises(IntegrityError), transaction.atomic():
        _raw_disbursement(world, 100_01).save()
    assert CampaignFund.objects.get(campaign=world["campaign"]).disbursed_fen == 0
    with transaction.atomic():
        _raw_disbursement(world, 100_00).save()
    assert CampaignFund.objects.get(campaign=world["campaign"]).disbursed_fen == 100_00


@on_postgres
@pytest.mark.django_db(transaction=True)
def test_two_racing_disbursements_cannot_both_spend_the_same_money():
    platform = make_platform("raceplat")
    campaign = make_campaign(make_charity(), [platform], starts_in_days=0)
    make_donations(campaign, platform, [100_00])
    barrier, outcomes = threading.Barrier(2), []

    def spend(i):
        try:
            barrier.wait()
            outcomes.append(record_disbursements(platform, [disbursement_item(campaign.filing_number, 60_00,
                                                                              external_id=f"race-{i}")]))
        finally:
            connection.close()

    threads = [threading.Thread(target=spend, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    statuses = sorted(o.results[0]["status"] for o in outcomes)
    assert statuses == ["accepted", "rejected"]
    rejected = next(o.results[0] for o in outcomes if o.results[0]["status"] == "rejected")
    assert rejected["error"]["code"] == "overspending"
    assert CampaignFund.objects.get(campaign=campaign).disbursed_fen == 60_00
    assert Entry.objects.filter(kind="disbursement.recorded").count() == 1
