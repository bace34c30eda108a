"""OpenAPI description of the API-key authentication (drf-spectacular extension, loaded by apps.ready)."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class PlatformKeyScheme(OpenApiAuthenticationExtension):
    target_class = "fundraising.api.auth.PlatformKeyAuthentication"
    name = "platformKey"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "bearerFormat": "cck_<prefix>_<secret>",
            "description": "The key issued to your platform by the ministry, shown once at issue. "
                           "Send it as `Authorization: Bearer cck_<prefix>_<secret>`. Several keys can be "
                           "active at once, so you can rotate without downtime.",
        }
