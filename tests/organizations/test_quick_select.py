"""The search form's menus are written out in Python (QuickSelect): the same markup as Django's Select."""

import re

import pytest
from django import forms

from organizations.forms import QuickSelect, SearchForm

MENUS = ["province", "type", "status", "qualified", "tax_deductible", "field", "sort"]


def _tidy(html):
    return re.sub(r">\s+<", "><", re.sub(r"\s+", " ", html)).strip()


@pytest.mark.parametrize("data", [
    {}, {"province": "440000", "type": "foundation", "qualified": "yes", "sort": "name"},
    {"province": "x<'\"&", "status": "nonsense", "field": "education"},  # invalid: errors, aria attributes, escaping
])
def test_same_markup_as_django_select(data):
    form = SearchForm(data)
    form.is_valid()
    for name in MENUS:
        assert isinstance(form.fields[name].widget, QuickSelect)
        quick = str(form[name])
        form.fields[name].widget.__class__ = forms.Select
        assert _tidy(quick) == _tidy(str(form[name])), name
