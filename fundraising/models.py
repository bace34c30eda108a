"""Platforms, their review and supervision, campaign filings and the API credentials.

Rows change only through fundraising.actions (one ledger entry per change).
Public ids: a platform's `code` (a lowercase slug fixed at application, e.g.
`tencent-gongyi`; ledger subject `platform/<code>`) and a campaign's
`filing_number` (`<credit code><YY><NNN>`; subject `campaign/<filing number>`).
"""

from django.conf import settings
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

CODE_RE = r"[a-z][a-z0-9-]{1,30}[a-z0-9]"
validate_code = RegexValidator(
    f"^{CODE_RE}$",
    _("3 to 32 characters: lowercase letters, digits and hyphens, starting with a letter."),
    code="invalid_code",
)


def iso(value):
    return value.isoformat() if value else None


class Platform(models.Model):
    class Status(models.TextChoices):
        APPLIED = "applied", _("Application received")
        UNDER_REVIEW = "under_review", _("Under review")
        NOTICE = "notice", _("Public notice")
        DESIGNATED = "designated", _("Designated")
        REJECTED = "rejected", _("Rejected")
        SUSPENDED = "suspended", _("Suspended")
        REVOKED = "revoked", _("Designation revoked")
        EXITED = "exited", _("Exited")

    PENDING = (Status.APPLIED, Status.UNDER_REVIEW, Status.NOTICE)
    OPERATING = (Status.DESIGNATED, Status.SUSPENDED)

    code = models.CharField(_("platform code"), max_length=32, unique=True, validators=[validate_code])
    name = models.CharField(_("platform name"), max_length=100)
    operator_name = models.CharField(_("operating company"), max_length=200)
    operator_uscc = models.CharField(_("operating company's credit code"), max_length=18)
    site_url = models.URLField(_("site URL"), max_length=200)
    # Contact person: for staff only, never in the ledger or on public pages.
    contact_name = models.CharField(_("contact person"), max_length=50, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=30, blank=True)
    contact_email = models.EmailField(_("contact email"), blank=True)
    commitments = models.TextField(_("commitments"), max_length=4000)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.APPLIED)
    applied_on = models.DateField(_("applied on"))
    notice_starts_on = models.DateField(_("public notice from"), null=True, blank=True)
    notice_ends_on = models.DateField(_("public notice until"), null=True, blank=True)
    batch = models.PositiveSmallIntegerField(_("batch"), null=True, blank=True)
    designated_on = models.DateField(_("designated on"), null=True, blank=True)
    suspended_until = models.DateField(_("suspended until"), null=True, blank=True)
    decision_reason = models.TextField(_("reason of the latest decision"), blank=True)
    ended_on = models.DateField(_("revoked or exited on"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("fundraising platform")
        verbose_name_plural = _("fundraising platforms")
        ordering = ["batch", "designated_on", "code"]
        permissions = [
            ("review_platform", _("Can review platform applications and take designation decisions")),
            ("supervise_platform", _("Can record supervision of designated platforms")),
            ("manage_api_keys", _("Can issue and revoke platform API keys")),
        ]

    def __str__(self):
        return f"{self.name} ({self.code})"

    @property
    def subject(self):
        return f"platform/{self.code}"

    @property
    def actor(self):
        return f"platform/{self.code}"

    @property
    def can_use_api(self):
        return self.status == self.Status.DESIGNATED

    def get_absolute_url(self):
        return reverse("platform-detail", args=[self.code])

    def public_state(self):
        """The platform's public facts (no contact person)."""
        return {
            "code": self.code,
            "name": self.name,
            "operator_name": self.operator_name,
            "operator_uscc": self.operator_uscc,
            "site_url": self.site_url,
            "commitments": self.commitments,
            "status": self.status,
            "applied_on": iso(self.applied_on),
            "notice_starts_on": iso(self.notice_starts_on),
            "notice_ends_on": iso(self.notice_ends_on),
            "batch": self.batch,
            "designated_on": iso(self.designated_on),
            "suspended_until": iso(self.suspended_until),
            "ended_on": iso(self.ended_on),
        }


class Recommendation(models.Model):
    """The first pair of eyes: a reviewer's recommendation that a second reviewer decides on."""

    class Outcome(models.TextChoices):
        DESIGNATE = "designate", _("Designate")
        REJECT = "reject", _("Reject")
        REVOKE = "revoke", _("Revoke the designation")
        EXIT = "exit", _("Accept the platform's exit")

    class State(models.TextChoices):
        OPEN = "open", _("Awaiting decision")
        APPROVED = "approved", _("Approved")
        DECLINED = "declined", _("Declined")

    platform = models.ForeignKey(Platform, on_delete=models.PROTECT, related_name="recommendations")
    outcome = models.CharField(_("recommended outcome"), max_length=20, choices=Outcome.choices)
    reason = models.TextField(_("reason"))
    recommended_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recommended_at = models.DateTimeField()
    state = models.CharField(max_length=20, choices=State.choices, default=State.OPEN)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-recommended_at"]
        constraints = [
            # At most one open recommendation per platform: the decider always knows what is being decided.
            models.UniqueConstraint(fields=["platform"], condition=models.Q(state="open"),
                                    name="fundraising_one_open_recommendation"),
        ]


class Objection(models.Model):
    """An objection received during the public notice, recorded (without personal data) and answered."""

    platform = models.ForeignKey(Platform, on_delete=models.PROTECT, related_name="objections")
    received_on = models.DateField(_("received on"))
    summary = models.TextField(_("summary of the objection"), max_length=2000)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    answer = models.TextField(_("answer"), max_length=2000, blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["received_on", "id"]

    @property
    def is_answered(self):
        return self.answered_at is not None


class SupervisionRecord(models.Model):
    """A talk, a rectification order, a suspension or a reinstatement, as the public sees it."""

    class Kind(models.TextChoices):
        TALK = "talk", _("Talk (约谈)")
        RECTIFICATION = "rectification", _("Rectification order")
        SUSPENSION = "suspension", _("Suspension")
        REINSTATEMENT = "reinstatement", _("Reinstatement")

    platform = models.ForeignKey(Platform, on_delete=models.PROTECT, related_name="supervision")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    on = models.DateField(_("date"))
    reason = models.TextField(_("reason"), max_length=2000)
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    completed_on = models.DateField(_("rectified on"), null=True, blank=True)
    completion_note = models.TextField(blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-on", "-id"]


class ApiKey(models.Model):
    """A platform's API key: `cck_<prefix>_<secret>`; only SHA-256 of the whole key is kept."""

    platform = models.ForeignKey(Platform, on_delete=models.PROTECT, related_name="api_keys")
    prefix = models.CharField(max_length=12, unique=True)
    key_hash = models.CharField(max_length=64)
    label = models.CharField(_("label"), max_length=100, blank=True)
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")

    def __str__(self):
        return f"cck_{self.prefix}_… ({self.platform.code})"

    @property
    def is_active(self):
        return self.revoked_at is None


class KeyUse(models.Model):
    """One row per authenticated (or refused) API request made with a key."""

    ledger_exempt = "an operational access log; it changes no public record"

    key = models.ForeignKey(ApiKey, on_delete=models.PROTECT, related_name="uses")
    at = models.DateTimeField(db_index=True)
    method = models.CharField(max_length=10)
    path = models.CharField(max_length=200)
    status_code = models.PositiveSmallIntegerField()
    items = models.PositiveIntegerField(default=0)
    remote_addr = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        ordering = ["-at"]
        indexes = [models.Index(fields=["key", "at"], name="fundraising_keyuse_key_at")]


class Campaign(models.Model):
    class Status(models.TextChoices):
        FILED = "filed", pgettext_lazy("campaign status", "Filed")
        ACTIVE = "active", pgettext_lazy("campaign status", "Active")
        CLOSED = "closed", pgettext_lazy("campaign status", "Closed")
        TERMINATED = "terminated", pgettext_lazy("campaign status", "Terminated")

    class Review(models.TextChoices):
        PENDING = "pending", _("Awaiting review")
        ACCEPTED = "accepted", _("Accepted")
        CORRECTION = "correction", _("Correction requested")

    filing_number = models.CharField(_("filing number"), max_length=24, unique=True)
    organization = models.ForeignKey("organizations.Organization", on_delete=models.PROTECT,
                                     related_name="campaigns")
    title = models.CharField(_("title"), max_length=200)
    purpose = models.TextField(_("purpose"), max_length=4000)
    target_fen = models.BigIntegerField(_("target (fen)"), validators=[MinValueValidator(1)])
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    region_code = models.CharField(_("region code"), max_length=6)
    platforms = models.ManyToManyField(Platform, related_name="campaigns", verbose_name=_("platforms"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.FILED)
    filed_on = models.DateField(_("filed on"))
    late_filing = models.BooleanField(_("filed late"), default=False)
    working_days_before_start = models.IntegerField(default=0)
    review = models.CharField(_("review"), max_length=20, choices=Review.choices, default=Review.PENDING)
    review_note = models.TextField(blank=True)
    ended_on = models.DateField(_("closed or terminated on"), null=True, blank=True)
    termination_reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-filed_on", "-id"]
        verbose_name = _("campaign filing")
        verbose_name_plural = _("campaign filings")
        constraints = [
            models.CheckConstraint(condition=models.Q(ends_on__gte=models.F("starts_on")),
                                   name="fundraising_campaign_ends_after_start"),
            models.CheckConstraint(condition=models.Q(target_fen__gt=0), name="fundraising_campaign_target_positive"),
        ]
        permissions = [
            ("file_campaign", _("Can record campaign filings and reports received from charities")),
            ("review_campaign", _("Can review and terminate campaign filings")),
        ]

    def __str__(self):
        return f"{self.filing_number} {self.title}"

    @property
    def subject(self):
        return f"campaign/{self.filing_number}"

    def get_absolute_url(self):
        return reverse("campaign-detail", args=[self.filing_number])

    def public_state(self, platform_codes=None):
        if platform_codes is None:
            platform_codes = sorted(p.code for p in self.platforms.all())
        return {
            "filing_number": self.filing_number,
            "organization_uscc": self.organization.uscc,
            "organization_name": self.organization.name,
            "title": self.title,
            "purpose": self.purpose,
            "target_fen": self.target_fen,
            "starts_on": iso(self.starts_on),
            "ends_on": iso(self.ends_on),
            "region_code": self.region_code,
            "platforms": platform_codes,
            "status": self.status,
            "filed_on": iso(self.filed_on),
            "late_filing": self.late_filing,
            "working_days_before_start": self.working_days_before_start,
            "review": self.review,
            "ended_on": iso(self.ended_on),
        }


class ProgressReport(models.Model):
    """A progress or final report on a campaign, from a platform (API) or the charity (via staff)."""

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="reports")
    platform = models.ForeignKey(Platform, on_delete=models.PROTECT, null=True, blank=True, related_name="reports")
    external_id = models.CharField(max_length=64, null=True, blank=True)
    payload_hash = models.CharField(max_length=64, blank=True)
    final = models.BooleanField(default=False)
    period_end = models.DateField(_("period ending"))
    raised_fen = models.BigIntegerField(_("raised (fen)"), validators=[MinValueValidator(0)])
    spent_fen = models.BigIntegerField(_("spent (fen)"), validators=[MinValueValidator(0)])
    donations_count = models.PositiveIntegerField(_("number of donations"), null=True, blank=True)
    summary = models.TextField(_("summary"), max_length=4000, blank=True)
    reported_at = models.DateTimeField()

    class Meta:
        ordering = ["period_end", "id"]
        constraints = [
            # Idempotency of platform reports, also under concurrent retries.
            models.UniqueConstraint(fields=["platform", "external_id"], name="fundraising_report_platform_external"),
            models.CheckConstraint(condition=models.Q(raised_fen__gte=0, spent_fen__gte=0),
                                   name="fundraising_report_amounts_nonnegative"),
        ]
        indexes = [models.Index(fields=["campaign", "period_end"], name="fundraising_report_campaign")]

    def public_state(self):
        return {
            "report_id": self.pk,
            "platform": self.platform.code if self.platform_id else None,
            "platform_report_id": self.external_id,
            "final": self.final,
            "period_end": iso(self.period_end),
            "raised_fen": self.raised_fen,
            "spent_fen": self.spent_fen,
            "donations_count": self.donations_count,
            "summary": self.summary,
        }
