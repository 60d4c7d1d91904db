"""``html_to_text`` (app/feed/fields.py), the plain text of a record's HTML, is total: any markup
soup gives plain text, without a script's code, each run of spaces one space."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.feed.fields import html_to_text

_HTML_PIECES = st.sampled_from(
    ["<p>", "</p>", "<br/>", "<script>", "</script>", "<style>", "<!--", "-->", "<![CDATA[", "]]>",
     '<a title="x>y">', "<b class='q'>", "&nbsp;", "&amp;", "&#40;", "&eacute;", "&", "<", ">", " ",
     "\n", "\u200b", "\x00", "x", "18.", "é", "<p", "'", '"', "<![", ";", "alert(1)"]
)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.lists(_HTML_PIECES, max_size=12).map("".join))
def test_html_to_text_never_fails_and_never_shows_script(html: str) -> None:
    text = html_to_text(html)
    assert "\x00" not in text and "\u200b" not in text
    assert "<script>" not in text and "<p>" not in text
    unclosed_script = "<script>" in html and "</script>" not in html and "<!" not in html
    if unclosed_script and "alert(1)" not in html.split("<script>")[0]:
        assert "alert(1)" not in text


@pytest.mark.parametrize(
    ("html", "plain"),
    [
        ("<p>Adopt  a law</p>", "Adopt a law"),  # two spaces
        ("<p>Adopt a\tlaw</p>", "Adopt a law"),  # a tab
        ("Adopt\u00a0a law\u3000now", "Adopt a law now"),  # no-break and ideographic spaces
        ("Adopt &nbsp; a&#9;law", "Adopt a law"),  # spaces written as entities
        ("Adopt a\x0b\x0claw", "Adopt alaw"),  # vertical tab and form feed: removed, not spaces
        ("Adopt a\ufffe law\uffff.", "Adopt a law."),  # noncharacters: no document may hold them
        ("Adopt a law.", "Adopt a law."),  # nothing to change: the text as it is
    ],
)
def test_html_to_text_makes_every_run_of_spaces_one(html: str, plain: str) -> None:
    assert html_to_text(html) == plain
