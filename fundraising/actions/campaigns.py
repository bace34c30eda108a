"""Campaign filings (募捐方案备案), their status, review and the charity's reports.

Filing number: the charity's credit code, the two-digit year of filing and a
three-digit sequence within that charity and year, e.g.
`53100000500019111X26001` (23 characters of A-Z and 0-9, safe in a URL). The
ledger subject is `campaign/<filing number>`.
"""

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

import ledger
from organizations import regions

from ..models import Campaign, Platform, ProgressReport
from ..rules import RuleError, assert_can_file, is_late_filing, today, working_days_before
from .common import clean_text, require_perm, staff_actor, wrong_state

C = Campaign.Status
MAX_TARGET_FEN = 10**15  # 10 trillion yuan: far above any real campaign, far below 2^53


def _append(kind, campaign, actor, **facts):
    data = campaign.public_state()
    data.update(facts)
    return ledger.append(kind, campaign.subject, actor, data)


def _next_filing_number(organization, filed_on):
    stem = f"{organization.uscc}{filed_on.year % 100:02d}"
    last = (Campaign.objects.filter(filing_number__startswith=stem).order_by("-filing_number")
            .values_list("filing_number", flat=True).first())
    n = int(last[-3:]) + 1 if last else 1
    if n > 999:
        raise RuleError(_("This charity has filed 999 campaigns this year; no more numbers are left."),
                        field="organization", code="numbers_exhausted")
    return f"{stem}{n:03d}"


def validate_region(code):
    code = (code or "").strip()
    if not regions.is_valid(code):
        raise RuleError(_("Not a valid region code (6 digits, GB/T 2260)."), field="region_code", code="invalid")
    return code


def file_campaign(user, organization, *, title, purpose, target_fen, starts_on, ends_on, region_code, platforms):
    """Record a charity's filing; flags it when fewer than 5 working days precede the start."""
    require_perm(user, "file_campaign")
    assert_can_file(organization)
    title = clean_text(title, "title", max_length=200)
    purpose = clean_text(purpose, "purpose", max_length=4000)
    if not isinstance(target_fen, int) or not 0 < target_fen <= MAX_TARGET_FEN:
        raise RuleError(_("The target must be a positive whole number of fen."), field="target_fen", code="invalid")
    if starts_on is None or ends_on is None:
        raise RuleError(_("Give the start and end dates."), field="starts_on" if starts_on is None else "ends_on",
                        code="required")
    if ends_on < starts_on:
        raise RuleError(_("The end date cannot be before the start date."), field="ends_on", code="invalid_date")
    filed_on = today()
    if ends_on < filed_on:
        raise RuleError(_("The campaign has ended already."), field="ends_on", code="invalid_date")
    region_code = validate_region(region_code)
    platforms = list(platforms)
    if not platforms:
        raise RuleError(_("Choose at least one platform the campaign runs on."), field="platforms", code="required")
    for platform in platforms:
        if platform.status != Platform.Status.DESIGNATED:
            raise RuleError(_("%(name)s is not a designated platform in good standing.") % {"name": platform.name},
                            field="platforms", code="platform_not_designated")
    for _attempt in range(3):
        try:
            with transaction.atomic():
                campaign = Campaign.objects.create(
                    filing_number=_next_filing_number(organization, filed_on), organization=organization,
                    title=title, purpose=purpose, target_fen=target_fen, starts_on=starts_on, ends_on=ends_on,
                    region_code=region_code, filed_on=filed_on, late_filing=is_late_filing(filed_on, starts_on),
                    working_days_before_start=working_days_before(filed_on, starts_on))
                campaign.platforms.set(platforms)
                _append("campaign.filed", campaign, staff_actor(user))
                if starts_on <= filed_on:
                    _activate(campaign)
            return campaign
        except IntegrityError:
            continue  # another filing of the same charity took the number: count again
    raise RuleError(_("Could not assign a filing number; try again."), field="organization", code="busy")


def _activate(campaign):
    campaign.status = C.ACTIVE
    campaign.save(update_fields=["status"])
    _append("campaign.activated", campaign, "system")


def update_statuses(on=None):
    """Start campaigns whose start date has come and close those past their end (actor `system`)."""
    on = on or today()
    changed = 0
    for campaign in Campaign.objects.filter(status=C.FILED, starts_on__lte=on).select_related("organization"):
        with transaction.atomic():
            campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
            if campaign.status == C.FILED:
                _activate(campaign)
                changed += 1
    for campaign in Campaign.objects.filter(status__in=[C.FILED, C.ACTIVE], ends_on__lt=on):
        with transaction.atomic():
            campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
            if campaign.status in (C.FILED, C.ACTIVE):
                campaign.status, campaign.ended_on = C.CLOSED, campaign.ends_on
                campaign.save(update_fields=["status", "ended_on"])
                _append("campaign.closed", campaign, "system")
                changed += 1
    return changed


def review_campaign(user, campaign, outcome, note):
    """Staff review of a filing: accept it, or ask the charity for a correction."""
    require_perm(user, "review_campaign")
    note = clean_text(note, "note")
    if outcome not in (Campaign.Review.ACCEPTED, Campaign.Review.CORRECTION):
        raise RuleError(_("Choose a valid outcome."), field="outcome", code="invalid_choice")
    with transaction.atomic():
        campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
        campaign.review, campaign.review_note = outcome, note
        campaign.save(update_fields=["review", "review_note"])
        _append("campaign.reviewed", campaign, staff_actor(user), reason=note)
    return campaign


def terminate_campaign(user, campaign, reason):
    require_perm(user, "review_campaign")
    reason = clean_text(reason, "reason")
    with transaction.atomic():
        campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
        if campaign.status not in (C.FILED, C.ACTIVE):
            wrong_state(campaign, [C.FILED, C.ACTIVE])
        campaign.status, campaign.ended_on, campaign.termination_reason = C.TERMINATED, today(), reason
        campaign.save(update_fields=["status", "ended_on", "termination_reason"])
        _append("campaign.terminated", campaign, staff_actor(user), reason=reason)
    return campaign


def record_report(user, campaign, *, period_end, raised_fen, spent_fen, summary="", donations_count=None,
                  final=False):
    """A progress or final report the charity submitted, recorded by staff."""
    require_perm(user, "file_campaign")
    summary = clean_text(summary, "summary", required=final, max_length=4000)
    for field, value in (("raised_fen", raised_fen), ("spent_fen", spent_fen)):
        if not isinstance(value, int) or not 0 <= value <= MAX_TARGET_FEN:
            raise RuleError(_("Give a whole, non-negative number of fen."), field=field, code="invalid")
    if period_end is None or period_end > today():
        raise RuleError(_("The reporting date cannot be in the future."), field="period_end", code="invalid_date")
    with transaction.atomic():
        campaign = Campaign.objects.select_for_update().select_related("organization").get(pk=campaign.pk)
        if final:
            if campaign.status not in (C.CLOSED, C.TERMINATED):
                wrong_state(campaign, [C.CLOSED, C.TERMINATED], field="final")
            if campaign.reports.filter(final=True).exists():
                raise RuleError(_("The final report has been recorded already."), field="final", code="duplicate")
        elif campaign.status != C.ACTIVE:
            wrong_state(campaign, [C.ACTIVE])
        if period_end < campaign.starts_on:
            raise RuleError(_("The reporting date cannot be before the campaign starts."), field="period_end",
                            code="invalid_date")
        report = ProgressReport.objects.create(campaign=campaign, final=final, period_end=period_end,
                                               raised_fen=raised_fen, spent_fen=spent_fen, summary=summary,
                                               donations_count=donations_count, reported_at=timezone.now())
        kind = "campaign.final_report" if final else "campaign.progress_reported"
        ledger.append(kind, campaign.subject, staff_actor(user),
                      {"filing_number": campaign.filing_number, "report": report.public_state()})
    return report
