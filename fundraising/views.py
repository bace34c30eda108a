"""Public pages: the platforms, one platform, the campaigns, one campaign. No login."""

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from ledger.pages import ledger_history
from sanctions.queries import badges_for, decisions_for

from . import queries
from .models import Campaign, Platform

SECTIONS = {"designated": gettext_lazy("Designated"), "notice": gettext_lazy("In public notice"),
            "ended": gettext_lazy("Revoked or exited"), "applications": gettext_lazy("Applications")}


@require_GET
def platform_list(request):
    section = request.GET.get("show", "designated")
    if section not in SECTIONS:
        section = "designated"
    tabs = [(name, label, queries.platforms_in(name).count()) for name, label in SECTIONS.items()]
    return render(request, "fundraising/platform_list.html",
                  {"platforms": queries.platforms_in(section), "section": section, "tabs": tabs})


@require_GET
def platform_detail(request, code):
    if len(code) > 32:
        raise Http404(_("No such platform."))
    platform = get_object_or_404(Platform, code=code)
    campaigns = (platform.campaigns.select_related("organization").filter(status__in=["filed", "active"])
                 .order_by("starts_on")[:50])
    return render(request, "fundraising/platform_detail.html", {
        "platform": platform,
        "objections": platform.objections.all(),
        "supervision": platform.supervision.all(),
        "campaigns": campaigns,
        "history": ledger_history(platform.subject),
        "badges": badges_for(platform.subject),
        "sanction_decisions": decisions_for(platform.subject),
    })


@require_GET
def campaign_list(request):
    campaigns = Campaign.objects.select_related("organization").order_by("-filed_on", "-id")
    status = request.GET.get("status")
    if status in Campaign.Status.values:
        campaigns = campaigns.filter(status=status)
    else:
        status = None
    page = Paginator(campaigns, 30).get_page(request.GET.get("page"))
    return render(request, "fundraising/campaign_list.html", {
        "page": page, "status": status, "statuses": Campaign.Status.choices,
        "pairs": queries.campaigns_with_flags(page.object_list)})


@require_GET
def campaign_detail(request, filing_number):
    if len(filing_number) > 24:
        raise Http404(_("No such campaign."))
    campaign = get_object_or_404(Campaign.objects.select_related("organization").prefetch_related("platforms"),
                                 filing_number=filing_number)
    return render(request, "fundraising/campaign_detail.html", {
        "campaign": campaign,
        "flags": queries.campaign_flags(campaign),
        "reports": campaign.reports.select_related("platform"),
        "latest": queries.latest_reports(campaign),
        "donations": queries.donation_totals(campaign),
        "history": ledger_history(campaign.subject),
    })
