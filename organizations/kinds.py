"""Human names of the registry's ledger entry kinds (docs/ledger-kinds.md)."""

from django.utils.translation import gettext_lazy as _

KIND_LABELS = {
    "organization.registered": _("Charity registered"),
    "organization.updated": _("Charity record updated"),
    "organization.status_changed": _("Charity status changed"),
    "organization.qualification_granted": _("Public fundraising qualification granted"),
    "organization.qualification_revoked": _("Public fundraising qualification revoked"),
    "organization.disclosure_published": _("Disclosure published"),
    "organization.correction_published": _("Correction published"),
}
