"""How donations, refunds and disbursements plug into the platform batch machinery (fundraising.batch).

Each spec checks its items against the rules (donations.rules) and turns
them into rows and ledger entries; fundraising.batch does the rest: shapes,
idempotency by the platform's own id, one transaction, one chain-head lock.
"""

import functools
import hashlib
import hmac
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from fundraising.batch import ItemRejected
from fundraising.models import Campaign

from . import receipts, rules
from .cleaning import clean_donation
from .copy import COLUMNS
from .models import CampaignFund, Disbursement, Donation, Refund


def keyed_donor_ref(ref: str) -> str:
    """What the batch's payload hash sees instead of the donor identifier.

    The payload hash is stored for idempotency; over a phone number and facts
    kept beside it, a plain hash could be reversed by trying every number.
    Keyed by the server secret, it cannot, and equal identifiers still match.
    """
    return hmac.new(_donor_ref_key(settings.SECRET_KEY), ref.encode("utf-8"), hashlib.sha256).hexdigest()


@functools.cache
def _donor_ref_key(secret):
    return hmac.new(secret.encode(), b"donations.donor-ref", hashlib.sha256).digest()


BEIJING = ZoneInfo("Asia/Shanghai")  # the day a donation counts for in the campaign's daily sums


@functools.cache
def _lookup_path():
    return reverse("receipt-lookup")  # resolved once: a thousand reverse() calls cost a batch 70 ms


def receipt_url(receipt_no):
    return f"{_lookup_path()}?no={receipt_no}"


# Donations ------------------------------------------------------------------------

@dataclass
class DonationContext:
    campaigns: dict
    refused: dict
    now: datetime


class DonationSpec:
    model = Donation

    def __init__(self, item_serializer, donor_refs):
        self.item_serializer = item_serializer
        self.donor_refs = donor_refs  # keyed ref -> the identifier as sent; lives for this request only

    def clean_item(self, raw):
        return clean_donation(raw)

    def prepare(self, platform, items):
        numbers = {item["filing_number"] for item in items}
        campaigns = {c.filing_number: c for c in Campaign.objects.filter(filing_number__in=numbers, platforms=platform)
                     .select_related("organization")}
        refused = rules.sanction_refusals({c.organization for c in campaigns.values()})
        return DonationContext(campaigns, refused, timezone.now())

    def build(self, platform, item, context):
        rules.check_platform(platform)
        campaign = context.campaigns.get(item["filing_number"])
        if campaign is None:
            raise ItemRejected("campaign_not_found", _("No campaign %(n)s runs on this platform.")
                               % {"n": item["filing_number"]}, "filing_number")
        rules.check_can_receive(campaign, context.refused)
        donated_at = item["donated_at"].replace(microsecond=0)
        rules.check_donated_at(donated_at, campaign, context.now)
        ref = self.donor_refs.get(item["donor_ref"], item["donor_ref"])
        return new_donation(platform, campaign, item["amount_fen"], donated_at, item["channel"],
                            item.get("anonymous", False), ref, context.now)

    def entry(self, platform, row):
        return ("donation.recorded", row.subject, platform.actor, row.public_state())

    def result(self, row):
        """Our ids. The verification code exists only in the answer that created the donation."""
        return {"receipt_no": row.receipt_no, "verification_code": getattr(row, "verification_code", None),
                "donor_commitment": row.donor_commitment, "receipt_url": receipt_url(row.receipt_no)}


# Donation(*values) in this column order: Django's keyword path (and the foreign-key setters) took
# twice as long, a tenth of a 1,000-donation request. Checked once here, so a new field cannot shift them.
if tuple(f.attname for f in Donation._meta.concrete_fields) != COLUMNS:
    raise RuntimeError("donations.copy.COLUMNS no longer matches Donation's fields")
_RELATIONS = tuple(Donation._meta.get_field(name) for name in ("campaign", "organization", "platform"))


def new_donation(platform, campaign, amount_fen, donated_at, channel, anonymous, donor_ref, now):
    """An unsaved Donation with a fresh receipt number and code (the code kept on the object, never stored)."""
    receipt_no, code, code_hash, commitment = receipts.issue(donor_ref)
    organization = campaign.organization
    row = Donation(None, receipt_no, code_hash, campaign.pk, organization.pk, platform.pk, "", "", amount_fen, 0,
                   donated_at, donated_at.astimezone(BEIJING).date(), channel, anonymous, commitment, now)
    for relation, value in zip(_RELATIONS, (campaign, organization, platform)):
        relation.set_cached_value(row, value)
    row.verification_code = code
    return row


# Refunds -------------------------------------------------------------------------

@dataclass
class RefundContext:
    donations: dict
    funds: dict
    today: object
    now: datetime
    pending: dict = field(default_factory=dict)  # what earlier items of this batch take, by donation and campaign


class RefundSpec:
    model = Refund
    select_related = ("donation",)

    def __init__(self, item_serializer):
        self.item_serializer = item_serializer

    def prepare(self, platform, items):
        numbers = {receipts_normalized(i["receipt_no"]) for i in items if i.get("receipt_no")}
        orders = {i["order_id"] for i in items if i.get("order_id")}
        found = (Donation.objects.filter(platform=platform)
                 .filter(Q(receipt_no__in=numbers) | Q(external_id__in=orders))
                 .select_related("campaign", "organization", "platform"))
        donations = {}
        for d in found:
            donations[("receipt_no", d.receipt_no)] = d
            donations[("order_id", d.external_id)] = d
        funds = {f.campaign_id: f for f in CampaignFund.objects.filter(campaign_id__in={d.campaign_id for d in found})}
        return RefundContext(donations, funds, timezone.localdate(), timezone.now())

    def build(self, platform, item, context):
        key = ("receipt_no", receipts_normalized(item["receipt_no"])) if item.get("receipt_no") else (
            "order_id", item["order_id"])
        donation = context.donations.get(key)
        if donation is None:
            raise ItemRejected("donation_not_found", _("No such donation was reported by this platform."), key[0])
        amount = item["amount_fen"]
        left = donation.amount_fen - donation.refunded_fen - context.pending.get(("d", donation.pk), 0)
        if amount > left:
            raise ItemRejected("refund_exceeds_donation",
                               _("Only %(left)s fen of this donation are left to refund.") % {"left": left},
                               "amount_fen")
        fund = context.funds.get(donation.campaign_id)
        free = fund.raised_fen - fund.refunded_fen - fund.disbursed_fen - context.pending.get(("c", fund.pk), 0)
        if amount > free:
            raise ItemRejected("refund_exceeds_funds",
                               _("The campaign has spent this money already: only %(free)s fen are not disbursed.")
                               % {"free": max(free, 0)}, "amount_fen")
        rules.check_day(item["refunded_on"], "refunded_on", donation.donated_on, context.today)
        rules.check_public_text(item["reason"], "reason")
        context.pending[("d", donation.pk)] = context.pending.get(("d", donation.pk), 0) + amount
        context.pending[("c", fund.pk)] = context.pending.get(("c", fund.pk), 0) + amount
        return Refund(donation=donation, campaign_id=donation.campaign_id, platform=platform, amount_fen=amount,
                      refunded_on=item["refunded_on"], reason=item["reason"].strip(), recorded_at=context.now)

    def entry(self, platform, row):
        return ("donation.refunded", row.donation.subject, platform.actor, row.public_state())

    def result(self, row):
        return {"refund_id": row.pk, "receipt_no": row.donation.receipt_no,
                "receipt_url": receipt_url(row.donation.receipt_no)}


def receipts_normalized(text):
    try:
        return receipts.normalize_receipt_no(text)
    except receipts.BadReceiptNumber:
        return text


# Disbursements -----------------------------------------------------------------------

@dataclass
class DisbursementContext:
    campaigns: dict
    funds: dict
    today: object
    now: datetime
    pending: dict = field(default_factory=dict)


class DisbursementSpec:
    model = Disbursement
    select_related = ("campaign",)

    def __init__(self, item_serializer):
        self.item_serializer = item_serializer

    def prepare(self, platform, items):
        numbers = {item["filing_number"] for item in items}
        campaigns = {c.filing_number: c for c in Campaign.objects.filter(filing_number__in=numbers, platforms=platform)
                     .select_related("organization")}
        funds = {f.campaign_id: f for f in CampaignFund.objects.filter(campaign__in=campaigns.values())}
        return DisbursementContext(campaigns, funds, timezone.localdate(), timezone.now())

    def build(self, platform, item, context):
        rules.check_platform(platform)
        campaign = context.campaigns.get(item["filing_number"])
        if campaign is None:
            raise ItemRejected("campaign_not_found", _("No campaign %(n)s runs on this platform.")
                               % {"n": item["filing_number"]}, "filing_number")
        rules.check_day(item["disbursed_on"], "disbursed_on", campaign.starts_on, context.today)
        rules.check_public_text(item["purpose"], "purpose")
        if item.get("recipient_name"):
            rules.check_public_text(item["recipient_name"], "recipient_name")
        fund = context.funds.get(campaign.pk)
        free = (fund.raised_fen - fund.refunded_fen - fund.disbursed_fen if fund else 0) - context.pending.get(
            campaign.pk, 0)
        if item["amount_fen"] > free:
            raise ItemRejected("overspending",
                               _("The campaign has %(free)s fen raised and not yet spent or refunded; it cannot "
                                 "disburse %(amount)s.") % {"free": max(free, 0), "amount": item["amount_fen"]},
                               "amount_fen")
        context.pending[campaign.pk] = context.pending.get(campaign.pk, 0) + item["amount_fen"]
        return Disbursement(campaign=campaign, organization=campaign.organization, platform=platform,
                            amount_fen=item["amount_fen"], disbursed_on=item["disbursed_on"],
                            purpose=item["purpose"].strip(), recipient_type=item["recipient_type"],
                            recipient_name=item.get("recipient_name", ""),
                            recipient_uscc=item.get("recipient_uscc", ""),
                            recipient_count=item.get("recipient_count"), evidence_sha256=item["evidence_sha256"],
                            recorded_at=context.now)

    def entry(self, platform, row):
        return ("disbursement.recorded", row.subject, platform.actor, row.public_state())

    def result(self, row):
        return {"disbursement_id": row.pk, "filing_number": row.campaign.filing_number,
                "campaign_url": row.campaign.get_absolute_url()}
