"""Read-only admin: every change goes through fundraising.actions (the staff workspace at /staff/)."""

from django.contrib import admin

from ledger.admin import ReadOnlyAdmin

from .models import ApiKey, Campaign, KeyUse, Objection, Platform, ProgressReport, Recommendation, SupervisionRecord


@admin.register(Platform)
class PlatformAdmin(ReadOnlyAdmin):
    list_display = ("code", "name", "operator_name", "status", "batch", "designated_on")
    list_filter = ("status", "batch")
    search_fields = ("code", "name", "operator_name", "operator_uscc")


@admin.register(Recommendation)
class RecommendationAdmin(ReadOnlyAdmin):
    list_display = ("platform", "outcome", "recommended_by", "state", "decided_by", "recommended_at")
    list_filter = ("state", "outcome")


@admin.register(Objection)
class ObjectionAdmin(ReadOnlyAdmin):
    list_display = ("platform", "received_on", "answered_at")


@admin.register(SupervisionRecord)
class SupervisionRecordAdmin(ReadOnlyAdmin):
    list_display = ("platform", "kind", "on", "deadline", "completed_on")
    list_filter = ("kind",)


@admin.register(ApiKey)
class ApiKeyAdmin(ReadOnlyAdmin):
    list_display = ("prefix", "platform", "label", "created_at", "revoked_at")
    exclude = ("key_hash",)


@admin.register(KeyUse)
class KeyUseAdmin(ReadOnlyAdmin):
    list_display = ("at", "key", "method", "path", "status_code", "items")
    list_filter = ("status_code",)


@admin.register(Campaign)
class CampaignAdmin(ReadOnlyAdmin):
    list_display = ("filing_number", "title", "organization", "status", "review", "late_filing", "starts_on",
                    "ends_on")
    list_filter = ("status", "review", "late_filing")
    search_fields = ("filing_number", "title")


@admin.register(ProgressReport)
class ProgressReportAdmin(ReadOnlyAdmin):
    list_display = ("campaign", "platform", "external_id", "period_end", "raised_fen", "spent_fen", "final")
