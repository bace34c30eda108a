"""Every change to the credit lists, each in one transaction with its ledger entries.

`actor` is the ledger actor (`staff/<username>` or `system`). Bad input raises
django.core.exceptions.ValidationError naming the field; nothing is written
then. Every entry is on `sanction/<public id>` and its `data` is the
decision's public state (Decision.public_state) with the party's subject in
`party`, plus the event's own facts under `appeal` or `evidence_added`.
Kinds are listed in docs/ledger-kinds.md. Nothing here ever deletes a row.
"""

import hashlib
import uuid
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

import ledger

from . import identity
from .models import LIST_GROUNDS, LIST_SUBJECT_TYPES, Appeal, Decision, Evidence, Ground, ListKind, SubjectType

ABNORMAL_ESCALATES_AFTER_YEARS = 2
SERIOUS_DEFAULT_YEARS = 5
MAX_EVIDENCE_BYTES = 20 * 1024 * 1024
MAX_EVIDENCE_FILES = 20
MAX_APPEALS = 10
TEXT_LIMITS = {"subject_name": 200, "decision_no": 100, "authority": 200, "legal_basis": 1000, "facts": 4000,
               "removal_conditions": 1000, "end_note": 1000, "title": 200, "body": 200, "summary": 2000,
               "outcome_note": 2000}
ESCALATION_BASIS = "《社会组织信用信息管理办法》：被列入活动异常名录满2年仍未履行相关义务的，列入严重违法失信名单。"


def anniversary(day: date, years: int) -> date:
    """The first day after `years` full years counted from `day` (29 February's full years end on 28 February)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return date(day.year + years, 3, 1)


def _text(field, value, required=True):
    value = (value or "").strip() if isinstance(value, str) or value is None else None
    if value is None:
        raise ValidationError({field: _("Enter text.")})
    if required and not value:
        raise ValidationError({field: _("This field is required.")})
    if len(value) > TEXT_LIMITS[field]:
        raise ValidationError({field: _("At most %(n)d characters.") % {"n": TEXT_LIMITS[field]}})
    if "\x00" in value:
        raise ValidationError({field: _("Enter text without control characters.")})
    return value


def _choice(field, value, choices):
    if value not in {str(c) for c in choices}:
        raise ValidationError({field: _("Choose one of the offered values.")})
    return value


def _date(field, value):
    if not isinstance(value, date):
        raise ValidationError({field: _("Enter a date.")})
    return value


def _party(subject_type, subject_code, id_number):
    """(subject, shown code) for the party; a person's ID number is reduced to its hash and mask here."""
    if subject_type == SubjectType.ORGANIZATION:
        code = (subject_code or "").strip().upper()
        if not identity.is_valid_uscc(code):
            raise ValidationError({"subject_code": _(
                "Not a valid unified social credit code (18 characters with a correct check character).")})
        return f"organization/{code}", code
    if subject_type == SubjectType.PLATFORM:
        code = (subject_code or "").strip().lower()
        if not identity.PLATFORM_CODE_PATTERN.fullmatch(code):
            raise ValidationError({"subject_code": _(
                "Not a platform code: 3 to 32 lowercase letters, digits and hyphens, starting with a letter.")})
        return f"platform/{code}", code
    number = identity.normalise_id(id_number)
    if not identity.is_valid_id(number):
        raise ValidationError({"id_number": _(
            "Not a valid resident ID number (18 characters, a real date of birth and a correct check character).")})
    return f"person/{identity.person_hash(number)}", identity.mask_id(number)


def _new_public_id():
    return f"TMP-{uuid.uuid4().hex[:16]}"


def _append(kind, decision, actor, **extra):
    return (kind, decision.ledger_subject, actor, {**decision.public_state(), **extra})


def impose(actor, *, list_kind, ground, subject_type, subject_name, decision_no, authority, legal_basis, facts,
           effective_on, subject_code="", id_number="", expires_on=None, removal_conditions="",
           escalated_from=None, evidence=()) -> Decision:
    """Put a party on a list (sanction.imposed). `evidence` is [(title, uploaded file), ...]."""
    _choice("list_kind", list_kind, ListKind.values)
    _choice("ground", ground, LIST_GROUNDS[list_kind])
    _choice("subject_type", subject_type, SubjectType.values)
    if subject_type not in LIST_SUBJECT_TYPES[list_kind]:
        raise ValidationError({"subject_type": _("This list does not take parties of that type.")})
    subject, code = _party(subject_type, subject_code, id_number)
    fields = {f: _text(f, v) for f, v in [("subject_name", subject_name), ("decision_no", decision_no),
                                          ("authority", authority), ("legal_basis", legal_basis),
                                          ("facts", facts)]}
    removal_conditions = _text("removal_conditions", removal_conditions, required=list_kind == ListKind.ABNORMAL)
    effective_on = _date("effective_on", effective_on)
    if expires_on is None and list_kind == ListKind.SERIOUS:
        expires_on = anniversary(effective_on, SERIOUS_DEFAULT_YEARS)
    if expires_on is not None and _date("expires_on", expires_on) <= effective_on:
        raise ValidationError({"expires_on": _("The listing must end after the day it takes effect.")})
    evidence = list(evidence)
    if len(evidence) > MAX_EVIDENCE_FILES:
        raise ValidationError({"evidence": _("At most %(n)d evidence files.") % {"n": MAX_EVIDENCE_FILES}})
    prepared = [_prepare_evidence(title, f) for title, f in evidence]
    decision = Decision(public_id=_new_public_id(), list_kind=list_kind, ground=ground, subject=subject,
                        subject_type=subject_type, subject_code=code, effective_on=effective_on,
                        expires_on=expires_on, removal_conditions=removal_conditions, escalated_from=escalated_from,
                        created_by=actor, **fields)
    with transaction.atomic():
        overlapping = Decision.objects.select_for_update().filter(
            subject=subject, list_kind=list_kind, status=Decision.Status.IN_FORCE)
        if any(d.expires_on is None or d.expires_on > effective_on for d in overlapping):
            raise ValidationError({"subject_code": _("This party is already on that list; remove the earlier "
                                                     "decision first or record an appeal on it.")})
        decision.save()
        decision.public_id = f"S{timezone.localdate().year}-{decision.pk:06d}"
        decision.save(update_fields=["public_id"])
        for title, content, digest, size, content_type in prepared:
            _store_evidence(decision, actor, title, content, digest, size, content_type)
        ledger.append(*_append("sanction.imposed", decision, actor))
    return decision


def _prepare_evidence(title, uploaded):
    title = _text("title", title)
    size = getattr(uploaded, "size", None)
    if not size:
        raise ValidationError({"file": _("The evidence file is empty.")})
    if size > MAX_EVIDENCE_BYTES:
        raise ValidationError({"file": _("An evidence file may be at most 20 MB.")})
    digest = hashlib.sha256()
    chunks = []
    for chunk in uploaded.chunks():
        digest.update(chunk)
        chunks.append(chunk)
    content_type = (getattr(uploaded, "content_type", "") or "application/octet-stream")[:100]
    return title, b"".join(chunks), digest.hexdigest(), size, content_type


def _store_evidence(decision, actor, title, content, digest, size, content_type):
    evidence = Evidence(decision=decision, title=title, sha256=digest, size=size, content_type=content_type,
                        added_by=actor)
    evidence.file.save(digest, ContentFile(content), save=False)
    evidence.save()
    return evidence


def _locked(decision):
    return Decision.objects.select_for_update().get(pk=decision.pk)


def add_evidence(actor, decision, title, uploaded) -> Evidence:
    """Attach a file to a decision (sanction.evidence_added); the ledger keeps its SHA-256."""
    prepared = _prepare_evidence(title, uploaded)
    with transaction.atomic():
        decision = _locked(decision)
        if decision.evidence.count() >= MAX_EVIDENCE_FILES:
            raise ValidationError({"file": _("At most %(n)d evidence files.") % {"n": MAX_EVIDENCE_FILES}})
        evidence = _store_evidence(decision, actor, *prepared)
        ledger.append(*_append("sanction.evidence_added", decision, actor, evidence_added=evidence.public_state()))
    return evidence


def remove(actor, decision, *, reason, note, removed_on=None) -> Decision:
    """Take a party off a list (sanction.removed). The decision stays, ended, with its reason."""
    _choice("reason", reason, [Decision.EndReason.RECTIFIED, Decision.EndReason.EXPIRED,
                               Decision.EndReason.OVERTURNED, Decision.EndReason.WITHDRAWN])
    note = _text("end_note", note)
    removed_on = _date("removed_on", removed_on or timezone.localdate())
    if removed_on > timezone.localdate():
        raise ValidationError({"removed_on": _("A removal cannot be dated in the future.")})
    with transaction.atomic():
        decision = _locked(decision)
        entry = _end(decision, actor, "sanction.removed", reason, note, removed_on)
        ledger.append(*entry)
    return decision


def _end(decision, actor, kind, reason, note, ended_on):
    if decision.status != Decision.Status.IN_FORCE:
        raise ValidationError({"reason": _("Decision %(id)s has already ended (%(status)s).") % {
            "id": decision.public_id, "status": decision.get_status_display()}})
    decision.status = {Decision.EndReason.EXPIRED: Decision.Status.EXPIRED,
                       Decision.EndReason.ESCALATED: Decision.Status.ESCALATED}.get(reason, Decision.Status.REMOVED)
    decision.end_reason, decision.end_note, decision.ended_on = reason, note, ended_on
    decision.save()
    return _append(kind, decision, actor)


def record_appeal(actor, decision, *, kind, filed_on, body, summary) -> Appeal:
    """Record an objection, reconsideration or lawsuit against a decision (sanction.appeal_recorded)."""
    _choice("kind", kind, Appeal.Kind.values)
    filed_on = _date("filed_on", filed_on)
    body, summary = _text("body", body), _text("summary", summary)
    with transaction.atomic():
        decision = _locked(decision)
        count = decision.appeals.count()
        if count >= MAX_APPEALS:
            raise ValidationError({"kind": _("At most %(n)d appeals per decision.") % {"n": MAX_APPEALS}})
        appeal = Appeal.objects.create(decision=decision, number=count + 1, kind=kind, filed_on=filed_on, body=body,
                                       summary=summary, recorded_by=actor)
        ledger.append(*_append("sanction.appeal_recorded", decision, actor, appeal=appeal.public_state()))
    return appeal


def decide_appeal(actor, appeal, *, outcome, decided_on, note) -> Appeal:
    """Record an appeal's outcome (sanction.appeal_decided); an overturning also removes the listing."""
    _choice("outcome", outcome, [Appeal.Outcome.UPHELD, Appeal.Outcome.OVERTURNED])
    decided_on = _date("decided_on", decided_on)
    note = _text("outcome_note", note)
    with transaction.atomic():
        decision = _locked(appeal.decision)
        appeal = Appeal.objects.select_for_update().get(pk=appeal.pk)
        if appeal.outcome != Appeal.Outcome.PENDING:
            raise ValidationError({"outcome": _("This appeal has already been decided.")})
        if decided_on < appeal.filed_on:
            raise ValidationError({"decided_on": _("An appeal cannot be decided before it was filed.")})
        appeal.outcome, appeal.decided_on, appeal.outcome_note = outcome, decided_on, note
        appeal.save()
        items = [_append("sanction.appeal_decided", decision, actor, appeal=appeal.public_state())]
        if outcome == Appeal.Outcome.OVERTURNED and decision.status == Decision.Status.IN_FORCE:
            items.append(_end(decision, actor, "sanction.removed", Decision.EndReason.OVERTURNED,
                              _text("end_note", note[:TEXT_LIMITS["end_note"]]), decided_on))
        ledger.append_many(items)
    appeal.decision = decision
    return appeal


def apply_transitions(today=None) -> dict:
    """The automatic changes due by `today` (Asia/Shanghai date), each with an entry by `system`.

    Expiries first (a listing whose term ends today is not escalated), then
    the move of abnormal-list entries to the serious-dishonesty list on the
    day they have been listed two full years. Running it twice a day does
    nothing the second time.
    """
    today = today or timezone.localdate()
    expired = escalated = 0
    due = Decision.objects.filter(status=Decision.Status.IN_FORCE, expires_on__lte=today).order_by("expires_on", "id")
    for decision in due:
        with transaction.atomic():
            decision = _locked(decision)
            if decision.status != Decision.Status.IN_FORCE:
                continue
            ledger.append(*_end(decision, "system", "sanction.expired", Decision.EndReason.EXPIRED,
                                "", decision.expires_on))
            expired += 1
    # Generous bound for the query; the exact day is checked per decision.
    bound = today - timedelta(days=365 * ABNORMAL_ESCALATES_AFTER_YEARS - 1)
    candidates = Decision.objects.filter(status=Decision.Status.IN_FORCE, list_kind=ListKind.ABNORMAL,
                                         effective_on__lte=bound).order_by("effective_on", "id")
    for decision in candidates:
        if anniversary(decision.effective_on, ABNORMAL_ESCALATES_AFTER_YEARS) <= today:
            escalated += _escalate(decision)
    return {"expired": expired, "escalated": escalated}


def _escalate(old):
    with transaction.atomic():
        old = _locked(old)
        if old.status != Decision.Status.IN_FORCE:
            return 0
        day = anniversary(old.effective_on, ABNORMAL_ESCALATES_AFTER_YEARS)
        new = Decision(public_id=_new_public_id(), list_kind=ListKind.SERIOUS, ground=Ground.ABNORMAL_TWO_YEARS,
                       subject=old.subject, subject_type=old.subject_type, subject_name=old.subject_name,
                       subject_code=old.subject_code, decision_no=old.decision_no, authority=old.authority,
                       legal_basis=ESCALATION_BASIS, facts=old.facts, effective_on=day,
                       expires_on=anniversary(day, SERIOUS_DEFAULT_YEARS), escalated_from=old, created_by="system")
        new.save()
        new.public_id = f"S{day.year}-{new.pk:06d}"
        new.save(update_fields=["public_id"])
        old_entry = _end(old, "system", "sanction.escalated", Decision.EndReason.ESCALATED,
                         new.public_id, day)
        ledger.append_many([old_entry, _append("sanction.imposed", new, "system")])
    return 1
