from django.urls import include, path

from . import (
    converters,  # noqa: F401  registers the id converters
    staff_campaigns,
    staff_views,
    views,
)

urlpatterns = [
    path("platforms/", views.platform_list, name="platform-list"),
    path("platforms/<platform_code:code>/", views.platform_detail, name="platform-detail"),
    path("campaigns/", views.campaign_list, name="campaign-list"),
    path("campaigns/<filing_number:filing_number>/", views.campaign_detail, name="campaign-detail"),
    path("api/platform/v1/", include("fundraising.api.urls")),
    path("staff/", staff_views.dashboard, name="staff-dashboard"),
    path("staff/platforms/", staff_views.platform_list, name="staff-platforms"),
    path("staff/platforms/new/", staff_views.platform_new, name="staff-platform-new"),
    path("staff/platforms/<platform_code:code>/", staff_views.platform_detail, name="staff-platform"),
    path("staff/platforms/<platform_code:code>/keys/issue/", staff_views.issue_key, name="staff-platform-issue-key"),
    path("staff/platforms/<platform_code:code>/<slug:action>/", staff_views.platform_action,
         name="staff-platform-action"),
    path("staff/platforms/<platform_code:code>/<slug:action>/<int:target_id>/", staff_views.platform_action,
         name="staff-platform-target-action"),
    path("staff/campaigns/", staff_campaigns.campaign_list, name="staff-campaigns"),
    path("staff/campaigns/new/", staff_campaigns.campaign_new, name="staff-campaign-new"),
    path("staff/campaigns/<filing_number:filing_number>/", staff_campaigns.campaign_detail, name="staff-campaign"),
    path("staff/campaigns/<filing_number:filing_number>/<slug:action>/", staff_campaigns.campaign_action,
         name="staff-campaign-action"),
]
