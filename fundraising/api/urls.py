from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from .. import converters  # noqa: F401  registers the id converters
from . import views
from .errors import json_not_found

app_name = "platform-api"

api_urlpatterns = [
    path("me", views.MeView.as_view(), name="me"),
    path("campaigns/", views.CampaignListView.as_view(), name="campaigns"),
    path("campaigns/<filing_number:filing_number>/", views.CampaignDetailView.as_view(), name="campaign"),
    path("campaigns/<filing_number:filing_number>/progress/", views.CampaignProgressView.as_view(),
         name="campaign-progress"),
    path("progress/batch/", views.ProgressBatchView.as_view(), name="progress-batch"),
    path("progress/<external_id:external_id>/", views.ProgressReportView.as_view(), name="progress"),
]

# The platform API's own schema and docs, generated from the routes above only.
docs_urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(urlconf="charity_portal.platform_api_schema", custom_settings={
        "TITLE": "Platform docking API (互联网公开募捐信息平台对接接口)",
        "DESCRIPTION": (
            "For designated Internet public fundraising information platforms. Authenticate with your API "
            "key (`Authorization: Bearer cck_<prefix>_<secret>`). Every answer is JSON; errors read "
            "`{\"error\": {\"code\", \"field\", \"message\"}}` in the language of `Accept-Language` "
            "(Chinese by default). Writes are idempotent by your own `external_id`. Batches take up to "
            "1,000 items and answer per item. Requests are throttled per platform (429 with retry_after)."),
        "VERSION": "1"}), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="platform-api:schema"), name="docs"),
]

urlpatterns = api_urlpatterns + docs_urlpatterns + [re_path(r"^.*$", json_not_found)]
