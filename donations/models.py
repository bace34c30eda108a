"""Donations (捐赠记录), refunds, corrections and disbursements (善款拨付), and the campaign funds they add up to.

Rows change only through donations.actions, each change with its ledger
entry. Public ids: a donation's receipt number (subject
`donation/<receipt no>`), a disbursement's id (`disbursement/<id>`).
Nothing here holds a donor's name, phone or ID number: a donor is a
commitment (donations.receipts).

The fund tables (CampaignFund, PlatformFund, DayFund) are sums kept by
database triggers (donations/triggers.py) on every insert of a donation,
refund or disbursement and on every corrected donation, so they always equal
the rows, whichever path wrote them. Their CHECK constraints are the last
word on money: a campaign never disburses more than it raised net of
refunds, and a donation is never refunded beyond its amount, even when two
requests race.
"""

from django.db import connections, models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

MAX_AMOUNT_FEN = 10**12  # ten billion yuan for one donation or disbursement; sums stay far below 2**53


class Channel(models.TextChoices):
    WECHAT_PAY = "wechat_pay", _("WeChat Pay")
    ALIPAY = "alipay", _("Alipay")
    UNIONPAY = "unionpay", _("UnionPay card")
    BANK_TRANSFER = "bank_transfer", _("Bank transfer")
    PLATFORM_BALANCE = "platform_balance", _("Platform balance")
    OTHER = "other", _("Other")


class DonationQuerySet(models.QuerySet):
    def bulk_create(self, objs, *args, **kwargs):
        """On PostgreSQL, many rows go in with one COPY (donations/copy.py); elsewhere Django's bulk INSERT."""
        objs = list(objs)
        conn = connections[self.db]
        if conn.vendor != "postgresql" or args or kwargs or len(objs) < 2:
            return super().bulk_create(objs, *args, **kwargs)
        from .copy import copy_donations

        return copy_donations(conn, objs)


class Donation(models.Model):
    receipt_no = models.CharField(_("receipt number"), max_length=14)  # UNIQUE: a constraint below
    code_hash = models.CharField(max_length=64, help_text="SHA-256 of receipt number and verification code.")
    # No index of their own: (campaign, donated_at) and (platform, external_id) lead with them.
    campaign = models.ForeignKey("fundraising.Campaign", on_delete=models.PROTECT, related_name="donations",
                                 db_index=False)
    organization = models.ForeignKey("organizations.Organization", on_delete=models.PROTECT,
                                     related_name="donations")
    platform = models.ForeignKey("fundraising.Platform", on_delete=models.PROTECT, related_name="donations",
                                 db_index=False)
    external_id = models.CharField(_("platform order id"), max_length=64)
    payload_hash = models.CharField(max_length=64)
    amount_fen = models.BigIntegerField(_("amount (fen)"))
    refunded_fen = models.BigIntegerField(_("refunded (fen)"), default=0)
    donated_at = models.DateTimeField(_("donated at"))
    donated_on = models.DateField(help_text="donated_at's date in Beijing time, for the campaign's daily sums.")
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    anonymous = models.BooleanField(_("anonymous"), default=False)
    donor_commitment = models.CharField(_("donor commitment"), max_length=64)
    recorded_at = models.DateTimeField(_("recorded at"))

    objects = DonationQuerySet.as_manager()

    class Meta:
        verbose_name = _("donation")
        verbose_name_plural = _("donations")
        default_permissions = ("view",)
        # Each index costs every donation batch: a UniqueConstraint rather than unique=True, which would add a
        # LIKE-pattern copy of the receipt number's index on PostgreSQL (lookups are exact).
        constraints = [
            models.UniqueConstraint(fields=["receipt_no"], name="donations_donation_receipt_no_unique"),
            models.UniqueConstraint(fields=["platform", "external_id"], name="donations_donation_platform_order"),
            models.CheckConstraint(condition=Q(amount_fen__gt=0), name="donations_donation_amount_positive"),
            models.CheckConstraint(condition=Q(refunded_fen__gte=0, refunded_fen__lte=F("amount_fen")),
                                   name="donations_donation_refund_within_amount"),
        ]
        indexes = [models.Index(fields=["campaign", "donated_at"], name="donations_campaign_time")]

    def __str__(self):
        return self.receipt_no

    @property
    def subject(self):
        return f"donation/{self.receipt_no}"

    @property
    def net_fen(self):
        return self.amount_fen - self.refunded_fen

    def public_state(self):
        """The `donation.recorded` / `donation.corrected` data (LEDGER_SPEC §5)."""
        return {
            "receipt_no": self.receipt_no,
            "amount_fen": self.amount_fen,
            "campaign": self.campaign.filing_number,
            "organization": self.organization.uscc,
            "platform": self.platform.code,
            "donated_at": iso_time(self.donated_at),
            "channel": self.channel,
            "anonymous": self.anonymous,
            "donor_commitment": self.donor_commitment,
        }


class Refund(models.Model):
    """Money given back to a donor: a new row and entry; the donation's own entry stays as it was."""

    donation = models.ForeignKey(Donation, on_delete=models.PROTECT, related_name="refunds")
    # The donation's campaign and platform, repeated so the fund triggers need no join.
    campaign = models.ForeignKey("fundraising.Campaign", on_delete=models.PROTECT, related_name="+")
    platform = models.ForeignKey("fundraising.Platform", on_delete=models.PROTECT, related_name="+")
    external_id = models.CharField(max_length=64)
    payload_hash = models.CharField(max_length=64)
    amount_fen = models.BigIntegerField(_("amount (fen)"))
    refunded_on = models.DateField(_("refunded on"))
    reason = models.CharField(_("reason"), max_length=500)
    recorded_at = models.DateTimeField()

    class Meta:
        default_permissions = ("view",)
        ordering = ["recorded_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["platform", "external_id"], name="donations_refund_platform_id"),
            models.CheckConstraint(condition=Q(amount_fen__gt=0), name="donations_refund_amount_positive"),
        ]

    def public_state(self):
        return {
            "receipt_no": self.donation.receipt_no,
            "refund_id": self.pk,
            "amount_fen": self.amount_fen,
            "refunded_on": self.refunded_on.isoformat(),
            "reason": self.reason,
            "campaign": self.donation.campaign.filing_number,
            "organization": self.donation.organization.uscc,
            "platform": self.donation.platform.code,
        }


class Correction(models.Model):
    """A platform's correction of a donation's facts: the old and new values, and why."""

    donation = models.ForeignKey(Donation, on_delete=models.PROTECT, related_name="corrections")
    platform = models.ForeignKey("fundraising.Platform", on_delete=models.PROTECT, related_name="+")
    external_id = models.CharField(max_length=64)
    payload_hash = models.CharField(max_length=64)
    reason = models.CharField(_("reason"), max_length=500)
    previous = models.JSONField(help_text="The corrected members' values before the correction.")
    recorded_at = models.DateTimeField()

    class Meta:
        default_permissions = ("view",)
        ordering = ["recorded_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["platform", "external_id"], name="donations_correction_platform_id"),
        ]


class Disbursement(models.Model):
    class RecipientType(models.TextChoices):
        ORGANIZATION = "organization", _("Organisation")
        PROJECT = "project", _("Project")
        INDIVIDUALS = "individuals", _("Individuals")

    campaign = models.ForeignKey("fundraising.Campaign", on_delete=models.PROTECT, related_name="disbursements")
    organization = models.ForeignKey("organizations.Organization", on_delete=models.PROTECT,
                                     related_name="disbursements")
    platform = models.ForeignKey("fundraising.Platform", on_delete=models.PROTECT, related_name="disbursements",
                                 help_text="The platform that reported it.")
    external_id = models.CharField(max_length=64)
    payload_hash = models.CharField(max_length=64)
    amount_fen = models.BigIntegerField(_("amount (fen)"))
    disbursed_on = models.DateField(_("disbursed on"))
    purpose = models.CharField(_("purpose"), max_length=500)
    recipient_type = models.CharField(_("recipient type"), max_length=20, choices=RecipientType.choices)
    # An organisation's or project's name; for individuals only a masked label (e.g. "张*等").
    recipient_name = models.CharField(_("recipient"), max_length=200, blank=True)
    recipient_uscc = models.CharField(_("recipient's credit code"), max_length=18, blank=True)
    recipient_count = models.PositiveIntegerField(_("number of recipients"), null=True, blank=True)
    evidence_sha256 = models.CharField(_("evidence document SHA-256"), max_length=64)
    recorded_at = models.DateTimeField()

    class Meta:
        verbose_name = _("disbursement")
        verbose_name_plural = _("disbursements")
        default_permissions = ("view",)
        ordering = ["disbursed_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["platform", "external_id"], name="donations_disbursement_platform_id"),
            models.CheckConstraint(condition=Q(amount_fen__gt=0), name="donations_disbursement_amount_positive"),
        ]
        indexes = [models.Index(fields=["campaign", "disbursed_on"], name="donations_disb_campaign")]

    @property
    def subject(self):
        return f"disbursement/{self.pk}"

    def public_state(self):
        return {
            "disbursement_id": self.pk,
            "campaign": self.campaign.filing_number,
            "organization": self.organization.uscc,
            "platform": self.platform.code,
            "amount_fen": self.amount_fen,
            "disbursed_on": self.disbursed_on.isoformat(),
            "purpose": self.purpose,
            "recipient": {
                "type": self.recipient_type,
                "name": self.recipient_name,
                "uscc": self.recipient_uscc or None,
                "count": self.recipient_count,
            },
            "evidence_sha256": self.evidence_sha256,
        }


# Sums kept by triggers ----------------------------------------------------------

class CampaignFund(models.Model):
    campaign = models.OneToOneField("fundraising.Campaign", on_delete=models.PROTECT, primary_key=True,
                                    related_name="fund")
    raised_fen = models.BigIntegerField(default=0)
    refunded_fen = models.BigIntegerField(default=0)
    disbursed_fen = models.BigIntegerField(default=0)
    donations = models.BigIntegerField(default=0)

    class Meta:
        default_permissions = ()
        constraints = [
            models.CheckConstraint(condition=Q(disbursed_fen__lte=F("raised_fen") - F("refunded_fen")),
                                   name="donations_fund_no_overspending"),
        ]


class PlatformFund(models.Model):
    campaign = models.ForeignKey("fundraising.Campaign", on_delete=models.PROTECT, related_name="+")
    platform = models.ForeignKey("fundraising.Platform", on_delete=models.PROTECT, related_name="+")
    raised_fen = models.BigIntegerField(default=0)
    refunded_fen = models.BigIntegerField(default=0)
    disbursed_fen = models.BigIntegerField(default=0)
    donations = models.BigIntegerField(default=0)

    class Meta:
        default_permissions = ()
        constraints = [models.UniqueConstraint(fields=["campaign", "platform"], name="donations_platformfund_key")]


class DayFund(models.Model):
    campaign = models.ForeignKey("fundraising.Campaign", on_delete=models.PROTECT, related_name="+")
    day = models.DateField()
    raised_fen = models.BigIntegerField(default=0)
    refunded_fen = models.BigIntegerField(default=0)
    disbursed_fen = models.BigIntegerField(default=0)

    class Meta:
        default_permissions = ()
        constraints = [models.UniqueConstraint(fields=["campaign", "day"], name="donations_dayfund_key")]


def iso_time(dt):
    """UTC, `YYYY-MM-DDTHH:MM:SSZ` (whole seconds: what platforms report)."""
    from datetime import UTC

    return dt.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
