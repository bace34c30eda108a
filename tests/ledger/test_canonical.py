"""Our canonical bytes equal RFC 8785 JCS (the rfc8785 package) under §1.2 rules."""

import pytest
import rfc8785
from hypothesis import given, settings
from hypothesis import strategies as st

from ledger import canonical

ascii_keys = st.text(alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=12)
texts = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40) | st.sampled_from(
    ["希望工程", "中国青少年发展基金会", "😀 emoji", "\u2028\u2029", "\x00\x1f\x7f", '"\\/', "é"])
ints = st.integers(min_value=-(2**53 - 1), max_value=2**53 - 1) | st.sampled_from(
    [0, -1, 2**53 - 1, -(2**53 - 1), 2**31, 10**15])
scalars = st.none() | st.booleans() | ints | texts
values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=5)
                      | st.dictionaries(ascii_keys, inner, max_size=6), max_leaves=30)
entries = st.fixed_dictionaries({
    "v": st.just(1), "seq": st.integers(0, 2**53 - 1), "prev": st.text("0123456789abcdef", min_size=64, max_size=64),
    "time": st.just("2026-11-27T07:19:35.123456Z"), "kind": st.sampled_from(["organization.registered", "a.b"]),
    "subject": texts, "actor": texts, "data": st.dictionaries(ascii_keys, values, max_size=8)})


@settings(max_examples=2000, deadline=None)
@given(entries)
def test_equals_rfc8785_on_random_entries(entry):
    assert canonical.canonical_bytes(entry) == rfc8785.dumps(entry)


@pytest.mark.parametrize("bad", [1.5, {"a": 0.0}, {"名": 1}, {"a": 2**53}, {"a": "\ud800"}, {1: 2}, b"x"])
def test_value_rules_refuse(bad):
    with pytest.raises(canonical.CanonicalError):
        canonical.dumps(bad)
