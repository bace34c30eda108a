"""Credit officers' pages (group credit_officer): search, create a decision, evidence, removal, appeals."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from . import actions, identity, queries
from .forms import AppealDecisionForm, AppealForm, DecisionForm, EvidenceForm, RemoveForm, SearchForm, apply_errors
from .models import Appeal, Decision


def officer_only(view):
    return login_required(permission_required("sanctions.manage_sanctions", raise_exception=True)(view))


def actor_of(request):
    return f"staff/{request.user.get_username()}"


@officer_only
@require_http_methods(["GET", "POST"])
def dashboard(request):
    # POST, so that an ID number never appears in a web address (logs, history, the language switch's "next").
    form = SearchForm(request.POST or None)
    results, shown_query = None, ""
    if form.is_valid() and form.cleaned_data["q"]:
        q = form.cleaned_data["q"]
        number = identity.normalise_id(q)
        shown_query = identity.mask_id(number) if identity.is_valid_id(number) else q
        try:
            results = list(queries.search(q)[:100])
        except ImproperlyConfigured:
            form.add_error("q", _("Search by ID number is not available: the server has no key configured."))
    pending = Appeal.objects.filter(outcome=Appeal.Outcome.PENDING).select_related("decision")[:50]
    return render(request, "sanctions/manage/dashboard.html", {
        "form": form, "results": results, "shown_query": shown_query, "pending": pending,
        "recent": Decision.objects.order_by("-id")[:20],
    }, status=400 if form.errors else 200)


@officer_only
@require_http_methods(["GET", "POST"])
def create(request):
    form = DecisionForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        evidence = [(data["evidence_title"], data["evidence_file"])] if data.get("evidence_file") else []
        fields = {k: data[k] for k in ("list_kind", "ground", "subject_type", "subject_code", "id_number",
                                       "subject_name", "decision_no", "authority", "legal_basis", "facts",
                                       "effective_on", "expires_on", "removal_conditions")}
        try:
            decision = actions.impose(actor_of(request), evidence=evidence, **fields)
        except ValidationError as exc:
            apply_errors(form, exc)
        except ImproperlyConfigured:
            form.add_error("id_number", _("Persons cannot be listed: the server has no ID hashing key configured."))
        else:
            messages.success(request, _("Decision %(id)s recorded.") % {"id": decision.public_id})
            return redirect("sanctions:manage-decision", public_id=decision.public_id)
    return render(request, "sanctions/manage/create.html", {"form": form},
                  status=400 if request.method == "POST" else 200)


FORMS = {"evidence": EvidenceForm, "remove": RemoveForm, "appeal": AppealForm, "decide": AppealDecisionForm}


@officer_only
@require_http_methods(["GET", "POST"])
def manage(request, public_id):
    decision = get_object_or_404(Decision, public_id=public_id)
    pending = list(decision.appeals.filter(outcome=Appeal.Outcome.PENDING))
    today = timezone.localdate()
    forms = {"evidence": EvidenceForm(), "remove": RemoveForm(),
             "appeal": AppealForm(initial={"filed_on": today}),
             "decide": AppealDecisionForm(pending=pending, initial={"decided_on": today})}
    which = request.POST.get("form")
    if request.method == "POST" and which in FORMS:
        kwargs = {"pending": pending} if which == "decide" else {}
        form = forms[which] = FORMS[which](request.POST, request.FILES, **kwargs)
        if form.is_valid():
            try:
                done = _apply(which, request, decision, form.cleaned_data)
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, done)
                return redirect("sanctions:manage-decision", public_id=decision.public_id)
    return render(request, "sanctions/manage/decision.html", {
        "decision": decision, "active": decision.in_force_on(today), "forms": forms, "pending": pending,
        "evidence": decision.evidence.order_by("id"), "appeals": decision.appeals.order_by("number"),
        "history": queries.history(decision),
    }, status=400 if request.method == "POST" else 200)


def _apply(which, request, decision, data):
    actor = actor_of(request)
    if which == "evidence":
        actions.add_evidence(actor, decision, data["title"], data["file"])
        return _("Evidence attached; its SHA-256 is in the ledger.")
    if which == "remove":
        actions.remove(actor, decision, reason=data["reason"], note=data["end_note"], removed_on=data["removed_on"])
        return _("The party was removed from the list. The decision and its history remain public.")
    if which == "appeal":
        actions.record_appeal(actor, decision, kind=data["kind"], filed_on=data["filed_on"], body=data["body"],
                              summary=data["summary"])
        return _("Appeal recorded.")
    appeal = get_object_or_404(Appeal, pk=data["appeal"], decision=decision)
    actions.decide_appeal(actor, appeal, outcome=data["outcome"], decided_on=data["decided_on"],
                          note=data["outcome_note"])
    return _("Appeal outcome recorded.")


@officer_only
@require_http_methods(["GET"])
def evidence_file(request, public_id, evidence_id):
    decision = get_object_or_404(Decision, public_id=public_id)
    evidence = get_object_or_404(decision.evidence, pk=evidence_id)
    response = FileResponse(evidence.file.open("rb"), content_type=evidence.content_type)
    response["Content-Disposition"] = f'attachment; filename="{evidence.sha256}"'
    return response

