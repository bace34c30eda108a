"""Text normalisation shared by stored search keys and queries.

Both sides go through the same function, so a match means the same thing on
PostgreSQL and SQLite: the query is a substring of the normalised name,
English name or credit code. NFKC folds full-width letters, digits and
brackets (ＡＢＣ, （）) to their ASCII forms, and lower() makes Latin text
and credit codes case-insensitive.
"""

import re
import unicodedata

# The separator between the fields of a search key; removed from queries, so
# no match can straddle two fields.
SEPARATOR = "\x1f"
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_SPACES = re.compile(r"\s+")
_CJK = re.compile(r"[\u2e80-\u2fdf\u3000-\u303f\u3040-\u30ff\u3100-\u312f\u31a0-\u31bf\u3400-\u4dbf"
                  r"\u4e00-\u9fff\uf900-\ufaff\ufe30-\ufe4f\U00020000-\U0003134f]")


def normalize(text):
    text = unicodedata.normalize("NFKC", text or "").lower()
    text = _CONTROL.sub(" ", text)
    return _SPACES.sub(" ", text).strip()


def search_key(name, name_en, uscc):
    return SEPARATOR.join([normalize(name), normalize(name_en), normalize(uscc)])


def has_cjk(text):
    return bool(_CJK.search(text or ""))
