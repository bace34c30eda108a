"""Forms: the public search (pages, CSV and API) and the registry clerks' forms."""

from decimal import Decimal

from django import forms
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from . import regions
from .actions import EDITABLE_FIELDS
from .models import Disclosure, FieldOfService, Organization

YES_NO = [("", _("Any")), ("yes", _("Yes")), ("no", _("No"))]


def _yes_no(value):
    return {"yes": True, "no": False}.get(value)


class QuickSelect(forms.Select):
    """A <select> written out in Python, with the markup of forms.Select.

    Django renders each option through its own template: the search form's
    eight menus took about 4 ms of every search page that way.
    """

    def render(self, name, value, attrs=None, renderer=None):
        chosen = {str(v) for v in self.format_value(value)}
        options = format_html_join("", "<option value=\"{}\"{}>{}</option>", (
            (key, " selected" if str(key) in chosen else "", label) for key, label in self.choices))
        attrs = format_html_join("", " {}{}", (  # as django/forms/widgets/attrs.html: in order, True bare
            (key, "" if value is True else format_html('="{}"', value))
            for key, value in self.build_attrs(self.attrs, attrs).items() if value is not False))
        return format_html("<select name=\"{}\"{}>{}</select>", name, attrs, options)


class SearchForm(forms.Form):
    """GET parameters of /organizations/ and /api/organizations/; every one optional."""

    q = forms.CharField(label=_("Name, credit code or English name"), required=False, strip=True)
    province = forms.ChoiceField(label=_("Province"), required=False, widget=QuickSelect)
    city = forms.CharField(label=_("City"), required=False)
    type = forms.ChoiceField(label=_("Type"), required=False, choices=[("", _("Any"))] + Organization.Type.choices,
                             widget=QuickSelect)
    status = forms.ChoiceField(label=_("Status"), required=False, widget=QuickSelect,
                               choices=[("", _("Any"))] + Organization.Status.choices)
    qualified = forms.TypedChoiceField(label=_("Public fundraising qualification"), required=False, choices=YES_NO,
                                       coerce=_yes_no, empty_value=None, widget=QuickSelect)
    tax_deductible = forms.TypedChoiceField(label=_("Tax-deductible receipts"), required=False, choices=YES_NO,
                                            coerce=_yes_no, empty_value=None, widget=QuickSelect)
    field = forms.ChoiceField(label=_("Field of service"), required=False, widget=QuickSelect,
                              choices=[("", _("Any"))] + FieldOfService.choices)
    sort = forms.ChoiceField(label=_("Sort by"), required=False, widget=QuickSelect, choices=[
        ("relevance", _("Relevance")), ("name", _("Name")), ("recognized", _("Recognition date, newest first"))])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["province"].choices = [("", _("All provinces"))] + [(p.code, p.name) for p in regions.provinces()]

    def city_choices(self):
        province = self.data.get("province") or ""
        return [(c.code, c.name) for c in regions.children(province)] if regions.is_valid(province) else []

    def clean_city(self):
        city = self.cleaned_data["city"]
        if city and city not in dict(self.city_choices()):
            raise forms.ValidationError(_("Choose a city of the selected province."), code="invalid_city")
        return city


class OrganizationForm(forms.ModelForm):
    """Register (with the credit code) or edit (without it) a charity."""

    fields_of_service = forms.MultipleChoiceField(label=_("Fields of service"), choices=FieldOfService.choices,
                                                  widget=forms.CheckboxSelectMultiple, required=False)
    website = forms.URLField(label=_("website"), max_length=300, required=False, assume_scheme="https")

    class Meta:
        model = Organization
        fields = ["uscc", *EDITABLE_FIELDS]
        widgets = {
            "founded_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "recognized_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "region_code": forms.TextInput(attrs={"inputmode": "numeric", "maxlength": 6, "placeholder": "440305"}),
            "uscc": forms.TextInput(attrs={"autocapitalize": "characters", "maxlength": 18}),
        }
        help_texts = {
            "uscc": _("18 characters, e.g. 53100000500019795A; the last one is a check character."),
            "region_code": _("Six-digit GB/T 2260 code of the province, city or county, e.g. 110101."),
            "legal_representative": _("Name only; the ledger records it as a public role."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            del self.fields["uscc"]
            self.fields["fields_of_service"].initial = self.instance.fields_of_service

    def clean_uscc(self):
        return "".join(self.cleaned_data["uscc"].split()).upper()

    def _post_clean(self):
        # Validation happens in the action, which names the field in its errors;
        # skip ModelForm's instance construction so nothing is assigned twice.
        pass

    def changes(self):
        data = {k: v for k, v in self.cleaned_data.items() if k != "fields_of_service"}
        return data, self.cleaned_data["fields_of_service"]


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("New status"), choices=Organization.Status.choices)
    effective_on = forms.DateField(label=_("Effective on"), widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.CharField(label=_("Reason"), max_length=500, widget=forms.Textarea(attrs={"rows": 3}))


class QualificationForm(forms.Form):
    on = forms.DateField(label=_("Date of the decision"), widget=forms.DateInput(attrs={"type": "date"}))


class AnnualReportForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=1949, max_value=2100)
    income = forms.DecimalField(label=_("Income (yuan)"), max_digits=16, decimal_places=2, min_value=0)
    expenditure = forms.DecimalField(label=_("Expenditure (yuan)"), max_digits=16, decimal_places=2, min_value=0)
    net_assets = forms.DecimalField(label=_("Net assets (yuan)"), max_digits=16, decimal_places=2)
    file = forms.FileField(label=_("Report (PDF, at most 20 MB)"))

    def fen(self, name):
        return int(self.cleaned_data[name] * Decimal(100))


class DisclosureForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=Disclosure.Kind.choices)
    disclosed_on = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    title = forms.CharField(label=_("Title"), max_length=200)
    text = forms.CharField(label=_("Text"), max_length=10000, widget=forms.Textarea(attrs={"rows": 8}))


class CorrectionForm(forms.Form):
    corrects_seq = forms.TypedChoiceField(label=_("Entry to correct"), coerce=int)
    note = forms.CharField(label=_("Correction"), max_length=2000, widget=forms.Textarea(attrs={"rows": 5}))

    def __init__(self, *args, entries=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["corrects_seq"].choices = [(e.seq, f"#{e.seq} {e.kind} {e.time:%Y-%m-%d}") for e in entries]
