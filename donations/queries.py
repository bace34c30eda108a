"""The read side: a campaign's money, a donor's receipt.

Totals come from the fund tables the database keeps in step with every
donation, refund and disbursement (donations.triggers), so a campaign page
costs three small queries whatever the number of donations.
"""

from dataclasses import dataclass, field
from datetime import date

from ledger.models import Entry

from . import receipts
from .charts import money_svg
from .models import CampaignFund, DayFund, Disbursement, Donation, PlatformFund


@dataclass
class PlatformMoney:
    platform: object
    raised_fen: int
    refunded_fen: int
    disbursed_fen: int
    donations: int

    @property
    def net_fen(self):
        return self.raised_fen - self.refunded_fen


@dataclass
class DayMoney:
    day: date
    raised_fen: int
    refunded_fen: int
    disbursed_fen: int
    net_to_date_fen: int = 0
    disbursed_to_date_fen: int = 0


@dataclass
class MoneyView:
    campaign: object
    raised_fen: int = 0
    refunded_fen: int = 0
    disbursed_fen: int = 0
    donations: int = 0
    by_platform: list = field(default_factory=list)
    days: list = field(default_factory=list)
    disbursements: list = field(default_factory=list)
    disbursement_count: int = 0

    @property
    def net_fen(self):
        return self.raised_fen - self.refunded_fen

    @property
    def balance_fen(self):
        return self.net_fen - self.disbursed_fen

    @property
    def progress_percent(self):
        target = self.campaign.target_fen
        return min(100, round(100 * self.net_fen / target)) if target else 0

    @property
    def spent_percent(self):
        return min(100, round(100 * self.disbursed_fen / self.net_fen)) if self.net_fen > 0 else 0

    @property
    def chart(self):
        return money_svg(self.days)

    # What fundraising.queries.donation_totals shows on the campaign page.
    @property
    def count(self):
        return self.donations

    @property
    def spent_fen(self):
        return self.disbursed_fen


def money_view(campaign, disbursements=50):
    """Totals raised / refunded / disbursed, by platform and by day, and the latest disbursements."""
    view = MoneyView(campaign)
    fund = CampaignFund.objects.filter(campaign=campaign).first()
    if fund is not None:
        view.raised_fen, view.refunded_fen = fund.raised_fen, fund.refunded_fen
        view.disbursed_fen, view.donations = fund.disbursed_fen, fund.donations
    view.by_platform = [
        PlatformMoney(p.platform, p.raised_fen, p.refunded_fen, p.disbursed_fen, p.donations)
        for p in PlatformFund.objects.filter(campaign=campaign).select_related("platform").order_by("platform__code")
    ]
    net = spent = 0
    for d in DayFund.objects.filter(campaign=campaign).order_by("day"):
        net += d.raised_fen - d.refunded_fen
        spent += d.disbursed_fen
        view.days.append(DayMoney(d.day, d.raised_fen, d.refunded_fen, d.disbursed_fen, net, spent))
    if view.disbursed_fen and disbursements:
        rows = Disbursement.objects.filter(campaign=campaign).select_related("platform").order_by("-disbursed_on",
                                                                                                   "-id")
        view.disbursements = list(rows[:disbursements])
        seqs = disbursement_entries(view.disbursements)
        for d in view.disbursements:
            d.ledger_seq = seqs.get(d.pk)
        view.disbursement_count = len(view.disbursements) if len(view.disbursements) < disbursements else rows.count()
    return view


def campaign_totals(campaign):
    """For fundraising.queries.donation_totals: None until the campaign has money recorded."""
    view = money_view(campaign)
    return view if view.donations or view.disbursed_fen else None


def disbursement_entries(disbursements):
    """{disbursement id: its ledger seq}, for verify buttons (one query)."""
    subjects = {d.subject: d.pk for d in disbursements}
    rows = Entry.objects.filter(subject__in=subjects, kind="disbursement.recorded").values_list("subject", "seq")
    return {subjects[subject]: seq for subject, seq in rows}


# Receipts ------------------------------------------------------------------------------

def find_receipt(receipt_no, code):
    """The donation, if the number exists AND the code is its code; else None (one answer for both)."""
    try:
        receipt_no = receipts.normalize_receipt_no(receipt_no)
    except receipts.BadReceiptNumber:
        return None
    code = receipts.normalize_code(code)
    donation = (Donation.objects.select_related("campaign", "organization", "platform")
                .filter(receipt_no=receipt_no).first())
    # Hash even when there is no such receipt, so the answer takes as long either way.
    stored = donation.code_hash if donation is not None else "0" * 64
    matches = code is not None and receipts.code_matches(stored, receipt_no, code)
    return donation if donation is not None and matches else None


def donation_entries(donation):
    """The donation's ledger entries in order: recorded, then any refunds and corrections."""
    return list(Entry.objects.filter(subject=donation.subject).order_by("seq"))


def recorded_entry(donation):
    return Entry.objects.filter(subject=donation.subject, kind="donation.recorded").order_by("seq").first()
