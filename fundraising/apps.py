from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FundraisingConfig(AppConfig):
    name = "fundraising"
    verbose_name = _("Fundraising")

    def ready(self):
        from .api import schema  # noqa: F401  registers the API-key scheme with drf-spectacular
