from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("accounts/", include("django.contrib.auth.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="swagger-ui"),
    path("", include("ledger.urls")),
    path("", include("organizations.urls")),
    path("", include("portal.urls")),
    path("", include("donations.urls")),  # before fundraising: its platform API ends in a catch-all 404
    path("", include("fundraising.urls")),
    path("", include("sanctions.urls")),
]

