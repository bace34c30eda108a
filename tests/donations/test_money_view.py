"""A campaign's money view: every total equals the sum of its ledger entries, recomputed here from the leaves."""

import json
from collections import defaultdict
from datetime import UTC, datetime, timedelta

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from donations import queries
from donations.actions import correct_donation, record_disbursements, record_refunds
from ledger.models import Entry
from tests.factories import disbursement_item, make_campaign, make_charity, make_donations, make_platform

pytestmark = pytest.mark.django_db


def beijing_day(iso):
    return timezone.localdate(datetime.strptime(iso, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC))


def from_ledger(filing_number):
    """Totals by platform and by day, from nothing but the ledger's leaves."""
    donations, refunds, disbursed = {}, [], []
    for entry in Entry.objects.filter(kind__in=["donation.recorded", "donation.corrected", "donation.refunded",
                                                "disbursement.recorded"]).order_by("seq"):
        data = json.loads(entry.leaf)["data"]
        if data["campaign"] != filing_number:
            continue
        if entry.kind in ("donation.recorded", "donation.corrected"):
            donations[data["receipt_no"]] = data  # the latest state of each donation
        elif entry.kind == "donation.refunded":
            refunds.append(data)
        else:
            disbursed.append(data)
    by_platform = defaultdict(lambda: [0, 0, 0, 0])
    by_day = defaultdict(lambda: [0, 0, 0])
    for d in donations.values():
        by_platform[d["platform"]][0] += d["amount_fen"]
        by_platform[d["platform"]][3] += 1
        by_day[beijing_day(d["donated_at"])][0] += d["amount_fen"]
    for r in refunds:
        by_platform[r["platform"]][1] += r["amount_fen"]
        by_day[datetime.fromisoformat(r["refunded_on"]).date()][1] += r["amount_fen"]
    for d in disbursed:
        by_platform[d["platform"]][2] += d["amount_fen"]
        by_day[datetime.fromisoformat(d["disbursed_on"]).date()][2] += d["amount_fen"]
    return by_platform, by_day


@pytest.fixture
def busy_campaign():
    one, two = make_platform("moneyone"), make_platform("moneytwo")
    campaign = make_campaign(make_charity(), [one, two], starts_in_days=-3, target_fen=1_000_00)
    now = timezone.now()
    first = make_donations(campaign, one, [100_00, 250_00, 5_00], donated_at=now - timedelta(days=2))
    make_donations(campaign, two, [300_00, 1], donated_at=now - timedelta(days=1))
    make_donations(campaign, one, [42_00])
    assert record_refunds(one, [{"external_id": "mrf", "receipt_no": first[1]["receipt_no"], "amount_fen": 50_00,
                                 "refunded_on": timezone.localdate().isoformat(), "reason": "捐赠人申请退款"}]).accepted
    _, replayed = correct_donation(one, {"external_id": "mcx", "receipt_no": first[0]["receipt_no"],
                                         "amount_fen": 120_00, "reason": "对账更正金额"})
    assert not replayed
    yesterday = (timezone.localdate() - timedelta(days=1)).isoformat()
    assert record_disbursements(two, [disbursement_item(campaign.filing_number, 200_00, disbursed_on=yesterday),
                                      disbursement_item(campaign.filing_number, 80_00)]).accepted == 2
    other = make_campaign(make_charity(), [one], starts_in_days=0)
    make_donations(other, one, [999_00])  # another campaign's money must not leak in
    return campaign


def test_every_total_equals_the_sum_of_its_ledger_entries(busy_campaign):
    view = queries.money_view(busy_campaign)
    by_platform, by_day = from_ledger(busy_campaign.filing_number)
    assert view.raised_fen == sum(p[0] for p in by_platform.values()) == 120_00 + 250_00 + 5_00 + 300_00 + 1 + 42_00
    assert view.refunded_fen == sum(p[1] for p in by_platform.values()) == 50_00
    assert view.disbursed_fen == sum(p[2] for p in by_platform.values()) == 280_00
    assert view.donations == sum(p[3] for p in by_platform.values()) == 6
    assert view.balance_fen == view.raised_fen - view.refunded_fen - view.disbursed_fen
    assert {p.platform.code: [p.raised_fen, p.refunded_fen, p.disbursed_fen, p.donations]
            for p in view.by_platform} == dict(by_platform)
    assert {d.day: [d.raised_fen, d.refunded_fen, d.disbursed_fen] for d in view.days} == dict(by_day)
    net = spent = 0
    for d in view.days:
        net += d.raised_fen - d.refunded_fen
        spent += d.disbursed_fen
        assert (d.net_to_date_fen, d.disbursed_to_date_fen) == (net, spent)
    assert [d.amount_fen for d in view.disbursements] == [80_00, 200_00]
    assert all(d.ledger_seq is not None for d in view.disbursements)


def test_the_money_view_renders_its_chart_and_tables(busy_campaign):
    view = queries.money_view(busy_campaign)
    html = render_to_string("donations/_money_view.html", {"money": view})
    assert "717.01" in html and "50.00" in html and "280.00" in html  # raised, refunded, disbursed (yuan)
    assert 'class="money-chart"' in html and "<polyline" in html
    assert "moneyone" in html or "moneyone公益平台" in html
    assert html.count("verify-btn") == 2


def test_the_campaign_page_shows_the_totals(client, busy_campaign):
    response = client.get(reverse("campaign-detail", args=[busy_campaign.filing_number]))
    assert response.status_code == 200
    assert response.context["donations"].raised_fen == queries.money_view(busy_campaign).raised_fen
    assert "717.01" in response.content.decode()


def test_a_campaign_without_money():
    campaign = make_campaign(make_charity(), [make_platform("quietplat")], starts_in_days=0)
    view = queries.money_view(campaign)
    assert (view.raised_fen, view.disbursed_fen, view.days, view.chart) == (0, 0, [], "")
    assert queries.campaign_totals(campaign) is None
    with translation.override("en"):
        assert "No donation has been recorded" in render_to_string("donations/_money_view.html", {"money": view})
