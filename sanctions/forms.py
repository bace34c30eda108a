from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import LIST_GROUNDS, Appeal, Decision, Ground, ListKind, SubjectType


class NoEchoInput(forms.TextInput):
    """A text box that never sends its value back to the browser: an ID number is not echoed into a page."""

    def format_value(self, value):
        return None


def apply_errors(form, exc: ValidationError):
    """Put an action's ValidationError on the form, on the field it names when the form has it."""
    for field, messages in exc.message_dict.items():
        for message in messages:
            form.add_error(field if field in form.fields else None, message)


class DecisionForm(forms.Form):
    list_kind = forms.ChoiceField(label=_("List"), choices=ListKind.choices)
    ground = forms.ChoiceField(label=_("Ground"), choices=Ground.choices)
    subject_type = forms.ChoiceField(label=_("Party type"), choices=SubjectType.choices)
    subject_code = forms.CharField(label=_("Credit code or platform code"), required=False, max_length=32,
                                   help_text=_("For a charity or a platform."))
    id_number = forms.CharField(label=_("Resident ID number"), required=False, max_length=40,
                                widget=NoEchoInput(attrs={"autocomplete": "off"}),
                                help_text=_("For a person. Only its keyed hash and a masked form are stored."))
    subject_name = forms.CharField(label=_("Name of the party"), max_length=200)
    decision_no = forms.CharField(label=_("Decision number"), max_length=100)
    authority = forms.CharField(label=_("Deciding authority"), max_length=200)
    legal_basis = forms.CharField(label=_("Legal basis"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))
    facts = forms.CharField(label=_("Facts"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4}))
    effective_on = forms.DateField(label=_("Effective from"), widget=forms.DateInput(attrs={"type": "date"}))
    expires_on = forms.DateField(label=_("Listed until (exclusive)"), required=False,
                                 widget=forms.DateInput(attrs={"type": "date"}),
                                 help_text=_("Empty for the serious-dishonesty list means five years."))
    removal_conditions = forms.CharField(label=_("Conditions for removal"), required=False, max_length=1000,
                                         widget=forms.Textarea(attrs={"rows": 2}),
                                         help_text=_("Required for the abnormal-activity list."))
    evidence_title = forms.CharField(label=_("Evidence title"), required=False, max_length=200)
    evidence_file = forms.FileField(label=_("Evidence file"), required=False)

    def clean(self):
        data = super().clean()
        kind, ground = data.get("list_kind"), data.get("ground")
        if kind and ground and ground not in LIST_GROUNDS[kind]:
            self.add_error("ground", _("This ground does not belong to the chosen list."))
        if data.get("evidence_file") and not data.get("evidence_title"):
            self.add_error("evidence_title", _("Give the evidence file a title."))
        return data


class EvidenceForm(forms.Form):
    title = forms.CharField(label=_("Evidence title"), max_length=200)
    file = forms.FileField(label=_("Evidence file"))


class RemoveForm(forms.Form):
    reason = forms.ChoiceField(label=_("Reason"), choices=[
        (c, label) for c, label in Decision.EndReason.choices if c != Decision.EndReason.ESCALATED])
    end_note = forms.CharField(label=_("Explanation"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))
    removed_on = forms.DateField(label=_("Removed on"), initial=timezone.localdate,
                                 widget=forms.DateInput(attrs={"type": "date"}))


class AppealForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of appeal"), choices=Appeal.Kind.choices)
    filed_on = forms.DateField(label=_("Filed on"), widget=forms.DateInput(attrs={"type": "date"}))
    body = forms.CharField(label=_("Reviewing body"), max_length=200)
    summary = forms.CharField(label=_("Grounds of the appeal"), max_length=2000,
                              widget=forms.Textarea(attrs={"rows": 2}))


class AppealDecisionForm(forms.Form):
    appeal = forms.TypedChoiceField(label=_("Appeal"), coerce=int)
    outcome = forms.ChoiceField(label=_("Outcome"), choices=[
        (Appeal.Outcome.UPHELD, Appeal.Outcome.UPHELD.label),
        (Appeal.Outcome.OVERTURNED, Appeal.Outcome.OVERTURNED.label)])
    decided_on = forms.DateField(label=_("Decided on"), widget=forms.DateInput(attrs={"type": "date"}))
    outcome_note = forms.CharField(label=_("Reasons for the outcome"), max_length=2000,
                                   widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, pending=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["appeal"].choices = [(a.pk, f"#{a.number} {a.get_kind_display()} {a.filed_on}") for a in pending]


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Name, credit code, decision number or ID number"), max_length=100, required=False,
                        widget=NoEchoInput(attrs={"autocomplete": "off"}))
