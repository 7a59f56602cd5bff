"""tasks.text.clean_line: one line of text (a title, a project, tag or view name) with control
characters and line breaks collapsed, so nothing stored can break a header, a log or a feed."""

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tasks.text import clean_line


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Pay invoice", "Pay invoice"),
        ("Pay invoice\r\nBcc: x@example.com", "Pay invoice Bcc: x@example.com"),
        ("a\nb", "a b"),
        ("a\rb", "a b"),
        ("a \r\n\t b", "a b"),
        ("a\x00b", "a b"),
        ("a\x1bb\x7fc", "a b c"),
        ("a\u0085b\u2028c\u2029d", "a b c d"),  # NEL, line and paragraph separators
        ("  padded\n", "padded"),
        ("\r\n", ""),
        ("", ""),
        ("two  spaces stay", "two  spaces stay"),
        ("Café 🙂 über", "Café 🙂 über"),
        ("a\u200db", "a\u200db"),  # a zero-width joiner is part of emoji, not a control
    ],
)
def test_it_collapses_control_characters_and_line_breaks(text, expected):
    assert clean_line(text) == expected


@given(st.text())
def test_it_never_leaves_a_control_character_or_line_break(text):
    cleaned = clean_line(text)
    assert cleaned == cleaned.strip()
    assert not any(unicodedata.category(c) in ("Cc", "Zl", "Zp") for c in cleaned)
    assert clean_line(cleaned) == cleaned  # idempotent: a second write changes nothing
