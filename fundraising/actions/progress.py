"""Progress reports sent by platforms through the API, via the batch machinery (fundraising.batch).

Each accepted report appends `campaign.progress_reported` to the campaign's
history with actor `platform/<code>`.
"""

from django.utils import timezone
from django.utils.translation import gettext as _

from .. import batch
from ..models import Campaign, ProgressReport
from ..rules import today

REPORTABLE = (Campaign.Status.ACTIVE, Campaign.Status.CLOSED, Campaign.Status.TERMINATED)


class ProgressSpec:
    model = ProgressReport
    select_related = ("campaign",)

    def __init__(self, item_serializer, filing_number=None):
        self.item_serializer = item_serializer
        self.filing_number = filing_number  # set when the URL names the campaign

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
        return {"report_id": row.pk, "filing_number": row.campaign.filing_number,
                "campaign_url": row.campaign.get_absolute_url()}


def report_progress(platform, items, item_serializer, filing_number=None):
    """Ingest progress reports for `platform`; returns a batch.BatchOutcome."""
    return batch.process(platform, items, ProgressSpec(item_serializer, filing_number))
