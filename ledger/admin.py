from django.contrib import admin

from .models import Alert, Checkpoint, Entry


class ReadOnlyAdmin(admin.ModelAdmin):
    """Admin that only reads: every change goes through an action and the ledger."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Entry)
class EntryAdmin(ReadOnlyAdmin):
    list_display = ("seq", "kind", "subject", "actor", "time")
    list_filter = ("kind",)
    search_fields = ("subject",)


@admin.register(Checkpoint)
class CheckpointAdmin(ReadOnlyAdmin):
    list_display = ("size", "root", "key_id", "signed_at")


@admin.register(Alert)
class AlertAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "source", "message")
