"""The fast canonical JSON writes exactly the RFC 8785 bytes, or falls back."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from certbench.canonical import canonical_bytes
from certbench.sync.fastjson import fast_canonical_bytes

_TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=12)
_SCALARS = st.none() | st.booleans() | st.integers(-(2**53) + 1, 2**53 - 1) | _TEXT
_VALUES = st.recursive(
    _SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_TEXT, inner, max_size=4),
    max_leaves=20,
)


@settings(max_examples=120, deadline=None)
@given(_VALUES)
def test_fast_path_equals_rfc8785(value: object) -> None:
    assert fast_canonical_bytes(value) == canonical_bytes(value)


def test_tricky_strings_and_keys() -> None:
    samples = [
        {"b": "\u2028\u2029\x7f\x00\x1f\"\\/", "a": "杭州 😀", "é": 1, "\U0001f600": 2,
         "\ufb01": 3},
        {"big": 2**53 - 1, "neg": -(2**53) + 1, "list": [True, False, None, "", {}]},
        ["\ud800"[:0] + "x", 0, -0],
    ]
    for value in samples:
        assert fast_canonical_bytes(value) == canonical_bytes(value)
