"""Human pages of the public ledger: the ledger overview, one entry, one subject's history.

The machine interface (LEDGER_SPEC §4) lives in views.py; these pages show the
same facts for people and carry the "verify in my browser" buttons that
static/js/verify.js binds (base.html loads that script on every page).

Other apps show a record's history with
    {% include "ledger/_history.html" with entries=history %}
where `history = ledger_history(subject)`.
"""

import hashlib
import importlib
import importlib.util
import json
import re
from functools import cache

from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.core.paginator import Paginator
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from . import note
from .chain import SUBJECT_RE
from .keys import verifiers
from .models import Checkpoint, Entry
from .proofs import latest_checkpoint

NUMBER = re.compile(r"0|[1-9][0-9]{0,17}")
PAGE_NUMBER = re.compile(r"[1-9][0-9]{0,11}")
PER_PAGE = 25
HISTORY_PER_PAGE = 100

# Human names of entry kinds come from the apps that write them: each may
# have a `kinds` module with a KIND_LABELS dict (the ledger itself knows no
# domain). A kind without a label is shown as it is.
@cache
def kind_labels():
    labels = {}
    for config in apps.get_app_configs():
        name = f"{config.name}.kinds"
        if importlib.util.find_spec(name) is not None:
            labels.update(importlib.import_module(name).KIND_LABELS)
    return labels


def kind_label(kind):
    return kind_labels().get(kind, kind)


def ledger_history(subject):
    """Every entry about `subject` (e.g. "organization/<uscc>"), in seq order."""
    return Entry.objects.filter(subject=subject).order_by("seq")


def fingerprint(verifier):
    """SHA-256 of the raw Ed25519 public key, in groups of four hex digits.

    static/js/verify.js computes the same from /ledger/key, so people can
    compare what their browser saw with what the ministry publishes.
    """
    digest = hashlib.sha256(verifier.public_key).hexdigest()
    return " ".join(digest[i:i + 4] for i in range(0, len(digest), 4))


def key_info():
    """The published verifier keys with their fingerprints, current first; [] if none is configured."""
    try:
        keys = verifiers()
    except (ImproperlyConfigured, note.NoteError):
        return []
    return [{"text": v.text, "name": v.name, "key_id": v.key_id.hex(), "fingerprint": fingerprint(v),
             "current": i == 0} for i, v in enumerate(keys)]


def checkpoint_facts(cp):
    """What a page shows of a checkpoint; None before the first anchoring."""
    if cp is None:
        return None
    try:
        root_b64 = note.b64(bytes.fromhex(cp.root))
    except ValueError:
        root_b64 = ""
    return {"size": cp.size, "root": cp.root, "root_b64": root_b64, "signed_at": cp.signed_at,
            "key_id": cp.key_id, "note": cp.note}


def _seq_or_404(text):
    if not isinstance(text, str) or not NUMBER.fullmatch(text):
        raise Http404(_("No ledger entry has that number."))
    return int(text)


@require_GET
def ledger_index(request):
    cp = latest_checkpoint()
    last = Entry.objects.order_by("-seq").values_list("seq", flat=True).first()
    total = 0 if last is None else last + 1
    pages = max(1, -(-total // PER_PAGE))
    page_text = request.GET.get("page", "1")
    if not PAGE_NUMBER.fullmatch(page_text) or int(page_text) > pages:
        raise Http404(_("There is no such page of the ledger."))
    page = int(page_text)
    # seq is gap-free, so a page is a seq range: no COUNT(*) over the whole ledger.
    top = total - 1 - (page - 1) * PER_PAGE
    entries = Entry.objects.filter(seq__lte=top, seq__gt=top - PER_PAGE).order_by("-seq")
    lookup_error = None
    wanted = request.GET.get("seq")
    if wanted is not None:
        wanted = wanted.strip()
        if NUMBER.fullmatch(wanted) and int(wanted) < total:
            return redirect("ledger-entry-page", seq=wanted)
        lookup_error = _("Entry number: enter a whole number from 0 to %(last)d.") % {"last": max(total - 1, 0)}
    return render(request, "ledger/index.html", {
        "checkpoint": checkpoint_facts(cp),
        "keys": key_info(),
        "entries": entries,
        "total": total,
        "page": page,
        "pages": pages,
        "previous_page": page - 1 if page > 1 else None,
        "next_page": page + 1 if page < pages else None,
        "lookup_error": lookup_error,
        "lookup_value": wanted or "",
        "base_url": request.build_absolute_uri("/").rstrip("/"),
    }, status=400 if lookup_error else 200)


def _pretty_data(leaf):
    """The entry's data member, indented for reading; None if the leaf is not valid JSON."""
    try:
        parsed = json.loads(leaf)
    except ValueError:
        return None
    if not isinstance(parsed, dict):
        return None
    return json.dumps(parsed.get("data"), ensure_ascii=False, indent=2, sort_keys=True)


@require_GET
def entry_page(request, seq):
    seq = _seq_or_404(seq)
    entry = Entry.objects.filter(seq=seq).first()
    if entry is None:
        raise Http404(_("No ledger entry has that number."))
    cp = latest_checkpoint()
    has_next = Entry.objects.filter(seq=seq + 1).exists()
    return render(request, "ledger/entry.html", {
        "entry": entry,
        "data_pretty": _pretty_data(entry.leaf),
        "anchored": cp is not None and seq < cp.size,
        "checkpoint": checkpoint_facts(cp),
        "previous_seq": seq - 1 if seq > 0 else None,
        "next_seq": seq + 1 if has_next else None,
    })


def _valid_subject(subject):
    return (isinstance(subject, str) and len(subject) <= 200 and "\x00" not in subject
            and SUBJECT_RE.fullmatch(subject) is not None)


@require_GET
def history_page(request, subject):
    if not _valid_subject(subject):
        raise Http404(_("That is not the id of a public record."))
    paginator = Paginator(ledger_history(subject), HISTORY_PER_PAGE)
    if paginator.count == 0:
        raise Http404(_("The ledger has no entries about that record."))
    page_text = request.GET.get("page", "1")
    if not PAGE_NUMBER.fullmatch(page_text) or int(page_text) > paginator.num_pages:
        raise Http404(_("There is no such page of the ledger."))
    page = paginator.page(int(page_text))
    return render(request, "ledger/history.html", {
        "subject": subject,
        "entries": page.object_list,
        "page": page,
        "total": paginator.count,
    })


@require_GET
def checkpoint_meta(request, size):
    """When the checkpoint at `size` was signed (server-reported, not covered by the signature).

    The browser verifier shows it next to what it proved; the signed facts are
    in the note at /ledger/checkpoints/<size>.
    """
    if not NUMBER.fullmatch(size):
        return JsonResponse({"error": "size must be a non-negative decimal integer", "param": "size"}, status=400)
    cp = Checkpoint.objects.filter(size=int(size)).first()
    if cp is None:
        return JsonResponse({"error": "no checkpoint was signed at that size"}, status=404)
    return JsonResponse({"size": cp.size, "signed_at": cp.signed_at.isoformat().replace("+00:00", "Z"),
                         "note_url": reverse("ledger-checkpoint-at", args=[str(cp.size)])})
