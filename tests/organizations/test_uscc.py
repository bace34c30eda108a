"""GB 32100-2015 credit codes: real published codes pass, every single corruption fails."""

import pytest

from organizations import uscc

# Codes published by their holders or printed on their invoices, with the
# check character as issued (none of them was generated here):
REAL_CODES = {
    "91350100M000100Y43": "the example in GB 32100-2015 itself",
    "53100000500019795A": "中国社会福利基金会 (national foundation, its published registration facts)",
    "53100000500021676K": "北京理工大学教育基金会 (national foundation, on its electronic invoices)",
    "51100000500002862F": "中国自动化学会 (national social group, its invoice title)",
    "51100000500012681T": "中国医疗保健国际交流促进会 (national social group, its invoice title)",
    "12440300455752807L": "a public institution in Shenzhen (invoice header), category 12",
}


@pytest.mark.parametrize("code", sorted(REAL_CODES))
def test_real_published_codes_are_valid(code):
    assert uscc.is_valid(code)
    assert uscc.check_char(code[:17]) == code[17]


@pytest.mark.parametrize("code", sorted(REAL_CODES))
def test_every_single_character_corruption_is_detected(code):
    # 18 positions x 30 other characters (or 9 other digits in the region part).
    tried = 0
    for position in range(18):
        alphabet = "0123456789" if 2 <= position < 8 else uscc.CHARSET
        for c in alphabet:
            if c == code[position]:
                continue
            corrupted = code[:position] + c + code[position + 1:]
            assert not uscc.is_valid(corrupted), f"{corrupted} (position {position + 1}) passed"
            tried += 1
    assert tried == 2 * 30 + 6 * 9 + 10 * 30


@pytest.mark.parametrize("code", sorted(REAL_CODES))
def test_adjacent_transpositions_are_detected(code):
    for i in range(17):
        if code[i] != code[i + 1]:
            swapped = code[:i] + code[i + 1] + code[i] + code[i + 2:]
            assert not uscc.is_valid(swapped), f"{swapped} passed"


@pytest.mark.parametrize("bad", [
    "", "53100000500019795", "53100000500019795AA", "53100000500019795a", " 53100000500019795A",
    "5310000050001979IA", "53100000500019795O", "5310000050001979SA", "53A00000500019795A", None,
    "５３１０００００５０００１９７９５Ａ",
])
def test_malformed_codes_are_refused(bad):
    assert not uscc.is_valid(bad)


def test_letters_never_used_by_the_standard():
    assert not set("IOSVZ") & set(uscc.CHARSET)
    assert len(uscc.CHARSET) == 31
