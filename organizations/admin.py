from django.contrib import admin

from ledger.admin import ReadOnlyAdmin

from .models import Organization


@admin.register(Organization)
class OrganizationAdmin(ReadOnlyAdmin):
    list_display = ("uscc", "name", "org_type", "status", "region_code")
    search_fields = ("uscc", "name")
