"""Read-only admin: every change goes through donations.actions (the platform API)."""

from django.contrib import admin

from ledger.admin import ReadOnlyAdmin

from .models import Correction, Disbursement, Donation, Refund


@admin.register(Donation)
class DonationAdmin(ReadOnlyAdmin):
    list_display = ("receipt_no", "campaign", "platform", "amount_fen", "refunded_fen", "donated_at", "channel")
    list_filter = ("channel", "anonymous")
    search_fields = ("receipt_no", "external_id")
    list_select_related = ("campaign", "platform")
    exclude = ("code_hash",)  # useless to staff, and better kept out of sight


@admin.register(Refund)
class RefundAdmin(ReadOnlyAdmin):
    list_display = ("donation", "amount_fen", "refunded_on", "platform", "recorded_at")
    list_select_related = ("donation", "platform")


@admin.register(Correction)
class CorrectionAdmin(ReadOnlyAdmin):
    list_display = ("donation", "platform", "reason", "recorded_at")
    list_select_related = ("donation", "platform")


@admin.register(Disbursement)
class DisbursementAdmin(ReadOnlyAdmin):
    list_display = ("campaign", "amount_fen", "disbursed_on", "recipient_type", "recipient_name", "platform")
    list_filter = ("recipient_type",)
    list_select_related = ("campaign", "platform")
