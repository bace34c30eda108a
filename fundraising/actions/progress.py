"""Progress reports sent by platforms through the API, via the batch machinery (fundraising.batch).

Each accepted report appends `campaign.progress_reported` to the campaign's
history with actor `platform/<code>`.
"""

import re
from datetime import date

from django.utils import timezone
from django.utils.translation import gettext as _

from .. import batch
from ..models import Campaign, ProgressReport
from ..rules import today
from .campaigns import MAX_TARGET_FEN

REPORTABLE = (Campaign.Status.ACTIVE, Campaign.Status.CLOSED, Campaign.Status.TERMINATED)


class ProgressSpec:
    model = ProgressReport
    select_related = ("campaign",)

    def __init__(self, item_serializer, filing_number=None):
        self.item_serializer = item_serializer
        self.filing_number = filing_number  # set when the URL names the campaign
        self._urls = {}

    def clean_item(self, raw):
        """The checks of api.serializers.ProgressItemSerializer, without DRF's per-item cost.

        JSON types are taken strictly: an amount must be a JSON integer, not "100".
        """
        item = {"external_id": _text(raw, "external_id", EXTERNAL_ID)}
        if self.filing_number is None:
            item["filing_number"] = _text(raw, "filing_number", FILING_NUMBER)
        period_end = raw.get("period_end")
        if not isinstance(period_end, str) or not ISO_DATE.fullmatch(period_end):
            raise batch.ItemRejected("invalid", _("Enter a date as YYYY-MM-DD."), "period_end")
        try:
            item["period_end"] = date.fromisoformat(period_end)
        except ValueError:
            raise batch.ItemRejected("invalid", _("Enter a date as YYYY-MM-DD."), "period_end")
        for name in ("raised_fen", "spent_fen"):
            item[name] = _integer(raw.get(name), name, MAX_TARGET_FEN)
        count = raw.get("donations_count")
        item["donations_count"] = None if count is None else _integer(count, "donations_count", 2**31 - 1)
        summary = raw.get("summary", "")
        if not isinstance(summary, str) or len(summary) > 4000:
            raise batch.ItemRejected("invalid", _("Text of at most 4,000 characters."), "summary")
        item["summary"] = summary
        return item

    def prepare(self, platform, items):
        numbers = {self.filing_number or item["filing_number"] for item in items}
        # Only campaigns running on this platform are visible: another platform's campaign is "not found".
        campaigns = (Campaign.objects.filter(filing_number__in=numbers, platforms=platform)
                     .select_related("organization"))
        return {"campaigns": {c.filing_number: c for c in campaigns}, "today": today(), "now": timezone.now()}

    def build(self, platform, item, context):
        number = self.filing_number or item["filing_number"]
        campaign = context["campaigns"].get(number)
        if campaign is None:
            raise batch.ItemRejected("campaign_not_found",
                                     _("No campaign %(n)s runs on this platform.") % {"n": number}, "filing_number")
        if campaign.status not in REPORTABLE:
            raise batch.ItemRejected("campaign_not_started",
                                     _("The campaign has not started; report after %(d)s.")
                                     % {"d": campaign.starts_on.isoformat()}, "filing_number")
        period_end = item["period_end"]
        if period_end < campaign.starts_on or period_end > context["today"]:
            raise batch.ItemRejected("invalid_date",
                                     _("period_end must lie between the campaign's start and today."), "period_end")
        return ProgressReport(campaign=campaign, period_end=period_end, raised_fen=item["raised_fen"],
                              spent_fen=item["spent_fen"], donations_count=item.get("donations_count"),
                              summary=item.get("summary", ""), reported_at=context["now"])

    def entry(self, platform, row):
        return ("campaign.progress_reported", row.campaign.subject, platform.actor,
                {"filing_number": row.campaign.filing_number, "report": row.public_state()})

    def result(self, row):
        number = row.campaign.filing_number
        if number not in self._urls:
            self._urls[number] = row.campaign.get_absolute_url()
        return {"report_id": row.pk, "filing_number": number, "campaign_url": self._urls[number]}


EXTERNAL_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,63}")
FILING_NUMBER = re.compile(r"[0-9A-Z]{1,24}")
ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _text(raw, name, pattern):
    value = raw.get(name)
    if not isinstance(value, str) or not pattern.fullmatch(value):
        raise batch.ItemRejected("invalid", _("Required; this value does not have the expected form."), name)
    return value


def _integer(value, name, maximum):
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= maximum:
        raise batch.ItemRejected("invalid", _("Enter a whole number from 0 to %(max)d.") % {"max": maximum}, name)
    return value


def report_progress(platform, items, item_serializer, filing_number=None):
    """Ingest progress reports for `platform`; returns a batch.BatchOutcome."""
    return batch.process(platform, items, ProgressSpec(item_serializer, filing_number))
