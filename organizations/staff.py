"""Registry clerks' pages under /staff/organizations/ (group registry_clerk).

Each page needs a login and one permission; a view only parses the form and
calls an action, whose ValidationError is shown on the form field it names.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import NON_FIELD_ERRORS, FieldDoesNotExist, PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from ledger.models import Entry

from . import actions, search
from .forms import AnnualReportForm, CorrectionForm, DisclosureForm, OrganizationForm, QualificationForm, StatusForm
from .models import Organization


def clerk_required(perm):
    def decorate(view):
        return login_required(permission_required(f"organizations.{perm}", raise_exception=True)(view))
    return decorate


def _actor(request):
    return f"staff/{request.user.get_username()}"


def _org(code):
    return get_object_or_404(Organization, uscc=code.upper())


def _flag_representative(request, org):
    """Joint punishment: tell the clerk when the legal representative is a listed person.

    The registry keeps the representative's name only, so the credit lists can
    match by name alone: a hint for the clerk to check, not a refusal.
    """
    try:
        from sanctions.checks import flags_for_representative
    except ImportError:
        return
    for flag in flags_for_representative(org.legal_representative):
        messages.warning(request, flag.message)


def apply_errors(form, error: ValidationError, aliases=None):
    """Show an action's errors on the form fields they name (others above the form)."""
    aliases = aliases or {}
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, errors in error.error_dict.items():
        field = aliases.get(field, field)
        form.add_error(field if field in form.fields else None, errors if field in form.fields else
                       [ValidationError(f"{form_label(form, field)}: {m}") for e in errors for m in e.messages])


def form_label(form, field):
    if field == NON_FIELD_ERRORS:
        return _("Form")
    try:
        return str(Organization._meta.get_field(field).verbose_name)
    except FieldDoesNotExist:
        return field


def _page(request, form, title, org=None, multipart=False, status=200):
    return render(request, "organizations/staff_form.html",
                  {"form": form, "title": title, "org": org, "multipart": multipart}, status=status)


@require_http_methods(["GET"])
@login_required
def index(request):
    if not any(request.user.has_perm(f"organizations.{p}") for p in
               ("register_organization", "edit_organization", "publish_disclosure")):
        raise PermissionDenied
    q = request.GET.get("q", "")
    results = search.page({"q": q, "sort": "relevance"}, 0, 20) if q else []
    return render(request, "organizations/staff_index.html", {"q": q, "results": results})


@require_http_methods(["GET", "POST"])
@clerk_required("register_organization")
def register(request):
    form = OrganizationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        fields, fields_of_service = form.changes()
        try:
            org = actions.register_organization(_actor(request), fields_of_service=fields_of_service, **fields)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Registered %(name)s.") % {"name": org.name})
            _flag_representative(request, org)
            return redirect(org)
    return _page(request, form, _("Register a charity"), status=400 if form.errors else 200)


@require_http_methods(["GET", "POST"])
@clerk_required("edit_organization")
def edit(request, code):
    org = _org(code)
    form = OrganizationForm(request.POST or None, instance=org)
    if request.method == "POST" and form.is_valid():
        fields, fields_of_service = form.changes()
        try:
            org = actions.update_organization(_actor(request), org, fields_of_service=fields_of_service, **fields)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Saved the changes."))
            _flag_representative(request, org)
            return redirect(org)
    return _page(request, form, _("Edit %(name)s") % {"name": org.name}, org, status=400 if form.errors else 200)


@require_http_methods(["GET", "POST"])
@clerk_required("edit_organization")
def change_status(request, code):
    org = _org(code)
    form = StatusForm(request.POST or None, initial={"status": org.status})
    if request.method == "POST" and form.is_valid():
        try:
            actions.change_status(_actor(request), org, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The status was changed."))
            return redirect(org)
    return _page(request, form, _("Change the status of %(name)s") % {"name": org.name}, org,
                 status=400 if form.errors else 200)


@require_http_methods(["GET", "POST"])
@clerk_required("edit_organization")
def qualification(request, code):
    org = _org(code)
    form = QualificationForm(request.POST or None)
    granting = not org.public_fundraising_qualified
    if request.method == "POST" and form.is_valid():
        try:
            if granting:
                actions.grant_qualification(_actor(request), org, granted_on=form.cleaned_data["on"])
            else:
                actions.revoke_qualification(_actor(request), org, revoked_on=form.cleaned_data["on"])
        except ValidationError as error:
            apply_errors(form, error, aliases={"granted_on": "on", "revoked_on": "on"})
        else:
            messages.success(request, _("The qualification was recorded."))
            return redirect(org)
    title = (_("Grant the public fundraising qualification to %(name)s") if granting
             else _("Revoke the public fundraising qualification of %(name)s")) % {"name": org.name}
    return _page(request, form, title, org, status=400 if form.errors else 200)


@require_http_methods(["GET", "POST"])
@clerk_required("publish_disclosure")
def annual_report(request, code):
    org = _org(code)
    form = AnnualReportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.publish_annual_report(
                _actor(request), org, year=form.cleaned_data["year"], income_fen=form.fen("income"),
                expenditure_fen=form.fen("expenditure"), net_assets_fen=form.fen("net_assets"),
                file=form.cleaned_data["file"])
        except ValidationError as error:
            apply_errors(form, error, aliases={"income_fen": "income", "expenditure_fen": "expenditure",
                                               "net_assets_fen": "net_assets"})
        else:
            messages.success(request, _("The annual report was published."))
            return redirect(org)
    return _page(request, form, _("Publish an annual report of %(name)s") % {"name": org.name}, org,
                 multipart=True, status=400 if form.errors else 200)


@require_http_methods(["GET", "POST"])
@clerk_required("publish_disclosure")
def disclosure(request, code):
    org = _org(code)
    form = DisclosureForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.publish_disclosure(_actor(request), org, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The disclosure was published."))
            return redirect(org)
    return _page(request, form, _("Publish a disclosure of %(name)s") % {"name": org.name}, org,
                 status=400 if form.errors else 200)


@require_http_methods(["GET", "POST"])
@clerk_required("publish_disclosure")
def correction(request, code):
    org = _org(code)
    entries = Entry.objects.filter(subject=org.subject).order_by("-seq")[:200]
    form = CorrectionForm(request.POST or None, entries=entries, initial={"corrects_seq": request.GET.get("seq")})
    if request.method == "POST" and form.is_valid():
        try:
            actions.publish_correction(_actor(request), org, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The correction was published."))
            return redirect(org)
    return _page(request, form, _("Publish a correction for %(name)s") % {"name": org.name}, org,
                 status=400 if form.errors else 200)
