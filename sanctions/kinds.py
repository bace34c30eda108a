"""Human names of the credit-list ledger entry kinds (docs/ledger-kinds.md)."""

from django.utils.translation import gettext_lazy as _

KIND_LABELS = {
    "sanction.imposed": _("Listed on a credit list"),
    "sanction.removed": _("Removed from a credit list"),
    "sanction.expired": _("Credit listing expired"),
    "sanction.escalated": _("Moved to the serious-dishonesty list"),
    "sanction.appeal_recorded": _("Appeal against a listing recorded"),
    "sanction.appeal_decided": _("Appeal against a listing decided"),
    "sanction.evidence_added": _("Evidence added to a listing"),
}
