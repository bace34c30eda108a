"""The read side: badges and histories for other apps' pages, search for ours.

Charity and platform pages show
    {% for badge in badges %}<a class="badge badge-{{ badge.css }}" href="{{ badge.url }}">{{ badge.label }}</a>
with `badges = badges_for(subject)`, and a history section from
`decisions_for(subject)` (each decision carries `.entries`, its ledger entries).
"""

from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone

from ledger.models import Entry

from . import identity
from .checks import in_force
from .models import Decision, ListKind

CSS = {ListKind.ABNORMAL: "warn", ListKind.SERIOUS: "danger", ListKind.RED: "ok"}


@dataclass(frozen=True)
class Badge:
    list_kind: str
    label: str
    decision_no: str
    decision_id: str
    url: str
    css: str

    def __getitem__(self, key):  # templates and callers may treat it as a dict
        return getattr(self, key)

    def __str__(self):
        return f"{self.label} {self.decision_no}"


def badges_for(subject, day=None) -> list[Badge]:
    """One badge per decision in force for `subject`: punitive lists first, then the red list."""
    order = {ListKind.SERIOUS: 0, ListKind.ABNORMAL: 1, ListKind.RED: 2}
    decisions = sorted(in_force([subject], day), key=lambda d: (order[d.list_kind], d.effective_on))
    return [Badge(d.list_kind, str(d.get_list_kind_display()), d.decision_no, d.public_id, d.get_absolute_url(),
                  CSS[d.list_kind]) for d in decisions]


def entries_by_decision(decisions):
    """{public_id: [Entry, ...]} in seq order, one query for all."""
    subjects = {d.ledger_subject: d.public_id for d in decisions}
    out = {pid: [] for pid in subjects.values()}
    for entry in Entry.objects.filter(subject__in=list(subjects)).order_by("seq"):
        out[subjects[entry.subject]].append(entry)
    return out


def decisions_for(subject) -> list[Decision]:
    """Every decision ever taken about `subject`, newest first, removed ones included, each with `.entries`."""
    decisions = list(Decision.objects.filter(subject=subject).order_by("-effective_on", "-id"))
    entries = entries_by_decision(decisions)
    today = timezone.localdate()
    for d in decisions:
        d.entries = entries[d.public_id]
        d.active = d.in_force_on(today)
    return decisions


def history(decision):
    """The ledger entries of one decision, in seq order."""
    return Entry.objects.filter(subject=decision.ledger_subject).order_by("seq")


def search(q="", list_kind="", subject_type="", state="", day=None):
    """List search. `q` matches name, credit/platform code, decision number or id, or an ID number by hash."""
    qs = Decision.objects.all()
    if list_kind:
        qs = qs.filter(list_kind=list_kind)
    if subject_type:
        qs = qs.filter(subject_type=subject_type)
    if state == "in_force":
        qs = qs.filter(pk__in=in_force(day=day).values("pk"))
    elif state == "ended":
        qs = qs.exclude(status=Decision.Status.IN_FORCE)
    q = (q or "").strip()
    if q:
        qs = qs.filter(match(q))
    return qs.order_by("-effective_on", "-id")


def looks_like_id_number(q):
    return identity.is_valid_id(identity.normalise_id(q))


def match(q):
    """A filter for one search text; a valid resident ID number matches by keyed hash, never stored in clear."""
    number = identity.normalise_id(q)
    if identity.is_valid_id(number):
        return Q(subject=f"person/{identity.person_hash(number)}")
    code = q.upper()
    return (Q(subject_name__icontains=q) | Q(subject_code=code) | Q(subject_code=q) | Q(decision_no__icontains=q)
            | Q(public_id=code))
