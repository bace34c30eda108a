"""Every documented entry kind has a human name, in Chinese and in English."""

import re
from pathlib import Path

from django.utils import translation

from ledger.pages import kind_label, kind_labels

DOC = Path(__file__).resolve().parents[2] / "docs" / "ledger-kinds.md"


def documented_kinds():
    text = DOC.read_text(encoding="utf-8")
    return set(re.findall(r"`((?:organization|platform|campaign|donation|disbursement|sanction)\.[a-z_]+)`", text))


def test_every_documented_kind_has_a_label_and_no_label_is_undocumented():
    kinds = documented_kinds()
    assert len(kinds) > 30
    assert kinds == set(kind_labels())


def test_labels_are_translated():
    for kind in kind_labels():
        with translation.override("en"):
            english = str(kind_label(kind))
        with translation.override("zh-hans"):
            chinese = str(kind_label(kind))
        assert english != kind
        assert chinese != english and re.search(r"[\u4e00-\u9fff]", chinese), (kind, chinese)
    assert kind_label("unknown.kind") == "unknown.kind"
