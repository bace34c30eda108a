"""The donor's receipt page and proof endpoint: no enumeration, throttled, the facts and the money, §5 formats."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from donations import receipts
from ledger.models import Entry
from ledger.tasks import anchor_ledger
from tests.factories import disbursement_item, make_campaign, make_charity, make_donations, make_platform

pytestmark = pytest.mark.django_db


@pytest.fixture
def receipt():
    platform = make_platform("rcptplat")
    campaign = make_campaign(make_charity(name="春蕾助学基金会"), [platform], starts_in_days=0, title="春蕾计划")
    result = make_donations(campaign, platform, [88_00, 12_00])[0]
    return {"no": result["receipt_no"], "code": result["verification_code"], "campaign": campaign,
            "platform": platform}


def lookup(client, no, code, **headers):
    return client.get(reverse("receipt-lookup"), {"no": no, "code": code}, **headers)


def test_the_receipt_shows_the_donation_the_campaign_money_and_a_verify_button(client, receipt):
    response = lookup(client, receipt["no"], receipt["code"])
    assert response.status_code == 200
    html = response.content.decode()
    seq = Entry.objects.get(subject=f"donation/{receipt['no']}").seq
    assert receipt["no"] in html and "88.00" in html and "春蕾计划" in html and "春蕾助学基金会" in html
    assert f'data-verify-seq="{seq}"' in html and f'data-verify-result-for="{seq}"' in html
    assert "100.00" in html  # the campaign has raised 100 yuan in all
    assert "<svg" in html  # the money chart and the QR code, rendered on the server
    assert response["Cache-Control"] == "no-store, private" and response["Referrer-Policy"] == "no-referrer"


def test_forgiving_input_finds_the_same_receipt(client, receipt):
    sloppy_no = receipt["no"].replace("-", " ").lower()
    sloppy_code = receipt["code"].replace("-", "").lower()
    assert lookup(client, sloppy_no, sloppy_code).status_code == 200


def test_a_wrong_code_and_an_unknown_receipt_get_the_same_answer(client, receipt):
    wrong_code = receipts.new_code()
    unknown = receipts.new_receipt_no()
    a = lookup(client, receipt["no"], wrong_code, HTTP_ACCEPT_LANGUAGE="en")
    b = lookup(client, unknown, wrong_code, HTTP_ACCEPT_LANGUAGE="en")
    assert a.status_code == b.status_code == 404
    strip = [(receipt["no"], "NO"), (unknown, "NO"), (wrong_code, "CODE")]

    def normalized(response):
        text = response.content.decode()
        for old, new in strip:
            text = text.replace(old, new)
        return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", text)  # masked anew for every response

    assert normalized(a) == normalized(b)
    assert "No receipt matches this number and verification code" in normalized(a)
    proof_a = client.get(reverse("receipt-proof", args=[receipt["no"]]), {"code": wrong_code})
    proof_b = client.get(reverse("receipt-proof", args=[unknown]), {"code": wrong_code})
    assert proof_a.status_code == proof_b.status_code == 404
    assert proof_a.content == proof_b.content and proof_a["Content-Type"] == "text/plain; charset=utf-8"


@pytest.mark.parametrize("no, code, field", [
    ("D123", "ABCD-EFGH-JKLM-NPQR", "no"),
    ("DK7M-9QXH-TBR0", "ABCD-EFGH-JKLM-NPQR", "no"),
    (None, "ABCD-EFGH-JKLM-NPQR", "no"),
    ("valid", "short", "code"),
    ("valid", "ABCD-EFGH-JKLM-NPQ0", "code"),
])
def test_malformed_input_names_the_field(client, receipt, no, code, field):
    no = receipt["no"] if no == "valid" else no
    params = {k: v for k, v in {"no": no, "code": code}.items() if v is not None}
    response = client.get(reverse("receipt-lookup"), params, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert list(errors) == [field]


def test_a_typo_in_the_receipt_number_is_caught_by_its_check_character(client, receipt):
    no = receipt["no"]
    i = 6
    swapped = no[:i] + next(c for c in receipts.ALPHABET if c != no[i]) + no[i + 1:]
    response = client.get(reverse("receipt-lookup"), {"no": swapped, "code": receipt["code"]},
                          HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400 and "typo" in response.content.decode()


def test_lookups_are_throttled_per_client(receipt, settings):
    settings.RECEIPT_LOOKUP_RATE = "3/min"
    one, other = Client(REMOTE_ADDR="10.0.0.1"), Client(REMOTE_ADDR="10.0.0.2")
    codes = [lookup(one, receipt["no"], receipts.new_code()).status_code for _ in range(3)]
    assert codes == [404, 404, 404]
    assert lookup(one, receipt["no"], receipt["code"]).status_code == 429  # even with the right code now
    proof = one.get(reverse("receipt-proof", args=[receipt["no"]]), {"code": receipt["code"]})
    assert proof.status_code == 429
    assert lookup(other, receipt["no"], receipt["code"]).status_code == 200


def test_the_form_without_parameters(client):
    response = client.get(reverse("receipt-lookup"))
    assert response.status_code == 200 and b'name="no"' in response.content and b'name="code"' in response.content


def test_the_proof_waits_for_anchoring_then_is_a_tlog_proof(client, receipt):
    url = reverse("receipt-proof", args=[receipt["no"]])
    waiting = client.get(url, {"code": receipt["code"]})
    assert waiting.status_code == 409 and "retry after the next anchoring" in waiting.content.decode()
    assert waiting["Content-Type"] == "text/plain; charset=utf-8"
    anchor_ledger.apply()
    response = client.get(url, {"code": receipt["code"]})
    assert response.status_code == 200 and response["Content-Type"] == "text/plain; charset=utf-8"
    text = response.content.decode()
    seq = Entry.objects.get(subject=f"donation/{receipt['no']}").seq
    assert text.startswith("c2sp.org/tlog-proof@v1\nextra ") and f"\nindex {seq}\n" in text
    page = lookup(client, receipt["no"], receipt["code"]).content.decode()
    assert f'href="{url}?code={receipt["code"]}"' in page


def test_the_page_lists_disbursements_and_refunds(client, receipt):
    from donations.actions import record_disbursements, record_refunds

    number = receipt["campaign"].filing_number
    outcome = record_disbursements(receipt["platform"], [disbursement_item(number, 30_00, purpose="购买课桌椅")])
    assert outcome.accepted == 1
    outcome = record_refunds(receipt["platform"], [{"external_id": "rf-1", "receipt_no": receipt["no"],
                                                   "amount_fen": 8_00, "refunded_on": "2026-01-01",
                                                   "reason": "重复支付"}])
    assert outcome.results[0]["status"] == "rejected"  # before the campaign began
    from django.utils import timezone

    outcome = record_refunds(receipt["platform"], [{"external_id": "rf-2", "receipt_no": receipt["no"],
                                                   "amount_fen": 8_00, "refunded_on": timezone.localdate().isoformat(),
                                                   "reason": "重复支付"}])
    assert outcome.accepted == 1
    html = lookup(client, receipt["no"], receipt["code"]).content.decode()
    assert "购买课桌椅" in html and "30.00" in html and "重复支付" in html and "8.00" in html
    disbursement_seq = Entry.objects.get(kind="disbursement.recorded").seq
    assert f'data-verify-seq="{disbursement_seq}"' in html


def test_english_page(client, receipt):
    html = lookup(client, receipt["no"], receipt["code"], HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Donation receipt" in html and "Where the money went" in html
