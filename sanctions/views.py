"""Public pages of the credit lists: the lists with search and filters, one decision, the daily exports."""

import re
from datetime import date

from django.contrib import messages
from django.core.exceptions import ImproperlyConfigured
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from . import export, queries
from .models import Decision, ListKind, SubjectType

PER_PAGE = 25
STATES = {"in_force": "in_force", "ended": "ended", "all": ""}


def _filters(request):
    """The query string, checked; (values, errors) with an error per bad parameter."""
    errors, values = {}, {}
    list_kind = request.GET.get("list", "")
    if list_kind and list_kind not in ListKind.values:
        errors["list"] = _("List: choose one of the offered lists.")
        list_kind = ""
    subject_type = request.GET.get("type", "")
    if subject_type and subject_type not in SubjectType.values:
        errors["type"] = _("Party type: choose charity, platform or person.")
        subject_type = ""
    state = request.GET.get("state", "in_force")
    if state not in STATES:
        errors["state"] = _("Status: choose in force, ended or all.")
        state = "in_force"
    q = request.GET.get("q", "").strip()
    if len(q) > 100 or "\x00" in q:
        errors["q"] = _("Search: at most 100 characters.")
        q = ""
    elif queries.looks_like_id_number(q):
        # A web address ends up in logs and history: ID numbers are searched only by credit officers, by POST.
        errors["q"] = _("Search: ID numbers are not searched here; persons are shown with masked ID numbers.")
        q = ""
    values.update(list=list_kind, type=subject_type, state=state, q=q)
    return values, errors


def _page(request, qs):
    paginator = Paginator(qs, PER_PAGE)
    page_text = request.GET.get("page", "1")
    if not re.fullmatch(r"[1-9][0-9]{0,8}", page_text) or int(page_text) > paginator.num_pages:
        raise Http404(_("There is no such page of the list."))
    return paginator.page(int(page_text))


@require_GET
def index(request):
    values, errors = _filters(request)
    if errors.get("q") and queries.looks_like_id_number(request.GET.get("q", "")):
        # Answer at an address without the number, so it is not echoed back into the page.
        messages.warning(request, errors["q"])
        return redirect("sanctions:index")
    try:
        qs = queries.search(values["q"], values["list"], values["type"], STATES[values["state"]])
    except ImproperlyConfigured:
        errors["q"] = _("Search by ID number is not available: the server has no key configured.")
        qs = queries.search("", values["list"], values["type"], STATES[values["state"]])
    page = _page(request, qs)
    today = timezone.localdate()
    for d in page.object_list:
        d.active = d.in_force_on(today)
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "sanctions/index.html", {
        "page": page, "values": values, "errors": errors, "query": query.urlencode(),
        "lists": ListKind.choices, "types": SubjectType.choices,
        "states": [("in_force", _("In force")), ("ended", _("Ended")), ("all", _("All"))],
        "exports": export.available_days()[:7],
    }, status=400 if errors else 200)


@require_GET
def detail(request, public_id):
    decision = get_object_or_404(Decision.objects.select_related("escalated_from"), public_id=public_id)
    return render(request, "sanctions/detail.html", {
        "decision": decision,
        "active": decision.in_force_on(timezone.localdate()),
        "evidence": decision.evidence.order_by("id"),
        "appeals": decision.appeals.order_by("number"),
        "escalations": decision.escalations.all(),
        "history": queries.history(decision),
    })


@require_GET
def export_index(request):
    return render(request, "sanctions/exports.html", {"days": export.available_days()})


@require_GET
def export_file(request, day, fmt):
    try:
        day = date.fromisoformat(day)
    except ValueError:
        raise Http404(_("No export for that date."))
    path = export.export_path(day, fmt)
    if not path.exists() or not export.export_path(day, "json").exists():
        raise Http404(_("No export for that date."))
    content_type = "text/csv; charset=utf-8" if fmt == "csv" else "application/json"
    response = FileResponse(path.open("rb"), content_type=content_type)
    response["Content-Disposition"] = f'inline; filename="sanctions-{day.isoformat()}.{fmt}"'
    return response
