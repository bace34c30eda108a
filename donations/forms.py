"""The receipt lookup form: forgiving about spaces, hyphens and case; precise about what is wrong."""

from django import forms
from django.utils.translation import gettext_lazy as _

from . import receipts


class ReceiptLookupForm(forms.Form):
    no = forms.CharField(label=_("Receipt number"), max_length=40,
                         help_text=_("As printed on your receipt, e.g. DK7M-9QXH-TBR2."),
                         widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false",
                                                       "autocapitalize": "characters"}))
    code = forms.CharField(label=_("Verification code"), max_length=40,
                           help_text=_("The 16 letters and digits your platform gave you with the receipt."),
                           widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false",
                                                         "autocapitalize": "characters"}))

    def clean_no(self):
        try:
            return receipts.normalize_receipt_no(self.cleaned_data["no"])
        except receipts.BadReceiptNumber as exc:
            if str(exc) == "check":
                raise forms.ValidationError(_("This receipt number has a typo: its last character does not match "
                                              "the others. Check it against your receipt."), code="check")
            raise forms.ValidationError(_("A receipt number is D followed by 11 letters and digits, e.g. "
                                          "DK7M-9QXH-TBR2 (no I, O, 0 or 1)."), code="format")

    def clean_code(self):
        code = receipts.normalize_code(self.cleaned_data["code"])
        if code is None:
            raise forms.ValidationError(_("A verification code is 16 letters and digits, e.g. "
                                          "ABCD-EFGH-JKLM-NPQR (no I, O, 0 or 1)."), code="format")
        return code
