from django.urls import path, register_converter

from . import api, staff, views


class CreditCode:
    """18 credit-code characters, any case (looked up upper-cased)."""

    regex = "[0-9A-Za-z]{18}"

    def to_python(self, value):
        return value.upper()

    def to_url(self, value):
        return value


register_converter(CreditCode, "uscc")

app_name = "organizations"
urlpatterns = [
    path("organizations/", views.organization_list, name="list"),
    path("organizations/export.csv", views.organization_export, name="export"),
    path("organizations/cities.json", views.cities, name="cities"),
    path("organizations/<uscc:code>/", views.organization_detail, name="detail"),
    path("organizations/<uscc:code>/reports/<int:seq>.pdf", views.annual_report_file, name="report-file"),
    path("staff/organizations/", staff.index, name="staff-index"),
    path("staff/organizations/new/", staff.register, name="staff-register"),
    path("staff/organizations/<uscc:code>/edit/", staff.edit, name="staff-edit"),
    path("staff/organizations/<uscc:code>/status/", staff.change_status, name="staff-status"),
    path("staff/organizations/<uscc:code>/qualification/", staff.qualification, name="staff-qualification"),
    path("staff/organizations/<uscc:code>/annual-reports/new/", staff.annual_report, name="staff-annual-report"),
    path("staff/organizations/<uscc:code>/disclosures/new/", staff.disclosure, name="staff-disclosure"),
    path("staff/organizations/<uscc:code>/corrections/new/", staff.correction, name="staff-correction"),
    path("api/organizations/", api.OrganizationList.as_view(), name="api-list"),
    path("api/organizations/<uscc:code>/", api.OrganizationDetail.as_view(), name="api-detail"),
]
