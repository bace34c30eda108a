from django.contrib import admin

from ledger.admin import ReadOnlyAdmin

from .models import Appeal, Decision, Evidence


@admin.register(Decision)
class DecisionAdmin(ReadOnlyAdmin):
    list_display = ("public_id", "list_kind", "subject_name", "subject_code", "decision_no", "effective_on", "status")
    list_filter = ("list_kind", "status", "subject_type")
    search_fields = ("public_id", "subject_name", "subject_code", "decision_no")


@admin.register(Evidence)
class EvidenceAdmin(ReadOnlyAdmin):
    list_display = ("decision", "title", "sha256", "size", "added_at")


@admin.register(Appeal)
class AppealAdmin(ReadOnlyAdmin):
    list_display = ("decision", "number", "kind", "filed_on", "outcome", "decided_on")
