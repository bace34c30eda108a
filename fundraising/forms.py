"""Staff forms. Each decision form requires a reason; the actions enforce the rules."""

from django import forms
from django.utils.translation import gettext_lazy as _

from organizations.models import Organization

from .models import Campaign, Platform, Recommendation

REASON_HELP = _("Published in the ledger: no names of private persons, phone numbers or ID numbers.")


def reason_field(label=None):
    return forms.CharField(label=label or _("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}),
                           help_text=REASON_HELP)


class DateInput(forms.DateInput):
    input_type = "date"


def date_field(label, required=True):
    return forms.DateField(label=label, required=required, widget=DateInput())


class ApplicationForm(forms.ModelForm):
    site_url = forms.URLField(label=_("site URL"), max_length=200, assume_scheme="https")

    class Meta:
        model = Platform
        fields = ["code", "name", "operator_name", "operator_uscc", "site_url", "commitments", "contact_name",
                  "contact_phone", "contact_email", "applied_on"]
        widgets = {"applied_on": DateInput(), "commitments": forms.Textarea(attrs={"rows": 4})}
        help_texts = {
            "code": _("The platform's permanent public code, e.g. tencent-gongyi: its page is /platforms/<code>/."),
            "contact_name": _("For staff only; never published."),
            "contact_phone": _("For staff only; never published."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Optional on the model (platforms designated before the portal have none), required for an application.
        for name in ("contact_name", "contact_phone"):
            self.fields[name].required = True


class ReasonForm(forms.Form):
    reason = reason_field()


class NoticeForm(forms.Form):
    ends_on = date_field(_("Public notice until"))
    reason = reason_field()


class ObjectionForm(forms.Form):
    received_on = date_field(_("Received on"))
    summary = forms.CharField(label=_("Summary of the objection"), max_length=2000,
                              widget=forms.Textarea(attrs={"rows": 3}), help_text=REASON_HELP)


class AnswerForm(forms.Form):
    answer = forms.CharField(label=_("Answer"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}),
                             help_text=REASON_HELP)


class RecommendForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Recommended outcome"), choices=Recommendation.Outcome.choices)
    reason = reason_field()


class DecideForm(forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), widget=forms.RadioSelect,
                                 choices=[("approve", _("Approve the recommendation")),
                                          ("decline", _("Decline the recommendation"))])
    batch = forms.IntegerField(label=_("Batch number (designation only)"), min_value=1, max_value=999,
                               required=False)
    designated_on = date_field(_("Designation date (designation only)"), required=False)
    reason = reason_field()


class TalkForm(forms.Form):
    held_on = date_field(_("Held on"))
    reason = reason_field(_("Subject and outcome of the talk"))


class RectificationForm(forms.Form):
    deadline = date_field(_("Rectify by"))
    reason = reason_field(_("What must be rectified"))


class NoteForm(forms.Form):
    note = reason_field(_("How it was rectified"))


class SuspendForm(forms.Form):
    until = date_field(_("Suspended until"))
    reason = reason_field()


class IssueKeyForm(forms.Form):
    label = forms.CharField(label=_("Label"), max_length=100, required=False,
                            help_text=_("E.g. production 2026; shown in the ledger."))


class CampaignFilingForm(forms.Form):
    organization = forms.CharField(label=_("Charity's unified social credit code"), max_length=18)
    title = forms.CharField(label=_("Title"), max_length=200)
    purpose = forms.CharField(label=_("Purpose"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4}))
    target_yuan = forms.DecimalField(label=_("Target (yuan)"), min_value=0.01, max_digits=15, decimal_places=2)
    starts_on = date_field(_("Starts on"))
    ends_on = date_field(_("Ends on"))
    region_code = forms.CharField(label=_("Region code (GB/T 2260)"), min_length=6, max_length=6)
    platforms = forms.ModelMultipleChoiceField(
        label=_("Platforms"), queryset=Platform.objects.filter(status=Platform.Status.DESIGNATED).order_by("name"),
        widget=forms.CheckboxSelectMultiple)

    def clean_organization(self):
        code = self.cleaned_data["organization"].strip().upper()
        org = Organization.objects.filter(uscc=code).first()
        if org is None:
            raise forms.ValidationError(_("No charity is registered with this credit code."))
        return org

    def clean(self):
        data = super().clean()
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] < data["starts_on"]:
            self.add_error("ends_on", _("The end date cannot be before the start date."))
        return data


def yuan_to_fen(value):
    return int(value * 100)


class CampaignReviewForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=[(Campaign.Review.ACCEPTED, _("Accept the filing")),
                                                             (Campaign.Review.CORRECTION, _("Request a correction"))])
    note = reason_field(_("Note"))


class ReportForm(forms.Form):
    final = forms.BooleanField(label=_("This is the final report"), required=False)
    period_end = date_field(_("Figures up to"))
    raised_yuan = forms.DecimalField(label=_("Raised (yuan)"), min_value=0, max_digits=15, decimal_places=2)
    spent_yuan = forms.DecimalField(label=_("Spent (yuan)"), min_value=0, max_digits=15, decimal_places=2)
    donations_count = forms.IntegerField(label=_("Number of donations"), min_value=0, required=False)
    summary = forms.CharField(label=_("Summary"), max_length=4000, required=False,
                              widget=forms.Textarea(attrs={"rows": 3}), help_text=REASON_HELP)
