"""The query parser and the snippets, without a database: what a query means, and what a snippet shows."""
# ruff: noqa: RUF001

from __future__ import annotations

import pytest

from app.recommendations import snippets
from app.recommendations.query import MAX_QUERY_TOKENS, Term, parse
from app.recommendations.search import fts5_match, tsquery
from app.recommendations.snippets import snippet


def test_words_phrases_or_exclusions_and_prefixes() -> None:
    query = parse('child "forced labour" torture OR prison -death tort* ab*')
    assert [[term.tokens for term in group] for group in query.required] == [
        [("child",)],
        [("forced", "labour")],
        [("torture",), ("prison",)],
        [("tort",)],
        [("ab",)],  # too short for a prefix: the whole word
    ]
    assert query.excluded == (Term(("death",), forms=()),)
    assert [term.prefix for group in query.required for term in group] == [
        False,
        False,
        False,
        False,
        True,
        False,
    ]
    assert "tortur" in query.required[2][0].forms  # the stem of "torture"


def test_the_last_plain_word_is_also_a_prefix() -> None:
    assert parse("juven").required[0][0].prefix
    assert not parse('"juven"').required[0][0].prefix
    assert not parse("ju").required[0][0].prefix


def test_a_latin_word_against_chinese_characters_is_a_term_of_its_own() -> None:
    def required(query: str) -> list[list[tuple[str, ...]]]:
        return [[term.tokens for term in group] for group in parse(query).required]

    assert required("CRC受教育") == [[("crc",)], [("受", "教", "育")]]
    assert required("HIV/AIDS儿童") == [[("hiv", "aids")], [("儿", "童")]]
    assert required("第116段") == [[("第", "116", "段")]]  # a number goes with its characters
    assert required('"CRC受教育"') == [[("crc", "受", "教", "育")]]  # quoted: a phrase as typed
    assert parse("-CRC受教育").excluded == (Term(("crc", "受", "教", "育")),)  # left out together


def test_engine_syntax_is_never_passed_through() -> None:
    hostile = 'NEAR(a b) "x" * ^col: (a OR) AND NOT \' ; -- {} [] \\ &|!<->:*'
    for rendered in (fts5_match(parse(hostile)), tsquery(parse(hostile))):
        assert rendered is not None
        assert (
            "NEAR(" not in rendered and "^" not in rendered and ";" not in rendered and "\\" not in rendered
        )
    long = " ".join(f"w{n}" for n in range(100))
    assert sum(len(group) for group in parse(long).required) == MAX_QUERY_TOKENS


def test_a_snippet_escapes_the_text_and_marks_stems_and_prefixes() -> None:
    text = 'He said: "torturers <b>tortured</b> & Co." ' + "filler " * 60 + "end"
    marked = snippet(text, parse("torture"))
    assert marked is not None
    assert marked.startswith(
        "He said: &quot;<mark>torturers</mark> &lt;b&gt;<mark>tortured</mark>&lt;/b&gt; &amp;"
    )
    assert marked.endswith("…") and "<b>" not in marked
    late = snippet("word " * 100 + "torture here", parse("torture"))
    assert late is not None and late.startswith("…") and "<mark>torture</mark> here" in late
    assert snippet("Nothing matches.", parse("torture")) == "Nothing matches."
    assert snippet("Anything.", parse("")) is None


def test_snippets_remember_each_querys_words_apart(monkeypatch: pytest.MonkeyPatch) -> None:
    """A page's snippets share what they know of each word, for their query only."""
    text = "torture and prison"
    assert snippet(text, parse("prison")) == "torture and <mark>prison</mark>"
    assert snippet(text, parse("torture")) == "<mark>torture</mark> and prison"
    assert snippet(text, parse("prison")) == "torture and <mark>prison</mark>"
    # More words than a query remembers, then its word: still marked.
    monkeypatch.setattr(snippets, "_MEMO_TOKENS", 4)
    snippets._memo.cache_clear()
    marked = snippet("one two three four five six tortured", parse("torture"))
    assert marked == "one two three four five six <mark>tortured</mark>"
    assert len(snippets._memo(parse("torture"))) <= 4


def test_a_mark_holds_the_whole_word_with_its_combining_marks() -> None:
    # Arabic harakat inside and after a word, a decomposed accent: the word is found and marked
    # whole, never cut before a mark (which would then sit on the next character, or alone).
    assert snippet("حق التَّعْلِيمِ للجميع", parse("التعليم")) == "حق <mark>التَّعْلِيمِ</mark> للجميع"
    assert snippet("توصي اللجنةُ الدولةَ الطرفَ", parse("الدولة")) == "توصي اللجنةُ <mark>الدولةَ</mark> الطرفَ"
    assert snippet("Le Comite\u0301 recommande", parse("comite")) == "Le <mark>Comite\u0301</mark> recommande"
    # A word in Latin letters against Chinese characters: each marked alone.
    assert snippet("UNICEF儿童基金会", parse("儿童")) == "UNICEF<mark>儿童</mark>基金会"


def test_a_snippet_of_a_text_without_spaces_shows_the_match() -> None:
    # Chinese writes no spaces: the excerpt still starts a little before the match, and a space
    # early in the text (after the paragraph number) does not cut it short.
    text = "118.1 委员会建议缔约国：" + "加强国家人权机构的独立性并确保其获得充足资源，" * 12
    text += "确保所有儿童均享有受教育的权利。"
    marked = snippet(text, parse("受教育"))
    assert marked is not None and "<mark>受教育</mark>的权利。" in marked and marked.startswith("…")
    early = snippet(text, parse("委员会"))
    assert early is not None and early.startswith("118.1 <mark>委员会</mark>") and len(early) > 200
    # Cut where no space is near: never between a letter and its combining mark.
    decomposed = snippet("x" + "e\u0301" * 300, parse("zzz"))
    assert decomposed is not None and decomposed.endswith("\u0301…")
    late = snippet("e\u0301" * 300 + " torture", parse("torture"))
    assert late is not None and late.startswith("…e\u0301")


def test_a_snippet_never_starts_inside_the_texts_first_word() -> None:
    # The match a little past LEAD characters, the text's first word (a paragraph number) longer
    # than what is left before it: the excerpt starts with that word, not with its last letters
    # ("…3 Adopter les mesures").
    text = (
        "118.63 Adopter les mesures nécessaires pour prévenir et punir la torture et les mauvais traitements"
    )
    marked = snippet(text, parse("torture"))
    assert marked is not None and marked.startswith("118.63 Adopter les mesures")
    assert "<mark>torture</mark>" in marked


@pytest.mark.parametrize(
    "typed",
    [
        "“forced labour” -“death penalty” ＯＲ",  # typographic quotes (a phone's smart punctuation)
        "«forced labour» -« death penalty » ＯＲ",  # guillemets, French and Russian
        "„forced labour“ -„death penalty“ ＯＲ",
        "＂forced labour＂ －＂death penalty＂ ＯＲ",  # full width (a Chinese input method)
        "「forced labour」 -『death penalty』 ＯＲ",
    ],
)
def test_typographic_and_full_width_syntax_reads_as_its_ascii_twin(typed: str) -> None:
    assert parse(typed) == parse('"forced labour" -"death penalty" OR')
    assert parse("ｔｏｒｔ＊ ＯＲ prison") == parse("tort* OR prison")
