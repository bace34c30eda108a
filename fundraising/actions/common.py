"""Helpers every fundraising action shares: actors, permissions, reasons."""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from ..rules import RuleError, assert_no_personal_data

MAX_REASON = 2000


def staff_actor(user):
    return f"staff/{user.username}"


def require_perm(user, perm):
    """Actions check permissions themselves, so no caller (view, admin, shell) can skip them."""
    if user is None or not user.is_active or not user.has_perm(f"fundraising.{perm}"):
        raise PermissionDenied(_("You do not have permission to do this."))


def clean_text(value, field, required=True, max_length=MAX_REASON):
    text = (value or "").strip()
    if required and not text:
        raise RuleError(_("This field is required: give the reason."), field=field, code="required")
    if len(text) > max_length:
        raise RuleError(_("At most %(n)d characters.") % {"n": max_length}, field=field, code="max_length")
    assert_no_personal_data(text, field)
    return text


def wrong_state(obj, allowed, field=None):
    raise RuleError(
        _("Not possible while the status is “%(status)s” (allowed: %(allowed)s).")
        % {"status": obj.get_status_display(), "allowed": ", ".join(str(a.label) for a in allowed)},
        field=field, code="wrong_status")
