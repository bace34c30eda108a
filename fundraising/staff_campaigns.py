"""Staff pages for campaign filings: record a filing, review it, terminate it, record reports."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ledger.pages import ledger_history

from . import forms, queries
from .actions import campaigns as actions
from .models import Campaign
from .rules import RuleError
from .staff_views import staff_required


def _error(form, exc):
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)


@staff_required
def campaign_list(request):
    campaigns = Campaign.objects.select_related("organization").order_by("-filed_on", "-id")
    review = request.GET.get("review")
    if review in Campaign.Review.values:
        campaigns = campaigns.filter(review=review)
    page = Paginator(campaigns, 50).get_page(request.GET.get("page"))
    return render(request, "staff/campaign_list.html", {"page": page, "review": review,
                                                        "pairs": queries.campaigns_with_flags(page.object_list)})


@staff_required
def campaign_new(request):
    if not request.user.has_perm("fundraising.file_campaign"):
        raise PermissionDenied
    form = forms.CampaignFilingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            campaign = actions.file_campaign(
                request.user, d["organization"], title=d["title"], purpose=d["purpose"],
                target_fen=forms.yuan_to_fen(d["target_yuan"]), starts_on=d["starts_on"], ends_on=d["ends_on"],
                region_code=d["region_code"], platforms=d["platforms"])
        except RuleError as exc:
            _error(form, exc)
        else:
            if campaign.late_filing:
                messages.warning(request, _("Filed %(n)s, flagged as late: only %(d)d working days before the start.")
                                 % {"n": campaign.filing_number, "d": campaign.working_days_before_start})
            else:
                messages.success(request, _("Filed with number %(n)s.") % {"n": campaign.filing_number})
            return redirect("staff-campaign", campaign.filing_number)
    return render(request, "staff/campaign_new.html", {"form": form}, status=400 if form.errors else 200)


def _context(request, campaign, bound=None):
    user = request.user
    ctx = {"campaign": campaign, "flags": queries.campaign_flags(campaign),
           "reports": campaign.reports.select_related("platform"), "history": ledger_history(campaign.subject),
           "can_review": user.has_perm("fundraising.review_campaign"),
           "can_file": user.has_perm("fundraising.file_campaign"),
           "review_form": forms.CampaignReviewForm(prefix="review"),
           "terminate_form": forms.ReasonForm(prefix="terminate"),
           "report_form": forms.ReportForm(prefix="report")}
    if bound:
        ctx[f"{bound[0]}_form"] = bound[1]
    return ctx


def _campaign(filing_number):
    return get_object_or_404(Campaign.objects.select_related("organization").prefetch_related("platforms"),
                             filing_number=filing_number)


@staff_required
def campaign_detail(request, filing_number):
    return render(request, "staff/campaign_detail.html", _context(request, _campaign(filing_number)))


def _run(user, campaign, action, d):
    if action == "review":
        actions.review_campaign(user, campaign, d["outcome"], d["note"])
    elif action == "terminate":
        actions.terminate_campaign(user, campaign, d["reason"])
    else:
        actions.record_report(user, campaign, period_end=d["period_end"],
                              raised_fen=forms.yuan_to_fen(d["raised_yuan"]),
                              spent_fen=forms.yuan_to_fen(d["spent_yuan"]), summary=d["summary"],
                              donations_count=d["donations_count"], final=d["final"])


ACTIONS = {"review": (forms.CampaignReviewForm, "review_campaign"), "terminate": (forms.ReasonForm, "review_campaign"),
           "report": (forms.ReportForm, "file_campaign")}


@require_POST
@staff_required
def campaign_action(request, filing_number, action):
    campaign = _campaign(filing_number)
    if action not in ACTIONS:
        raise PermissionDenied(_("Unknown action."))
    form_class, perm = ACTIONS[action]
    if not request.user.has_perm(f"fundraising.{perm}"):
        raise PermissionDenied
    form = form_class(request.POST, prefix=action)
    if form.is_valid():
        try:
            _run(request.user, campaign, action, form.cleaned_data)
        except RuleError as exc:
            _error(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("staff-campaign", campaign.filing_number)
    return render(request, "staff/campaign_detail.html", _context(request, campaign, bound=(action, form)), status=400)
