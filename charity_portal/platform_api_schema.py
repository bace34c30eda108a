"""Every app's platform-API routes under their public prefix, for the platform API's own OpenAPI document.

The routes are served by each app's own URLconf; this module only gathers them
so that one schema (/api/platform/v1/schema/) describes the whole API.
"""

from django.urls import include, path

from donations.urls import api_urlpatterns as donation_routes
from fundraising.api.urls import api_urlpatterns as fundraising_routes

urlpatterns = [
    path("api/platform/v1/", include((fundraising_routes, "platform-api"))),
    path("api/platform/v1/", include((donation_routes, "platform-api-donations"))),
]
