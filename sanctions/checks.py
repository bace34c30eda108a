"""Enforcement of the credit lists: the one place every other app asks.

    from sanctions.checks import Sanctioned, assert_allowed
    assert_allowed(organization.subject, "file_campaign")   # raises Sanctioned

What each list does to each action (FORBID raises Sanctioned; FLAG only
warns staff through `flags()` / `flags_for_representative()`; blank: no
effect). A decision counts from its `effective_on` day, up to the day before
`expires_on`, while its status is "in force"; days are Asia/Shanghai dates.

| action                  | who asks                                  | abnormal | serious | red |
|-------------------------|-------------------------------------------|----------|---------|-----|
| file_campaign           | campaign filing, for the charity          | FORBID   | FORBID  |     |
| receive_donation        | donation ingestion, for the charity       | FORBID   | FORBID  |     |
| use_api                 | platform API authentication               | FORBID   | FORBID  |     |
| apply_platform          | platform application, for the operator    | FORBID   | FORBID  |     |
| register_representative | charity register/update, for the person   | FLAG     | FLAG    |     |

The red list forbids nothing: it earns a badge (queries.badges_for) and a
place in the public incentives list. Dotted aliases ("campaign.file",
"donation.receive", "api.use", "platform.apply",
"representative.register") name the same actions.

This module imports no domain app; subjects are ledger subject strings:
`organization/<uscc>`, `platform/<code>`, `person/<keyed hash>`.
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import identity
from .models import Decision, ListKind, SubjectType

FORBID = "forbid"
FLAG = "flag"

RULES = {
    "file_campaign": {ListKind.ABNORMAL: FORBID, ListKind.SERIOUS: FORBID},
    "receive_donation": {ListKind.ABNORMAL: FORBID, ListKind.SERIOUS: FORBID},
    "use_api": {ListKind.ABNORMAL: FORBID, ListKind.SERIOUS: FORBID},
    "apply_platform": {ListKind.ABNORMAL: FORBID, ListKind.SERIOUS: FORBID},
    "register_representative": {ListKind.ABNORMAL: FLAG, ListKind.SERIOUS: FLAG},
}
ALIASES = {
    "campaign.file": "file_campaign",
    "donation.receive": "receive_donation",
    "api.use": "use_api",
    "platform.apply": "apply_platform",
    "representative.register": "register_representative",
}
ACTION_LABELS = {
    "file_campaign": gettext_lazy("file fundraising campaigns"),
    "receive_donation": gettext_lazy("receive donations"),
    "use_api": gettext_lazy("use the platform API"),
    "apply_platform": gettext_lazy("apply to operate a fundraising platform"),
    "register_representative": gettext_lazy("act as legal representative of a charity"),
}


class Sanctioned(PermissionDenied):
    """The subject is on a credit list that forbids the action.

    `str(exc)` and `.message` name the list and the decision number in the
    active language; `.decision` is the Decision; `.code` is "sanctioned".
    """

    code = "sanctioned"

    def __init__(self, decision, action):
        self.decision = decision
        self.action = action
        self.message = _("%(name)s is on the %(list)s (decision %(decision_no)s, %(id)s) and may not %(action)s.") % {
            "name": decision.subject_name, "list": decision.get_list_kind_display(),
            "decision_no": decision.decision_no, "id": decision.public_id, "action": ACTION_LABELS[action]}
        super().__init__(self.message)

    def as_dict(self):
        """For API error bodies."""
        return {"code": self.code, "message": str(self.message), "decision": self.decision.public_id,
                "decision_no": self.decision.decision_no, "list": self.decision.list_kind,
                "url": self.decision.get_absolute_url()}


@dataclass(frozen=True)
class Flag:
    """A warning for staff; `match` is "subject", "id_number" or "name", or "invalid_id" with no decision."""

    message: str
    decision: Decision | None = None
    match: str = "subject"

    def __str__(self):
        return self.message


def canonical_action(action):
    action = ALIASES.get(action, action)
    if action not in RULES:
        # A programming error, not a sanction: callers must not turn it into a refusal.
        raise LookupError(f"unknown sanctions action {action!r}; known: {sorted(RULES)}")
    return action


def in_force(subjects=None, day=None):
    """Decisions in force on `day` (today in Asia/Shanghai by default), optionally for some subjects."""
    day = day or timezone.localdate()
    qs = Decision.objects.filter(status=Decision.Status.IN_FORCE, effective_on__lte=day).filter(
        Q(expires_on__isnull=True) | Q(expires_on__gt=day))
    if subjects is not None:
        qs = qs.filter(subject__in=list(subjects))
    return qs


def _lists_with(action, effect):
    return [kind for kind, e in RULES[action].items() if e == effect]


def refusals(subjects, action, day=None) -> dict:
    """{subject: Sanctioned} for those of `subjects` that may not do `action`: one query for a whole batch."""
    action = canonical_action(action)
    forbidding = _lists_with(action, FORBID)
    subjects = {s for s in subjects if identity.split_subject(s)}
    if not forbidding or not subjects:
        return {}
    out = {}
    for decision in in_force(subjects, day).filter(list_kind__in=forbidding).order_by("effective_on", "id"):
        out.setdefault(decision.subject, Sanctioned(decision, action))
    return out


def assert_allowed(subject: str, action: str, day=None) -> None:
    """Raise Sanctioned if `subject` is on a list that forbids `action` (see the table above)."""
    refused = refusals([subject], action, day)
    if refused:
        raise refused[subject]


def flags(subject: str, action: str, day=None) -> list[Flag]:
    """Every in-force listing of `subject` that forbids or flags `action`, as warnings for staff."""
    action = canonical_action(action)
    lists = list(RULES[action])
    if not lists or not identity.split_subject(subject):
        return []
    return [Flag(_listing_message(d), d) for d in in_force([subject], day).filter(list_kind__in=lists)]


def _listing_message(decision):
    return _("%(name)s (%(code)s) is on the %(list)s: decision %(decision_no)s (%(id)s).") % {
        "name": decision.subject_name, "code": decision.subject_code, "list": decision.get_list_kind_display(),
        "decision_no": decision.decision_no, "id": decision.public_id}


def flags_for_representative(name, id_number=None, day=None) -> list[Flag]:
    """Warnings for staff registering or updating a charity whose legal representative is a listed person.

    With an ID number the match is exact (by keyed hash). By name alone it
    can only be a hint (namesakes exist), and the message says so.
    """
    action = "register_representative"
    lists = list(RULES[action])
    out, seen = [], set()
    if id_number:
        number = identity.normalise_id(id_number)
        if not identity.is_valid_id(number):
            out.append(Flag(_("The legal representative's ID number is not a valid resident ID number; "
                              "checked by name only."), None, "invalid_id"))
        else:
            for flag in flags(f"person/{identity.person_hash(number)}", action, day):
                out.append(Flag(flag.message, flag.decision, "id_number"))
                seen.add(flag.decision.pk)
    name = (name or "").strip()
    if name:
        named = in_force(day=day).filter(subject_type=SubjectType.PERSON, subject_name=name, list_kind__in=lists)
        for decision in named.exclude(pk__in=seen):
            hint = _("A person of the same name is listed; check the ID number. ")
            out.append(Flag(hint + _listing_message(decision), decision, "name"))
    return out
