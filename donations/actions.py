"""Every change to donations and disbursements, each in one transaction with its ledger entry.

Platforms report through the API (donations.api), which calls these; so do
seed_demo and the benchmarks. Refunds and corrections are new rows and new
entries: a donation's `donation.recorded` entry is never touched again.
Kinds and their `data`: docs/ledger-kinds.md, section "Donations".
"""

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError

import ledger
from fundraising import batch
from fundraising.batch import ItemRejected

from . import rules
from .models import CampaignFund, Correction, Donation
from .serializers import (
    CorrectionSerializer,
    DisbursementItemSerializer,
    DonationItemSerializer,
    RefundItemSerializer,
)
from .specs import (
    DisbursementSpec,
    DonationSpec,
    RefundSpec,
    keyed_donor_ref,
    new_donation,
    receipt_url,
    receipts_normalized,
)

CORRECTION = CorrectionSerializer()  # validation keeps no state on the instance: one serves every request
MAX_DONOR_REF = 128


def record_donations(platform, items) -> batch.BatchOutcome:
    """Record up to 1,000 donations reported by `platform` (donation.recorded each).

    Each accepted item's result holds the receipt number and, in this answer
    only, the verification code for the donor.
    """
    refs, prepared = {}, []
    for raw in items:
        ref = raw.get("donor_ref") if isinstance(raw, dict) else None
        if isinstance(ref, str) and 0 < len(ref.strip()) <= MAX_DONOR_REF:
            keyed = keyed_donor_ref(ref.strip())
            refs[keyed] = ref.strip()
            raw = {**raw, "donor_ref": keyed}
        prepared.append(raw)
    return batch.process(platform, prepared, DonationSpec(DonationItemSerializer, refs))


def record_refunds(platform, items) -> batch.BatchOutcome:
    """Record refunds of donations `platform` reported (donation.refunded each)."""
    return batch.process(platform, items, RefundSpec(RefundItemSerializer))


def record_disbursements(platform, items) -> batch.BatchOutcome:
    """Record how campaigns on `platform` spent their money (disbursement.recorded each); never beyond funds."""
    return batch.process(platform, items, DisbursementSpec(DisbursementItemSerializer))


# Corrections --------------------------------------------------------------------------

def correct_donation(platform, raw):
    """Correct a donation's amount, time, channel or anonymous flag (donation.corrected).

    Returns (result, replayed). Raises ItemRejected with the reason.
    Idempotent by the correction's own external_id, like the batches.
    """
    try:
        item = CORRECTION.run_validation(raw)
    except ValidationError as exc:
        name, message = batch.first_error(exc.detail)
        raise ItemRejected("invalid", message, name)
    digest = batch.payload_hash(raw)
    replay = _replay_correction(platform, item["external_id"], digest)
    if replay:
        return replay, True
    rules.check_platform(platform)
    rules.check_public_text(item["reason"], "reason")
    try:
        with transaction.atomic():
            correction = _apply_correction(platform, item, digest)
    except IntegrityError:
        replay = _replay_correction(platform, item["external_id"], digest)  # a concurrent retry got there first
        if replay:
            return replay, True
        raise
    return _correction_result(correction), False


def _replay_correction(platform, external_id, digest):
    earlier = (Correction.objects.filter(platform=platform, external_id=external_id).select_related("donation")
               .first())
    if earlier is None:
        return None
    if earlier.payload_hash != digest:
        raise ItemRejected("idempotency_conflict", _("This external_id was accepted before with different content."),
                           "external_id")
    return _correction_result(earlier)


def _correction_result(correction):
    return {"correction_id": correction.pk, "receipt_no": correction.donation.receipt_no,
            "receipt_url": receipt_url(correction.donation.receipt_no)}


def _apply_correction(platform, item, digest):
    donations = Donation.objects.select_for_update().select_related("campaign", "organization", "platform")
    if item.get("receipt_no"):
        donation = donations.filter(platform=platform, receipt_no=receipts_normalized(item["receipt_no"])).first()
    else:
        donation = donations.filter(platform=platform, external_id=item["order_id"]).first()
    if donation is None:
        raise ItemRejected("donation_not_found", _("No such donation was reported by this platform."),
                           "receipt_no" if item.get("receipt_no") else "order_id")
    fund = CampaignFund.objects.select_for_update().get(campaign_id=donation.campaign_id)
    before = donation.public_state()
    if "donated_at" in item:
        donated_at = item["donated_at"].replace(microsecond=0)
        rules.check_donated_at(donated_at, donation.campaign, timezone.now())
        donation.donated_at, donation.donated_on = donated_at, timezone.localdate(donated_at)
    for name in ("amount_fen", "channel", "anonymous"):
        if name in item:
            setattr(donation, name, item[name])
    if donation.amount_fen < donation.refunded_fen:
        raise ItemRejected("correction_below_refunded",
                           _("%(r)s fen of this donation were refunded already; the amount cannot be less.")
                           % {"r": donation.refunded_fen}, "amount_fen")
    decrease = before["amount_fen"] - donation.amount_fen
    free = fund.raised_fen - fund.refunded_fen - fund.disbursed_fen
    if decrease > free:
        raise ItemRejected("correction_exceeds_funds",
                           _("The campaign has spent this money already: it can lose at most %(free)s fen.")
                           % {"free": max(free, 0)}, "amount_fen")
    after = donation.public_state()
    previous = {name: before[name] for name in ("amount_fen", "donated_at", "channel", "anonymous")
                if before[name] != after[name]}
    if not previous:
        raise ItemRejected("no_change", _("Nothing would change: the donation already has these facts."),
                           "amount_fen")
    donation.save(update_fields=["amount_fen", "donated_at", "donated_on", "channel", "anonymous"])
    correction = Correction.objects.create(donation=donation, platform=platform, external_id=item["external_id"],
                                           payload_hash=digest, reason=item["reason"].strip(), previous=previous,
                                           recorded_at=timezone.now())
    ledger.append("donation.corrected", donation.subject, platform.actor,
                  {**after, "correction": {"correction_id": correction.pk, "reason": correction.reason,
                                           "previous": previous}})
    return correction


# Bulk loading (demo data, benchmarks) -------------------------------------------------------

def record_donations_bulk(platform, rows, batch_size=5000, keep_codes=0):
    """Record many donations of one platform: the rules of record_donations, one transaction per batch.

    `rows` yields dicts with external_id, campaign (a Campaign with its
    organization), amount_fen, donated_at, channel, anonymous, donor_ref.
    Returns (count, [(receipt_no, verification_code)] for the first
    `keep_codes` donations); every other code is discarded unseen.
    """
    rules.check_platform(platform)
    allowed, kept, count, pending = {}, [], 0, []
    now = timezone.now()
    for row in rows:
        campaign = row["campaign"]
        if campaign.pk not in allowed:
            rules.check_can_receive(campaign, rules.sanction_refusals([campaign.organization]))
            allowed[campaign.pk] = True
        donated_at = row["donated_at"].replace(microsecond=0)
        rules.check_donated_at(donated_at, campaign, now)
        donation = new_donation(platform, campaign, row["amount_fen"], donated_at, row["channel"],
                                row.get("anonymous", False), row["donor_ref"], now)
        donation.external_id, donation.payload_hash = row["external_id"], ""
        pending.append(donation)
        if len(kept) < keep_codes:
            kept.append((donation.receipt_no, donation.verification_code))
        if len(pending) >= batch_size:
            count += _write_bulk(platform, pending)
            pending = []
    if pending:
        count += _write_bulk(platform, pending)
    return count, kept


def _write_bulk(platform, donations):
    with transaction.atomic():
        Donation.objects.bulk_create(donations)
        ledger.append_many([("donation.recorded", d.subject, platform.actor, d.public_state()) for d in donations])
    return len(donations)
