"""The rules actions enforce: who may file, working days, reporting deadlines, no personal data.

Working days follow the State Council's holiday arrangements through the
`chinesecalendar` package (MIT, maintained, updated each year when the
arrangement for the next year is published): it knows the adjusted working
Saturdays and Sundays (调休) that a plain weekday rule gets wrong. For years it
does not cover yet, the rule falls back to Monday to Friday.
"""

import re
from datetime import date, timedelta

import chinese_calendar
from dateutil.relativedelta import relativedelta
from django.utils import timezone
from django.utils.translation import gettext as _

LATE_FILING_WORKING_DAYS = 5
LONG_CAMPAIGN = relativedelta(months=6)
PROGRESS_INTERVAL = relativedelta(months=3)
FINAL_REPORT_WITHIN = relativedelta(months=3)

# Mainland mobile numbers and resident ID numbers: personal data that must not
# reach the public ledger through free-text reasons or summaries.
_MOBILE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
_ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")


class RuleError(ValueError):
    """A request the rules refuse; `field` names the form or API field at fault."""

    def __init__(self, message, field=None, code="invalid"):
        super().__init__(message)
        self.message, self.field, self.code = str(message), field, code


def today():
    """Today's date in China (Asia/Shanghai), which is what deadlines are counted in."""
    return timezone.localdate()


def is_working_day(day: date) -> bool:
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        return day.weekday() < 5


def working_days_before(filed_on: date, starts_on: date) -> int:
    """Working days from the filing date (inclusive) up to the start (exclusive).

    Filed on a Monday for a start the Monday after: Monday to Friday, 5.
    """
    count, day = 0, filed_on
    while day < starts_on:
        count += is_working_day(day)
        day += timedelta(days=1)
    return count


def is_late_filing(filed_on: date, starts_on: date) -> bool:
    return working_days_before(filed_on, starts_on) < LATE_FILING_WORKING_DAYS


def needs_periodic_progress(campaign) -> bool:
    return campaign.ends_on > campaign.starts_on + LONG_CAMPAIGN


def progress_due_on(campaign, last_period_end):
    """The date by which the next progress report is due, or None if none is due."""
    if not needs_periodic_progress(campaign) or campaign.status not in ("active",):
        return None
    since = max(last_period_end or campaign.starts_on, campaign.starts_on)
    return since + PROGRESS_INTERVAL


def final_report_due_on(campaign):
    if campaign.status not in ("closed", "terminated"):
        return None
    return (campaign.ended_on or campaign.ends_on) + FINAL_REPORT_WITHIN


def assert_no_personal_data(text, field):
    if text and (_MOBILE.search(text) or _ID_NUMBER.search(text)):
        raise RuleError(_("Remove phone numbers and ID numbers: this text is published."), field=field,
                        code="personal_data")


def assert_can_file(organization):
    """A charity may file a campaign only while active and holding the public fundraising qualification."""
    if organization.status != "active":
        raise RuleError(_("%(name)s is %(status)s and cannot file a fundraising campaign.")
                        % {"name": organization.name, "status": organization.get_status_display()},
                        field="organization", code="organization_inactive")
    if not getattr(organization, "public_fundraising_qualified", False):
        raise RuleError(_("%(name)s does not hold the public fundraising qualification and cannot file a "
                          "fundraising campaign.") % {"name": organization.name},
                        field="organization", code="not_qualified")
    check_sanctions(organization.subject, "campaign.file", field="organization")


def check_sanctions(subject, action, field=None):
    """Let the credit lists refuse an action, once the sanctions app exists."""
    try:
        from sanctions.checks import assert_allowed
    except ImportError:
        return
    from django.core.exceptions import PermissionDenied, ValidationError

    try:
        assert_allowed(subject, action)
    except (PermissionDenied, ValidationError, PermissionError, ValueError) as exc:
        if isinstance(exc, RuleError):
            raise
        message = getattr(exc, "message", None) or str(exc)
        raise RuleError(message, field=field, code="sanctioned") from exc
