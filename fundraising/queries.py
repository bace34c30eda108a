"""The read side: what public pages, staff queues and other apps ask of fundraising."""

from dataclasses import dataclass
from datetime import date

from django.db.models import Max, Q

from . import rules
from .models import Campaign, Objection, Platform, ProgressReport, Recommendation, SupervisionRecord


def campaigns_for_organization(org):
    """A charity's campaigns, newest filing first (the charity page lists them)."""
    return (Campaign.objects.filter(organization=org).prefetch_related("platforms")
            .order_by("-filed_on", "-id"))


PUBLIC_SECTIONS = {
    "designated": [Platform.Status.DESIGNATED, Platform.Status.SUSPENDED],
    "notice": [Platform.Status.NOTICE],
    "ended": [Platform.Status.REVOKED, Platform.Status.EXITED],
    "applications": [Platform.Status.APPLIED, Platform.Status.UNDER_REVIEW, Platform.Status.REJECTED],
}


def platforms_in(section):
    return Platform.objects.filter(status__in=PUBLIC_SECTIONS[section]).order_by("batch", "designated_on", "code")


@dataclass
class CampaignFlags:
    late_filing: bool
    progress_due_on: date | None
    progress_overdue: bool
    final_report_due_on: date | None
    final_report_overdue: bool
    has_final_report: bool

    @property
    def any(self):
        return self.late_filing or self.progress_overdue or self.final_report_overdue


def campaign_flags(campaign, on=None, last_period_end=None, has_final=None):
    """The public flags of a campaign on a day (today by default)."""
    on = on or rules.today()
    if last_period_end is None:
        last_period_end = campaign.reports.filter(final=False).aggregate(m=Max("period_end"))["m"]
    if has_final is None:
        has_final = campaign.reports.filter(final=True).exists()
    progress_due = rules.progress_due_on(campaign, last_period_end)
    final_due = None if has_final else rules.final_report_due_on(campaign)
    return CampaignFlags(
        late_filing=campaign.late_filing,
        progress_due_on=progress_due,
        progress_overdue=progress_due is not None and on > progress_due,
        final_report_due_on=final_due,
        final_report_overdue=final_due is not None and on > final_due,
        has_final_report=has_final,
    )


def campaigns_with_flags(campaigns, on=None):
    """Pairs (campaign, flags) computed with two queries whatever the number of campaigns."""
    campaigns = list(campaigns)
    ids = [c.pk for c in campaigns]
    last = dict(ProgressReport.objects.filter(campaign_id__in=ids, final=False).values("campaign_id")
                .annotate(m=Max("period_end")).values_list("campaign_id", "m"))
    finals = set(ProgressReport.objects.filter(campaign_id__in=ids, final=True).values_list("campaign_id", flat=True))
    return [(c, campaign_flags(c, on, last.get(c.pk), c.pk in finals)) for c in campaigns]


def overdue_campaigns(on=None):
    """Campaigns whose progress or final report is overdue (the staff queue; public flags use the same rule)."""
    candidates = Campaign.objects.filter(
        Q(status=Campaign.Status.ACTIVE) | Q(status__in=[Campaign.Status.CLOSED, Campaign.Status.TERMINATED])
    ).select_related("organization")
    return [(c, f) for c, f in campaigns_with_flags(candidates, on) if f.progress_overdue or f.final_report_overdue]


def latest_reports(campaign):
    """The latest report from each source (each platform, and the charity itself), for money raised and spent."""
    latest = {}
    for report in campaign.reports.select_related("platform").order_by("period_end", "id"):
        latest[(report.platform_id, report.final)] = report
    return sorted(latest.values(), key=lambda r: (r.platform.code if r.platform_id else "", r.final))


def donation_totals(campaign):
    """The money view of recorded donations and disbursements (donations.queries), or None.

    The campaign page renders it with templates/donations/_money_view.html.
    """
    try:
        from donations.queries import campaign_totals
    except ImportError:
        return None
    return campaign_totals(campaign)


def staff_queues(user):
    """What waits for staff: each queue only if the user may act on it."""
    queues = {}
    if user.has_perm("fundraising.review_platform"):
        queues["applications"] = Platform.objects.filter(status__in=Platform.PENDING).order_by("applied_on")
        queues["decisions"] = (Recommendation.objects.filter(state=Recommendation.State.OPEN)
                               .exclude(recommended_by=user).select_related("platform", "recommended_by"))
        queues["own_recommendations"] = (Recommendation.objects.filter(state=Recommendation.State.OPEN,
                                                                       recommended_by=user)
                                         .select_related("platform"))
        queues["objections"] = (Objection.objects.filter(answered_at__isnull=True).select_related("platform")
                                .order_by("received_on"))
    if user.has_perm("fundraising.supervise_platform"):
        queues["rectifications"] = (SupervisionRecord.objects.filter(kind=SupervisionRecord.Kind.RECTIFICATION,
                                                                     completed_on__isnull=True)
                                    .select_related("platform").order_by("deadline"))
        queues["suspensions_ended"] = Platform.objects.filter(status=Platform.Status.SUSPENDED,
                                                              suspended_until__lt=rules.today())
    if user.has_perm("fundraising.review_campaign"):
        queues["filings"] = (Campaign.objects.filter(review=Campaign.Review.PENDING).select_related("organization")
                             .order_by("filed_on", "id"))
    if user.has_perm("fundraising.review_campaign") or user.has_perm("fundraising.file_campaign"):
        queues["overdue"] = overdue_campaigns()
    return queues
