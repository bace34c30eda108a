"""Human names of the donation ledger entry kinds (docs/ledger-kinds.md)."""

from django.utils.translation import gettext_lazy as _

KIND_LABELS = {
    "donation.recorded": _("Donation recorded"),
    "donation.refunded": _("Donation refunded"),
    "donation.corrected": _("Donation corrected"),
    "disbursement.recorded": _("Disbursement recorded"),
}
