"""Shapes of the donation, refund, correction and disbursement items platforms send (and the OpenAPI schema)."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from fundraising.batch import MAX_BATCH_ITEMS
from organizations import uscc

from .models import MAX_AMOUNT_FEN, Channel, Disbursement

EXTERNAL_ID = r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$"
FILING_NUMBER = r"^[0-9A-Z]{1,24}$"
RECEIPT_NO = r"^[0-9A-Za-z -]{1,20}$"


def external_id_field(what):
    return serializers.RegexField(
        EXTERNAL_ID, max_length=64,
        help_text=_("Your own id for this %(what)s (1-64 of A-Z a-z 0-9 . _ : -). Sending the same id again "
                    "returns the first answer and writes nothing.") % {"what": what})


def amount_field(help_text):
    return serializers.IntegerField(min_value=1, max_value=MAX_AMOUNT_FEN, help_text=help_text)


class DonationItemSerializer(serializers.Serializer):
    external_id = external_id_field(_("donation (your order id)"))
    filing_number = serializers.RegexField(FILING_NUMBER, max_length=24,
                                           help_text=_("The campaign's filing number."))
    amount_fen = amount_field(_("The amount donated, in fen (1 yuan = 100 fen)."))
    donated_at = serializers.DateTimeField(
        help_text=_("When the donor paid, ISO 8601 (e.g. 2026-11-30T08:15:00Z); without a time zone it is read "
                    "as Beijing time. Kept to the second."))
    channel = serializers.ChoiceField(choices=Channel.choices, help_text=_("How the donor paid."))
    anonymous = serializers.BooleanField(default=False, help_text=_("The donor asked not to be named."))
    donor_ref = serializers.CharField(
        max_length=128, trim_whitespace=True,
        help_text=_("Your identifier of the donor (account id, or the phone number they gave you). We never "
                    "store it: it goes only into the donor commitment the donor can open with their receipt."))


class DonationBatchSerializer(serializers.Serializer):
    items = serializers.ListField(child=serializers.DictField(), max_length=MAX_BATCH_ITEMS,
                                  help_text=_("Up to 1,000 donations (see DonationItem)."))


class DonationRefSerializer(serializers.Serializer):
    """Which donation: its receipt number, or your order id for it."""

    receipt_no = serializers.RegexField(RECEIPT_NO, required=False,
                                        help_text=_("The donation's receipt number."))
    order_id = serializers.RegexField(EXTERNAL_ID, max_length=64, required=False,
                                      help_text=_("Or your own order id of the donation (its external_id)."))

    def validate(self, attrs):
        if bool(attrs.get("receipt_no")) == bool(attrs.get("order_id")):
            raise serializers.ValidationError({"receipt_no": _("Give either receipt_no or order_id.")})
        return attrs


class RefundItemSerializer(DonationRefSerializer):
    external_id = external_id_field(_("refund"))
    amount_fen = amount_field(_("The amount given back, in fen; at most what is left of the donation."))
    refunded_on = serializers.DateField(help_text=_("The day the money went back (YYYY-MM-DD)."))
    reason = serializers.CharField(max_length=500, help_text=_("Why, in a sentence. Published: no personal data."))


class RefundBatchSerializer(serializers.Serializer):
    items = serializers.ListField(child=serializers.DictField(), max_length=MAX_BATCH_ITEMS,
                                  help_text=_("Up to 1,000 refunds (see RefundItem)."))


class CorrectionSerializer(DonationRefSerializer):
    external_id = external_id_field(_("correction"))
    reason = serializers.CharField(max_length=500, help_text=_("What was wrong. Published: no personal data."))
    amount_fen = serializers.IntegerField(min_value=1, max_value=MAX_AMOUNT_FEN, required=False,
                                          help_text=_("The correct amount, in fen."))
    donated_at = serializers.DateTimeField(required=False, help_text=_("The correct payment time."))
    channel = serializers.ChoiceField(choices=Channel.choices, required=False, help_text=_("The correct channel."))
    anonymous = serializers.BooleanField(required=False, help_text=_("The correct anonymous flag."))

    CORRECTABLE = ("amount_fen", "donated_at", "channel", "anonymous")

    def validate(self, attrs):
        attrs = super().validate(attrs)
        if not any(name in attrs for name in self.CORRECTABLE):
            raise serializers.ValidationError(
                {"amount_fen": _("Give at least one of amount_fen, donated_at, channel, anonymous.")})
        return attrs


class DisbursementItemSerializer(serializers.Serializer):
    R = Disbursement.RecipientType

    external_id = external_id_field(_("disbursement"))
    filing_number = serializers.RegexField(FILING_NUMBER, max_length=24,
                                           help_text=_("The campaign whose money was spent."))
    amount_fen = amount_field(_("The amount paid out, in fen. At most what the campaign raised and has not "
                                "spent or refunded."))
    disbursed_on = serializers.DateField(help_text=_("The day of the payment (YYYY-MM-DD)."))
    purpose = serializers.CharField(max_length=500, help_text=_("What the money is for. Published."))
    recipient_type = serializers.ChoiceField(
        choices=R.choices, help_text=_("organization or project (named), or individuals (a count and at most "
                                       "a masked label: never a person's name, phone or ID number)."))
    recipient_name = serializers.CharField(
        max_length=200, required=False, allow_blank=True, default="",
        help_text=_("The organisation or project; for individuals a masked label such as “张*等”."))
    recipient_uscc = serializers.CharField(max_length=18, required=False, allow_blank=True, default="",
                                           help_text=_("The recipient organisation's credit code, if it has one."))
    recipient_count = serializers.IntegerField(min_value=1, max_value=10**8, required=False, allow_null=True,
                                               help_text=_("Number of people helped (required for individuals)."))
    evidence_sha256 = serializers.RegexField(
        r"^[0-9a-f]{64}$", help_text=_("SHA-256 (64 lowercase hex digits) of the evidence document: payment "
                                       "voucher, contract or receipt. Keep the document; anyone can check it."))

    def validate(self, attrs):
        kind, name = attrs["recipient_type"], attrs.get("recipient_name", "").strip()
        attrs["recipient_name"] = name
        if kind == self.R.INDIVIDUALS:
            if not attrs.get("recipient_count"):
                raise serializers.ValidationError(
                    {"recipient_count": _("Give the number of people helped.")})
            if name and "*" not in name and "＊" not in name:
                raise serializers.ValidationError(
                    {"recipient_name": _("For individuals give at most a masked label such as “张*等”, never a "
                                         "full name.")})
            if len(name) > 30:
                raise serializers.ValidationError({"recipient_name": _("A masked label has at most 30 characters.")})
            if attrs.get("recipient_uscc"):
                raise serializers.ValidationError(
                    {"recipient_uscc": _("Individuals have no credit code: leave it empty.")})
        else:
            if not name:
                raise serializers.ValidationError(
                    {"recipient_name": _("Name the recipient organisation or project.")})
            code = attrs.get("recipient_uscc", "").strip().upper()
            if code and not uscc.is_valid(code):
                raise serializers.ValidationError(
                    {"recipient_uscc": _("Not a valid unified social credit code (18 characters with a correct "
                                         "check character).")})
            attrs["recipient_uscc"] = code
        return attrs


class DisbursementBatchSerializer(serializers.Serializer):
    items = serializers.ListField(child=serializers.DictField(), max_length=MAX_BATCH_ITEMS,
                                  help_text=_("Up to 1,000 disbursements (see DisbursementItem)."))
