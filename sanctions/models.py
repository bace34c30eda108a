"""Credit-list decisions, their evidence and appeals.

A decision names its party by the ledger subject id (`organization/<uscc>`,
`platform/<code>`, `person/<keyed hash>`) with a snapshot of the name, so this
app imports no domain app. Rows change only through sanctions.actions, each
change with its ledger entry on `sanction/<public id>`; nothing is ever deleted:
a removal ends a decision and keeps it.
"""

from datetime import date

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


def iso(value):
    return value.isoformat() if value else None


class ListKind(models.TextChoices):
    ABNORMAL = "abnormal", _("Abnormal-activity list")
    SERIOUS = "serious", _("Serious-dishonesty list")
    RED = "red", _("Red list (joint incentives)")


class SubjectType(models.TextChoices):
    ORGANIZATION = "organization", _("Charity")
    PLATFORM = "platform", _("Fundraising platform")
    PERSON = "person", _("Person")


# Which parties each list takes. The abnormal-activity list is about an
# organisation's own duties (annual report, address, rectification).
LIST_SUBJECT_TYPES = {
    ListKind.ABNORMAL: {SubjectType.ORGANIZATION, SubjectType.PLATFORM},
    ListKind.SERIOUS: {SubjectType.ORGANIZATION, SubjectType.PLATFORM, SubjectType.PERSON},
    ListKind.RED: {SubjectType.ORGANIZATION, SubjectType.PLATFORM, SubjectType.PERSON},
}


class Ground(models.TextChoices):
    MISSED_ANNUAL_REPORT = "missed_annual_report", _("Annual report not filed")
    UNREACHABLE = "unreachable", _("Unreachable at the registered address")
    UNFINISHED_RECTIFICATION = "unfinished_rectification", _("Rectification not completed")
    ABNORMAL_TWO_YEARS = "abnormal_two_years", _("Two years on the abnormal-activity list")
    FRAUDULENT_REGISTRATION = "fraudulent_registration", _("Registration obtained by fraud")
    DISHONEST_DEBTOR = "dishonest_debtor", _("Court finding of a dishonest judgment debtor")
    DONATION_FRAUD = "donation_fraud", _("Donation fraud")
    RESPONSIBLE_PERSON = "responsible_person", _("Person responsible for a listed charity")
    OTHER_VIOLATION = "other_violation", _("Other serious violation")
    HONOUR = "honour", _("Honour or award")
    TOP_RATING = "top_rating", _("Top assessment rating (5A)")


LIST_GROUNDS = {
    ListKind.ABNORMAL: [Ground.MISSED_ANNUAL_REPORT, Ground.UNREACHABLE, Ground.UNFINISHED_RECTIFICATION],
    ListKind.SERIOUS: [Ground.ABNORMAL_TWO_YEARS, Ground.FRAUDULENT_REGISTRATION, Ground.DISHONEST_DEBTOR,
                       Ground.DONATION_FRAUD, Ground.RESPONSIBLE_PERSON, Ground.OTHER_VIOLATION],
    ListKind.RED: [Ground.HONOUR, Ground.TOP_RATING],
}


class Decision(models.Model):
    class Status(models.TextChoices):
        IN_FORCE = "in_force", _("In force")
        REMOVED = "removed", _("Removed")
        EXPIRED = "expired", _("Expired")
        ESCALATED = "escalated", _("Moved to the serious-dishonesty list")

    class EndReason(models.TextChoices):
        RECTIFIED = "rectified", _("Rectified")
        EXPIRED = "expired", _("Term expired")
        OVERTURNED = "overturned", _("Decision overturned on appeal")
        ESCALATED = "escalated", _("Moved to the serious-dishonesty list")
        WITHDRAWN = "withdrawn", _("Honour withdrawn")

    public_id = models.CharField(_("decision id"), max_length=20, unique=True)
    list_kind = models.CharField(_("list"), max_length=16, choices=ListKind.choices, db_index=True)
    ground = models.CharField(_("ground"), max_length=32, choices=Ground.choices)
    subject = models.CharField(_("listed party (ledger subject)"), max_length=200, db_index=True)
    subject_type = models.CharField(_("party type"), max_length=16, choices=SubjectType.choices)
    subject_name = models.CharField(_("name of the party"), max_length=200)
    # Credit code, platform code, or the masked ID number of a person: never a full ID number.
    subject_code = models.CharField(_("code of the party"), max_length=64)
    decision_no = models.CharField(_("decision number"), max_length=100)
    authority = models.CharField(_("deciding authority"), max_length=200)
    legal_basis = models.TextField(_("legal basis"))
    facts = models.TextField(_("facts"))
    effective_on = models.DateField(_("effective from"))
    expires_on = models.DateField(_("listed until (exclusive)"), null=True, blank=True)
    removal_conditions = models.TextField(_("conditions for removal"), blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.IN_FORCE,
                              db_index=True)
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    end_reason = models.CharField(_("reason for ending"), max_length=16, choices=EndReason.choices, blank=True)
    end_note = models.TextField(_("explanation"), blank=True)
    escalated_from = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT,
                                       related_name="escalations")
    created_by = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("credit decision")
        verbose_name_plural = _("credit decisions")
        ordering = ["-effective_on", "-id"]
        default_permissions = ("view",)
        permissions = [("manage_sanctions", "Can list and remove parties on the credit lists")]
        indexes = [models.Index(fields=["subject", "status"], name="sanction_subject_status")]

    def __str__(self):
        return f"{self.public_id} {self.list_kind} {self.subject_name}"

    @property
    def ledger_subject(self):
        return f"sanction/{self.public_id}"

    def get_absolute_url(self):
        return reverse("sanctions:detail", args=[self.public_id])

    def in_force_on(self, day: date) -> bool:
        return (self.status == self.Status.IN_FORCE and self.effective_on <= day
                and (self.expires_on is None or day < self.expires_on))

    def public_state(self):
        """What the ledger records: the decision's public facts; a person only masked and hashed."""
        return {
            "id": self.public_id,
            "list": self.list_kind,
            "ground": self.ground,
            "party": self.subject,
            "party_type": self.subject_type,
            "party_name": self.subject_name,
            "party_code": self.subject_code,
            "decision_no": self.decision_no,
            "authority": self.authority,
            "legal_basis": self.legal_basis,
            "facts": self.facts,
            "effective_on": iso(self.effective_on),
            "expires_on": iso(self.expires_on),
            "removal_conditions": self.removal_conditions,
            "status": self.status,
            "ended_on": iso(self.ended_on),
            "end_reason": self.end_reason,
            "end_note": self.end_note,
            "escalated_from": self.escalated_from.public_id if self.escalated_from_id else None,
            "evidence": [e.public_state() for e in self.evidence.order_by("id")],
            "appeals": [a.brief_state() for a in self.appeals.order_by("number")],
        }


def evidence_path(instance, filename):
    # The stored name is the content hash: an uploaded file name can carry personal data.
    return f"sanctions/evidence/{instance.sha256[:2]}/{instance.sha256}"


class Evidence(models.Model):
    """A file behind a decision. Kept for staff; the public sees its SHA-256 in the ledger."""

    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="evidence")
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(upload_to=evidence_path, max_length=200)
    sha256 = models.CharField(max_length=64)
    size = models.BigIntegerField()
    content_type = models.CharField(max_length=100)
    added_by = models.CharField(max_length=200)
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")
        default_permissions = ("view",)

    def public_state(self):
        return {"title": self.title, "sha256": self.sha256, "size": self.size, "content_type": self.content_type}


class Appeal(models.Model):
    class Kind(models.TextChoices):
        OBJECTION = "objection", _("Objection to the listing")
        RECONSIDERATION = "reconsideration", _("Administrative reconsideration")
        LITIGATION = "litigation", _("Administrative litigation")

    class Outcome(models.TextChoices):
        PENDING = "pending", _("Pending")
        UPHELD = "upheld", _("Decision upheld")
        OVERTURNED = "overturned", _("Decision overturned")

    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="appeals")
    # 1, 2, ... within its decision: what the ledger and pages call it.
    number = models.PositiveIntegerField()
    kind = models.CharField(_("kind of appeal"), max_length=20, choices=Kind.choices)
    filed_on = models.DateField(_("filed on"))
    body = models.CharField(_("reviewing body"), max_length=200)
    summary = models.TextField(_("grounds of the appeal"))
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices, default=Outcome.PENDING)
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    outcome_note = models.TextField(_("reasons for the outcome"), blank=True)
    recorded_by = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("appeal")
        verbose_name_plural = _("appeals")
        ordering = ["filed_on", "id"]
        default_permissions = ("view",)
        constraints = [models.UniqueConstraint(fields=["decision", "number"], name="sanction_appeal_number")]

    def brief_state(self):
        return {"number": self.number, "kind": self.kind, "filed_on": iso(self.filed_on), "outcome": self.outcome,
                "decided_on": iso(self.decided_on)}

    def public_state(self):
        return {"number": self.number, "kind": self.kind, "filed_on": iso(self.filed_on), "body": self.body,
                "summary": self.summary, "outcome": self.outcome, "decided_on": iso(self.decided_on),
                "outcome_note": self.outcome_note}
