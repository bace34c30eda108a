from django.contrib import admin
from django.db import models

from ledger.admin import ReadOnlyAdmin

from .models import Organization


@admin.register(Organization)
class OrganizationAdmin(ReadOnlyAdmin):
    list_display = ("uscc", "name", "org_type", "status", "region_code", "public_fundraising_qualified")
    list_filter = ("org_type", "status", "public_fundraising_qualified")
    search_fields = ("uscc", "name")
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
