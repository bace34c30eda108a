"""The staff workspace, /staff/: queues, and decision forms that call actions.

Every page needs a login; each form needs the permission its action checks.
A refused action re-renders the page with the reason next to the field (400).
"""

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from ledger.pages import ledger_history

from . import forms, queries
from .actions import keys as key_actions
from .actions import platforms as platform_actions
from .models import ApiKey, Objection, Platform, Recommendation, SupervisionRecord
from .rules import RuleError

FUNDRAISING_PERMS = ("review_platform", "supervise_platform", "manage_api_keys", "review_campaign",
                     "file_campaign", "add_platform")


def staff_required(view):
    """Login, then at least one staff permission of the workspace."""

    @login_required
    def wrapper(request, *args, **kwargs):
        if not any(request.user.has_perm(f"fundraising.{p}") for p in FUNDRAISING_PERMS):
            raise PermissionDenied(_("This workspace is for ministry staff."))
        return view(request, *args, **kwargs)

    wrapper.__name__ = view.__name__
    return wrapper


def _registry_url():
    try:
        return reverse("staff-organizations")
    except NoReverseMatch:
        return None


@staff_required
def dashboard(request):
    return render(request, "staff/dashboard.html", {"queues": queries.staff_queues(request.user),
                                                    "registry_url": _registry_url()})


@dataclass
class PlatformAction:
    form: type
    perm: str
    label: str
    run: object  # run(user, platform, cleaned_data, target) -> message
    target: type | None = None  # the model a sub-object id in the URL refers to


def _decide(user, platform, d, rec):
    platform_actions.decide(user, rec, d["decision"] == "approve", d["reason"], batch=d.get("batch"),
                            designated_on=d.get("designated_on"))


PLATFORM_ACTIONS = {
    "review": PlatformAction(forms.ReasonForm, "review_platform", gettext_lazy("Start the review"),
                             lambda u, p, d, t: platform_actions.start_review(u, p, d["reason"])),
    "notice": PlatformAction(forms.NoticeForm, "review_platform", gettext_lazy("Start the public notice"),
                             lambda u, p, d, t: platform_actions.start_notice(u, p, d["ends_on"], d["reason"])),
    "objection": PlatformAction(forms.ObjectionForm, "review_platform", gettext_lazy("Record an objection"),
                                lambda u, p, d, t: platform_actions.record_objection(u, p, d["received_on"],
                                                                                     d["summary"])),
    "answer": PlatformAction(forms.AnswerForm, "review_platform", gettext_lazy("Answer the objection"),
                             lambda u, p, d, t: platform_actions.answer_objection(u, t, d["answer"]), Objection),
    "recommend": PlatformAction(forms.RecommendForm, "review_platform", gettext_lazy("Record a recommendation"),
                                lambda u, p, d, t: platform_actions.recommend(u, p, d["outcome"], d["reason"])),
    "decide": PlatformAction(forms.DecideForm, "review_platform", gettext_lazy("Decide"), _decide, Recommendation),
    "talk": PlatformAction(forms.TalkForm, "supervise_platform", gettext_lazy("Record a talk"),
                           lambda u, p, d, t: platform_actions.record_talk(u, p, d["held_on"], d["reason"])),
    "rectify": PlatformAction(forms.RectificationForm, "supervise_platform", gettext_lazy("Order rectification"),
                              lambda u, p, d, t: platform_actions.order_rectification(u, p, d["deadline"],
                                                                                      d["reason"])),
    "rectified": PlatformAction(forms.NoteForm, "supervise_platform", gettext_lazy("Record rectification done"),
                                lambda u, p, d, t: platform_actions.complete_rectification(u, t, d["note"]),
                                SupervisionRecord),
    "suspend": PlatformAction(forms.SuspendForm, "supervise_platform", gettext_lazy("Suspend"),
                              lambda u, p, d, t: platform_actions.suspend(u, p, d["until"], d["reason"])),
    "reinstate": PlatformAction(forms.ReasonForm, "supervise_platform", gettext_lazy("Reinstate"),
                                lambda u, p, d, t: platform_actions.reinstate(u, p, d["reason"])),
    "revoke_key": PlatformAction(forms.ReasonForm, "manage_api_keys", gettext_lazy("Revoke the key"),
                                 lambda u, p, d, t: key_actions.revoke_api_key(u, t, d["reason"]), ApiKey),
}


@staff_required
def platform_list(request):
    platforms = Platform.objects.annotate(
        open_objections=Count("objections", filter=Q(objections__answered_at__isnull=True))).order_by("status", "code")
    return render(request, "staff/platform_list.html", {"platforms": platforms})


@staff_required
def platform_new(request):
    if not request.user.has_perm("fundraising.add_platform"):
        raise PermissionDenied
    form = forms.ApplicationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            platform = platform_actions.apply_platform(request.user, **form.cleaned_data)
        except RuleError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, _("Application recorded."))
            return redirect("staff-platform", platform.code)
    return render(request, "staff/platform_new.html", {"form": form}, status=400 if form.errors else 200)


def _platform_context(request, platform, bound=None):
    user = request.user
    ctx = {
        "platform": platform,
        "objections": platform.objections.select_related("recorded_by", "answered_by"),
        "recommendations": platform.recommendations.select_related("recommended_by", "decided_by"),
        "supervision": platform.supervision.all(),
        "keys": platform.api_keys.annotate(use_count=Count("uses")).order_by("-created_at"),
        "history": ledger_history(platform.subject),
        "open_recommendation": platform.recommendations.filter(state=Recommendation.State.OPEN).first(),
        "forms": {},
    }
    for name, action in PLATFORM_ACTIONS.items():
        if user.has_perm(f"fundraising.{action.perm}") and action.target is None:
            ctx["forms"][name] = action.form(prefix=name)
    if user.has_perm("fundraising.manage_api_keys"):
        ctx["forms"]["issue_key"] = forms.IssueKeyForm(prefix="issue_key")
    for perm in ("review_platform", "supervise_platform", "manage_api_keys"):
        ctx[f"can_{perm}"] = user.has_perm(f"fundraising.{perm}")
    ctx["answer_form"] = forms.AnswerForm(prefix="answer")
    ctx["decide_form"] = forms.DecideForm(prefix="decide")
    ctx["note_form"] = forms.NoteForm(prefix="rectified")
    ctx["revoke_key_form"] = forms.ReasonForm(prefix="revoke_key")
    if bound:
        name, target_id, form = bound
        ctx.update(bound_name=name, bound_target=target_id, bound_form=form)
        if name in ctx["forms"]:
            ctx["forms"][name] = form
    return ctx


@staff_required
def platform_detail(request, code):
    platform = get_object_or_404(Platform, code=code)
    return render(request, "staff/platform_detail.html", _platform_context(request, platform))


@require_POST
@staff_required
def platform_action(request, code, action, target_id=None):
    platform = get_object_or_404(Platform, code=code)
    spec = PLATFORM_ACTIONS.get(action)
    if spec is None or (spec.target is None) != (target_id is None):
        raise PermissionDenied(_("Unknown action."))
    if not request.user.has_perm(f"fundraising.{spec.perm}"):
        raise PermissionDenied
    # A sub-object (objection, recommendation, order, key) must belong to the platform in the URL.
    target = get_object_or_404(spec.target, pk=target_id, platform=platform) if spec.target else None
    form = spec.form(request.POST, prefix=action)
    if form.is_valid():
        try:
            spec.run(request.user, platform, form.cleaned_data, target)
        except RuleError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, _("Done: %(action)s.") % {"action": spec.label})
            return redirect("staff-platform", platform.code)
    platform.refresh_from_db()
    ctx = _platform_context(request, platform, bound=(action, target_id, form))
    return render(request, "staff/platform_detail.html", ctx, status=400)


@require_POST
@staff_required
def issue_key(request, code):
    platform = get_object_or_404(Platform, code=code)
    if not request.user.has_perm("fundraising.manage_api_keys"):
        raise PermissionDenied
    form = forms.IssueKeyForm(request.POST, prefix="issue_key")
    if form.is_valid():
        try:
            key, plain = key_actions.issue_api_key(request.user, platform, form.cleaned_data["label"])
        except RuleError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            # Shown in this response only: never stored, never redirected through a session.
            response = render(request, "staff/key_issued.html", {"platform": platform, "key": key, "plain": plain})
            response["Cache-Control"] = "no-store"
            return response
    ctx = _platform_context(request, platform, bound=("issue_key", None, form))
    return render(request, "staff/platform_detail.html", ctx, status=400)
