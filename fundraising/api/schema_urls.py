"""The platform API's routes under their public prefix, for generating its own OpenAPI document."""

from django.urls import include, path

from .urls import api_urlpatterns

urlpatterns = [path("api/platform/v1/", include((api_urlpatterns, "platform-api")))]
