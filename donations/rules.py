"""Who may receive a donation, and the limits on dates and money. Each refusal carries a code and a clear reason.

Refusals are `fundraising.batch.ItemRejected(code, message, field)`, the
shape the batch machinery answers per item; single-item actions raise the
same exception and the API turns it into a 400 (409 for conflicts).
"""

from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from fundraising.batch import ItemRejected
from fundraising.models import Campaign, Platform
from fundraising.rules import RuleError, assert_no_personal_data

CLOCK_SKEW = timedelta(minutes=5)  # a platform's clock may run a little ahead of ours


def check_platform(platform):
    if platform.status != Platform.Status.DESIGNATED:
        raise ItemRejected("platform_not_designated",
                           _("The platform %(code)s is %(status)s and may not report donations.")
                           % {"code": platform.code, "status": platform.get_status_display()})


def sanction_refusals(organizations):
    """{organization subject: message} for charities the credit lists forbid to receive donations (one query)."""
    subjects = {org.subject for org in organizations}
    try:
        from sanctions.checks import refusals
    except ImportError:
        refusals = None
    if refusals is not None:
        return {subject: str(getattr(exc, "message", exc)) for subject, exc in
                refusals(subjects, "receive_donation").items()}
    try:
        from sanctions.checks import assert_allowed
    except ImportError:
        return {}
    out = {}
    for subject in subjects:
        try:
            assert_allowed(subject, "receive_donation")
        except Exception as exc:  # the credit lists' own refusal type, whatever it is called
            out[subject] = str(getattr(exc, "message", exc))
    return out


def check_can_receive(campaign, refused):
    """A donation needs an active campaign of an active charity that no credit list forbids."""
    if campaign.status != Campaign.Status.ACTIVE:
        raise ItemRejected("campaign_not_active",
                           _("The campaign %(n)s is %(status)s, not active: it cannot receive donations.")
                           % {"n": campaign.filing_number, "status": campaign.get_status_display()},
                           "filing_number")
    org = campaign.organization
    if org.status != "active":
        raise ItemRejected("charity_deregistered",
                           _("The charity %(name)s is %(status)s: it cannot receive donations.")
                           % {"name": org.name, "status": org.get_status_display()}, "filing_number")
    if org.subject in refused:
        raise ItemRejected("charity_sanctioned", refused[org.subject], "filing_number")


def check_donated_at(donated_at, campaign, now):
    if donated_at > now + CLOCK_SKEW:
        raise ItemRejected("donated_in_future", _("donated_at lies in the future."), "donated_at")
    if timezone.localdate(donated_at) < campaign.starts_on:
        raise ItemRejected("donated_before_start",
                           _("donated_at is before the campaign started (%(d)s).")
                           % {"d": campaign.starts_on.isoformat()}, "donated_at")


def check_day(day, field, not_before, today):
    if day > today:
        raise ItemRejected("invalid_date", _("%(f)s may not be in the future.") % {"f": field}, field)
    if day < not_before:
        raise ItemRejected("invalid_date", _("%(f)s may not be before %(d)s.") % {"f": field,
                                                                                 "d": not_before.isoformat()}, field)


def check_public_text(text, field):
    """Text that goes into the ledger: no phone or ID numbers."""
    try:
        assert_no_personal_data(text, field)
    except RuleError as exc:
        raise ItemRejected(exc.code, exc.message, field)
    if not text.strip():
        raise ItemRejected("required", _("This field may not be blank."), field)
