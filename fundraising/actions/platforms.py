"""Every change to a platform: application, review, public notice, four-eyes decisions, supervision.

Each action locks the platform row, checks the status it starts from, writes
the change and appends one ledger entry (subject `platform/<code>`, actor
`staff/<username>`) in the same transaction. `data` is the platform's public
state after the change plus the event's own facts (`reason` always).
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

import ledger
from organizations import uscc

from ..models import Objection, Platform, Recommendation, SupervisionRecord
from ..rules import RuleError, check_sanctions, today
from .common import clean_text, require_perm, staff_actor, wrong_state

S = Platform.Status
RESERVED_CODES = {"new"}  # /staff/platforms/new/ is the application form
Outcome = Recommendation.Outcome


def _append(kind, platform, user, **facts):
    data = platform.public_state()
    data.update(facts)
    return ledger.append(kind, platform.subject, staff_actor(user), data)


def _locked(platform):
    return Platform.objects.select_for_update().get(pk=platform.pk)


def apply_platform(user, *, code, name, operator_name, operator_uscc, site_url, contact_name, contact_phone,
                   commitments, contact_email="", applied_on=None, reason=""):
    """Record an application received by the ministry; returns the new platform."""
    require_perm(user, "add_platform")
    operator_uscc = (operator_uscc or "").strip().upper()
    if not uscc.is_valid(operator_uscc):
        raise RuleError(_("Not a valid unified social credit code (18 characters with a correct check character)."),
                        field="operator_uscc", code="invalid_uscc")
    if code in RESERVED_CODES or Platform.objects.filter(code=code).exists():
        raise RuleError(_("The platform code %(code)s is taken.") % {"code": code}, field="code", code="duplicate")
    platform = Platform(code=code, name=(name or "").strip(), operator_name=(operator_name or "").strip(),
                        operator_uscc=operator_uscc, site_url=site_url, contact_name=contact_name,
                        contact_phone=contact_phone, contact_email=contact_email,
                        commitments=clean_text(commitments, "commitments", max_length=4000),
                        applied_on=applied_on or today(), status=S.APPLIED)
    try:
        platform.full_clean()
    except ValidationError as exc:
        field, messages = next(iter(exc.message_dict.items()))
        raise RuleError(messages[0], field=field, code="invalid")
    check_sanctions(f"organization/{operator_uscc}", "platform.apply", field="operator_uscc")
    with transaction.atomic():
        platform.save()
        _append("platform.applied", platform, user, reason=clean_text(reason, "reason", required=False))
    return platform


def start_review(user, platform, reason):
    require_perm(user, "review_platform")
    reason = clean_text(reason, "reason")
    with transaction.atomic():
        platform = _locked(platform)
        if platform.status != S.APPLIED:
            wrong_state(platform, [S.APPLIED])
        platform.status = S.UNDER_REVIEW
        platform.save()
        _append("platform.review_started", platform, user, reason=reason)
    return platform


def start_notice(user, platform, ends_on, reason):
    """Publish the application for objections until `ends_on` (inclusive)."""
    require_perm(user, "review_platform")
    reason = clean_text(reason, "reason")
    if ends_on is None or ends_on <= today():
        raise RuleError(_("The notice period must end after today."), field="ends_on", code="invalid_date")
    with transaction.atomic():
        platform = _locked(platform)
        if platform.status != S.UNDER_REVIEW:
            wrong_state(platform, [S.UNDER_REVIEW])
        platform.status = S.NOTICE
        platform.notice_starts_on, platform.notice_ends_on = today(), ends_on
        platform.save()
        _append("platform.notice_started", platform, user, reason=reason)
    return platform


def record_objection(user, platform, received_on, summary):
    """An objection received during the notice, summarised without the objector's personal data."""
    require_perm(user, "review_platform")
    summary = clean_text(summary, "summary")
    with transaction.atomic():
        platform = _locked(platform)
        if platform.status != S.NOTICE:
            wrong_state(platform, [S.NOTICE])
        if received_on is None or not (platform.notice_starts_on <= received_on <= today()):
            raise RuleError(_("An objection must be received during the notice period and not in the future."),
                            field="received_on", code="invalid_date")
        objection = Objection.objects.create(platform=platform, received_on=received_on, summary=summary,
                                             recorded_by=user)
        _append("platform.objection_recorded", platform, user, reason=summary,
                objection={"id": objection.pk, "received_on": received_on.isoformat(), "summary": summary})
    return objection


def answer_objection(user, objection, answer):
    require_perm(user, "review_platform")
    answer = clean_text(answer, "answer")
    with transaction.atomic():
        platform = _locked(objection.platform)
        objection = Objection.objects.select_for_update().get(pk=objection.pk)
        if objection.is_answered:
            raise RuleError(_("This objection has been answered already."), field="answer", code="answered")
        objection.answer, objection.answered_by, objection.answered_at = answer, user, timezone.now()
        objection.save()
        _append("platform.objection_answered", platform, user, reason=answer,
                objection={"id": objection.pk, "received_on": objection.received_on.isoformat(),
                           "summary": objection.summary, "answer": answer})
    return objection


RECOMMENDABLE = {
    Outcome.DESIGNATE: [S.NOTICE],
    Outcome.REJECT: [S.UNDER_REVIEW, S.NOTICE],
    Outcome.REVOKE: [S.DESIGNATED, S.SUSPENDED],
    Outcome.EXIT: [S.DESIGNATED, S.SUSPENDED],
}


def recommend(user, platform, outcome, reason):
    """First pair of eyes: record a recommendation that another reviewer must decide."""
    require_perm(user, "review_platform")
    reason = clean_text(reason, "reason")
    if outcome not in RECOMMENDABLE:
        raise RuleError(_("Choose a valid outcome."), field="outcome", code="invalid_choice")
    with transaction.atomic():
        platform = _locked(platform)
        if platform.status not in RECOMMENDABLE[outcome]:
            wrong_state(platform, RECOMMENDABLE[outcome], field="outcome")
        if platform.recommendations.filter(state=Recommendation.State.OPEN).exists():
            raise RuleError(_("A recommendation is already awaiting a decision."), field="outcome", code="open")
        rec = Recommendation.objects.create(platform=platform, outcome=outcome, reason=reason, recommended_by=user,
                                            recommended_at=timezone.now())
        _append("platform.recommended", platform, user, reason=reason,
                recommendation={"id": rec.pk, "outcome": outcome})
    return rec


def _check_designation(platform, batch, designated_on):
    if platform.status != S.NOTICE:
        wrong_state(platform, [S.NOTICE])
    if today() <= platform.notice_ends_on:
        raise RuleError(_("The public notice runs until %(date)s; decide after it ends.")
                        % {"date": platform.notice_ends_on.isoformat()}, field="decision", code="notice_running")
    if platform.objections.filter(answered_at__isnull=True).exists():
        raise RuleError(_("Answer every objection before deciding."), field="decision", code="objections_open")
    if not batch or batch < 1:
        raise RuleError(_("Give the batch number."), field="batch", code="required")
    if designated_on is None:
        raise RuleError(_("Give the designation date."), field="designated_on", code="required")
    if designated_on > today():
        raise RuleError(_("The designation date cannot be in the future."), field="designated_on",
                        code="invalid_date")


def decide(user, recommendation, approve, reason, batch=None, designated_on=None):
    """Second pair of eyes: approve or decline an open recommendation made by someone else."""
    require_perm(user, "review_platform")
    reason = clean_text(reason, "reason")
    with transaction.atomic():
        platform = _locked(recommendation.platform)
        rec = Recommendation.objects.select_for_update().get(pk=recommendation.pk)
        if rec.state != Recommendation.State.OPEN:
            raise RuleError(_("This recommendation has been decided already."), field="decision", code="decided")
        if rec.recommended_by_id == user.pk:
            raise RuleError(_("Four eyes: the reviewer who recommended cannot also decide. Ask another reviewer."),
                            field="decision", code="four_eyes")
        facts = {"reason": reason, "recommendation": {"id": rec.pk, "outcome": rec.outcome,
                                                        "recommended_by": staff_actor(rec.recommended_by),
                                                        "reason": rec.reason}}
        if not approve:
            kind = "platform.recommendation_declined"
            rec.state = Recommendation.State.DECLINED
        else:
            kind = _apply_outcome(platform, rec.outcome, reason, batch, designated_on)
            rec.state = Recommendation.State.APPROVED
        rec.decided_by, rec.decided_at, rec.decision_reason = user, timezone.now(), reason
        rec.save()
        platform.save()
        _append(kind, platform, user, **facts)
    return platform


def _apply_outcome(platform, outcome, reason, batch, designated_on):
    if platform.status not in RECOMMENDABLE[outcome]:
        wrong_state(platform, RECOMMENDABLE[outcome], field="decision")
    platform.decision_reason = reason
    if outcome == Outcome.DESIGNATE:
        _check_designation(platform, batch, designated_on)
        platform.status, platform.batch, platform.designated_on = S.DESIGNATED, batch, designated_on
        return "platform.designated"
    if outcome == Outcome.REJECT:
        platform.status = S.REJECTED
        return "platform.rejected"
    platform.status = S.REVOKED if outcome == Outcome.REVOKE else S.EXITED
    platform.ended_on, platform.suspended_until = today(), None
    return "platform.revoked" if outcome == Outcome.REVOKE else "platform.exited"


def record_talk(user, platform, held_on, reason):
    """A supervisory talk (约谈) with the platform's operator."""
    require_perm(user, "supervise_platform")
    reason = clean_text(reason, "reason")
    if held_on is None or held_on > today():
        raise RuleError(_("The date cannot be in the future."), field="held_on", code="invalid_date")
    with transaction.atomic():
        platform = _locked(platform)
        if platform.status not in Platform.OPERATING:
            wrong_state(platform, Platform.OPERATING)
        record = SupervisionRecord.objects.create(platform=platform, kind=SupervisionRecord.Kind.TALK, on=held_on,
                                                  reason=reason, recorded_by=user)
        _append("platform.talk_recorded", platform, user, reason=reason,
                supervision={"id": record.pk, "held_on": held_on.isoformat()})
    return record


def order_rectification(user, platform, deadline, reason):
    require_perm(user, "supervise_platform")
    reason = clean_text(reason, "reason")
    if deadline is None or deadline <= today():
        raise RuleError(_("The deadline must be after today."), field="deadline", code="invalid_date")
    with transaction.atomic():
        platform = _locked(platform)
        if platform.status not in Platform.OPERATING:
            wrong_state(platform, Platform.OPERATING)
        record = SupervisionRecord.objects.create(platform=platform, kind=SupervisionRecord.Kind.RECTIFICATION,
                                                  on=today(), deadline=deadline, reason=reason, recorded_by=user)
        _append("platform.rectification_ordered", platform, user, reason=reason,
                supervision={"id": record.pk, "ordered_on": record.on.isoformat(), "deadline": deadline.isoformat()})
    return record


def complete_rectification(user, record, note):
    """Record that the platform completed an ordered rectification."""
    require_perm(user, "supervise_platform")
    note = clean_text(note, "note")
    with transaction.atomic():
        platform = _locked(record.platform)
        record = SupervisionRecord.objects.select_for_update().get(pk=record.pk)
        if record.kind != SupervisionRecord.Kind.RECTIFICATION or record.completed_on:
            raise RuleError(_("This rectification order is closed already."), field="note", code="closed")
        record.completed_on, record.completion_note = today(), note
        record.save()
        _append("platform.rectification_completed", platform, user, reason=note,
                supervision={"id": record.pk, "deadline": record.deadline.isoformat(),
                             "completed_on": record.completed_on.isoformat(),
                             "late": record.completed_on > record.deadline})
    return record


def suspend(user, platform, until, reason):
    """Suspend a designated platform until a date; its API keys stop working at once."""
    require_perm(user, "supervise_platform")
    reason = clean_text(reason, "reason")
    if until is None or until <= today():
        raise RuleError(_("The suspension must last until a date after today."), field="until", code="invalid_date")
    with transaction.atomic():
        platform = _locked(platform)
        if platform.status != S.DESIGNATED:
            wrong_state(platform, [S.DESIGNATED])
        platform.status, platform.suspended_until, platform.decision_reason = S.SUSPENDED, until, reason
        platform.save()
        SupervisionRecord.objects.create(platform=platform, kind=SupervisionRecord.Kind.SUSPENSION, on=today(),
                                         deadline=until, reason=reason, recorded_by=user)
        _append("platform.suspended", platform, user, reason=reason)
    return platform


def reinstate(user, platform, reason):
    require_perm(user, "supervise_platform")
    reason = clean_text(reason, "reason")
    with transaction.atomic():
        platform = _locked(platform)
        if platform.status != S.SUSPENDED:
            wrong_state(platform, [S.SUSPENDED])
        platform.status, platform.suspended_until, platform.decision_reason = S.DESIGNATED, None, reason
        platform.save()
        SupervisionRecord.objects.create(platform=platform, kind=SupervisionRecord.Kind.REINSTATEMENT, on=today(),
                                         reason=reason, recorded_by=user)
        _append("platform.reinstated", platform, user, reason=reason)
    return platform


def import_designated(*, code, name, operator_name, operator_uscc, site_url, commitments, applied_on, batch,
                      designated_on, reason, contact_name="", contact_phone="", contact_email=""):
    """Bring a platform designated before this portal existed into it (actor `system`).

    Its review happened outside the portal, so the ledger says so: the kind is
    `platform.imported`, not `platform.designated`, and staff cannot reach
    this path (demo data and one-off imports from a shell or data migration only).
    """
    operator_uscc = operator_uscc.strip().upper()
    if not uscc.is_valid(operator_uscc):
        raise RuleError(_("Not a valid unified social credit code (18 characters with a correct check character)."),
                        field="operator_uscc", code="invalid_uscc")
    platform = Platform(code=code, name=name, operator_name=operator_name, operator_uscc=operator_uscc,
                        site_url=site_url, commitments=clean_text(commitments, "commitments", max_length=4000),
                        contact_name=contact_name, contact_phone=contact_phone, contact_email=contact_email,
                        applied_on=applied_on, batch=batch, designated_on=designated_on, status=S.DESIGNATED,
                        decision_reason=clean_text(reason, "reason"))
    platform.full_clean()
    with transaction.atomic():
        platform.save()
        ledger.append("platform.imported", platform.subject, "system", {**platform.public_state(), "reason": reason})
    return platform
