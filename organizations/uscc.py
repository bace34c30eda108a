"""Unified social credit code (统一社会信用代码), GB 32100-2015.

18 characters: registration authority (1), organisation category (1),
registering office's region code (6), organisation code (9, with its own
GB 11714 check character), and a check character over the first 17.
"""

import re

CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # 31 characters: no I, O, S, V, Z
WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
PATTERN = re.compile(r"[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}")


def check_char(first17: str) -> str:
    total = sum(CHARSET.index(c) * w for c, w in zip(first17, WEIGHTS))
    return CHARSET[(31 - total % 31) % 31]


def is_valid(code: str) -> bool:
    return bool(PATTERN.fullmatch(code or "")) and check_char(code[:17]) == code[17]


def complete(first17: str) -> str:
    """Append the check character (for generated demo codes)."""
    return first17 + check_char(first17)
