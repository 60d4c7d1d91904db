"""The stems a search document holds (app.feed.stemming): each text's words stemmed by its
language's Snowball stemmer, the stems that differ from their words, each once, in order."""

from __future__ import annotations

import pytest
import Stemmer

from app.feed import stemming
from app.feed.fields import fold
from app.feed.stemming import STEMMER_LANGUAGES, search_document, stems

TEXTS = {
    "en": "The State party should prevent torture and investigate tortured detainees' complaints",
    "fr": "Les enfants détenus doivent être protégés contre la torture et les mauvais traitements",
    "es": "Los niños detenidos deben ser protegidos contra la tortura y los malos tratos",
    "ru": "Государство должно предотвращать пытки и расследовать жалобы задержанных детей",
    "ar": "ينبغي للدولة أن تمنع التعذيب وأن تحقق في شكاوى المحتجزين",
}


def _expected(tokens: list[str], lang: str) -> list[str]:
    """What ``stems`` gives, computed word by word with PyStemmer itself."""
    stemmer = Stemmer.Stemmer(STEMMER_LANGUAGES[lang])
    found: list[str] = []
    for token in tokens:
        stem = stemmer.stemWord(token)
        if stem and stem != token and stem not in found and fold(stem) == [stem]:
            found.append(stem)
    return found


@pytest.mark.parametrize("lang", sorted(TEXTS))
def test_the_stems_are_pystemmers_each_once_in_order_also_when_remembered(lang: str) -> None:
    tokens = fold(TEXTS[lang]) * 2
    expected = _expected(tokens, lang)
    assert expected  # every one of these texts has words that stem
    assert stems(tokens, lang) == expected
    assert stems(tokens, lang) == expected  # the second time from the words remembered
    assert stems(list(reversed(tokens)), lang) == _expected(list(reversed(tokens)), lang)


def test_chinese_and_unstemmed_languages_add_no_stems() -> None:
    assert stems(fold("酷刑 torture"), "zh") == []
    assert stems(["酷", "刑"], "en") == []  # one-character CJK tokens are not stemmed


def test_the_remembered_words_are_forgotten_beyond_their_bound(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(stemming, "_ADDED_WORDS", 3)
    stemming._added_stems("en").clear()
    tokens = fold(TEXTS["en"])
    for _ in range(3):
        assert stems(tokens, "en") == _expected(tokens, "en")
        assert len(stemming._added_stems("en")) <= 3


def test_a_search_document_holds_the_symbol_the_words_then_their_stems() -> None:
    document = search_document({"en": "Tortured detainees"}, "CAT/C/PER/CO/7")
    assert document == "cat c per co 7 tortured detainees tortur detaine"


def test_an_english_irregular_plural_adds_its_singulars_stem_besides_its_own() -> None:
    assert stems(fold("women people peoples children women"), "en") == ["woman", "peopl", "person", "child"]
    assert stems(fold("women"), "fr") == []  # an English word in another language's text: its own stems only
    assert "woman" in stemming.word_forms("women")
    assert "women" not in stemming.word_forms("woman")  # the document of "women" holds "woman"
