"""Word stems for full-text search: the Snowball stemmers of English, French, Spanish, Russian and Arabic.

The search document (``search_document``) holds the words of a recommendation's document symbol
(``A/HRC/22/15``: "a hrc 22 15", so that the symbol typed as a query, a phrase of those words, finds
that document's recommendations), its folded words, in order, then the stems of its words that
differ from them, each text stemmed by its own language's stemmer.
A query word is looked for as itself and as its stem in each of those languages (the language a
reader types in is not known), so ``tortured`` finds "torture" and ``enfant`` finds "enfants" on
SQLite and PostgreSQL alike: both index the same document with a plain word tokenizer. Phrases
match the folded words only, which stay adjacent because the stems come after them. Chinese has no
stemmer and keeps its one-character tokens (see ``app.feed.fields.fold``).

Snowball stems suffixes, so an English plural that is another word ("women", "children") keeps a
stem of its own and never met its singular: a word of ``IRREGULAR_PLURALS`` also stands for its
singular's stem, in an English text's document and in a query alike.

Changing what the document holds changes every stored document: raise ``SEARCH_DOCUMENT_VERSION``
and ``nrtd migrate`` rebuilds them (``app.recommendations.search_index``).
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping
from functools import lru_cache

import Stemmer

from app.feed.fields import CJK, fold

# 1: folded words only; 2: folded words, then their stems; 3: the symbol's words first; 4: Russian
# "й" kept, Arabic tatweel dropped (app.feed.fields.fold); 5: English irregular plurals' singulars;
# 6: "œ" and "æ" folded to "oe" and "ae" ("oeuvre" finds "œuvre").
SEARCH_DOCUMENT_VERSION = 6

STEMMER_LANGUAGES = {"en": "english", "fr": "french", "es": "spanish", "ru": "russian", "ar": "arabic"}

# The English plurals the recommendations use that are not their singular plus a suffix Snowball
# removes, with that singular. A plural keeps its own stem too: "people" still finds "peoples"
# (nations, as in "indigenous peoples") through "peopl", while "peoples" is not a person and stays
# out of "person". "lives" is also a verb ("who lives in"); a noun far more often in these texts.
# Not "feet", "teeth", "mice": no recommendation turns on them.
IRREGULAR_PLURALS: dict[str, dict[str, str]] = {
    "en": {
        "women": "woman",
        "men": "man",
        "children": "child",
        "people": "person",
        "wives": "wife",
        "lives": "life",
        "crises": "crisis",
        "criteria": "criterion",
    }
}

# A PyStemmer object keeps a cache and is not safe to share between threads.
_local = threading.local()


def _stemmer(lang: str) -> Stemmer.Stemmer | None:
    name = STEMMER_LANGUAGES.get(lang)
    if name is None:
        return None
    stemmers: dict[str, Stemmer.Stemmer] | None = getattr(_local, "stemmers", None)
    if stemmers is None:
        stemmers = _local.stemmers = {}
    if lang not in stemmers:
        stemmers[lang] = Stemmer.Stemmer(name)
    return stemmers[lang]


def _stemmable(token: str) -> bool:
    return token.isascii() or not CJK.match(token)


def _word_stems(stemmer: Stemmer.Stemmer, lang: str, word: str) -> list[str]:
    """A folded word's stem in ``lang`` and, for an irregular plural, its singular's stem."""
    found = [stemmer.stemWord(word)]
    singular = IRREGULAR_PLURALS.get(lang, {}).get(word)
    if singular is not None:
        found.append(stemmer.stemWord(singular))
    return found


def _one_word(stem: str) -> bool:
    """Whether a stem is one folded word, as the document's tokenizer will read it."""
    return fold(stem) == [stem]


def _added_stems(lang: str) -> dict[str, tuple[str, ...]]:
    """Per thread and language: each folded token seen, with the stems it adds (none, mostly one)."""
    added: dict[str, dict[str, tuple[str, ...]]] | None = getattr(_local, "added", None)
    if added is None:
        added = _local.added = {}
    return added.setdefault(lang, {})


_ADDED_WORDS = 50_000  # forgotten beyond this many (a vocabulary larger than a language's usual)


def stems(tokens: Iterable[str], lang: str) -> list[str]:
    """The stems of folded ``tokens`` in ``lang`` that differ from the tokens, each once, in order."""
    stemmer = _stemmer(lang)
    if stemmer is None:
        return []
    added = _added_stems(lang)
    seen: dict[str, None] = {}
    for token in tokens:
        found = added.get(token)
        if found is None:
            found = ()
            if _stemmable(token):
                found = tuple(
                    dict.fromkeys(
                        stem
                        for stem in _word_stems(stemmer, lang, token)
                        if stem and stem != token and _one_word(stem)
                    )
                )
            if len(added) >= _ADDED_WORDS:
                added.clear()
            added[token] = found
        for stem in found:
            seen[stem] = None
    return list(seen)


@lru_cache(maxsize=8192)  # snippets look up every word of the texts shown
def word_forms(word: str) -> tuple[str, ...]:
    """A folded query word and its stems in every stemmed language: the forms a document may hold."""
    forms = {word: None}
    if _stemmable(word):
        for lang in STEMMER_LANGUAGES:
            stemmer = _stemmer(lang)
            if stemmer is not None:
                for stem in _word_stems(stemmer, lang, word):
                    if stem and _one_word(stem):
                        forms.setdefault(stem, None)
    return tuple(forms)


def search_document(texts: Mapping[str, str], symbol: str | None = None) -> str:
    """The searchable text of a recommendation from its plain texts by language and its document
    symbol: the symbol's folded words, every text's folded words, in language order, then their
    stems."""
    ordered = sorted(texts.items())
    folded = [(lang, fold(text)) for lang, text in ordered]
    words = [" ".join(fold(symbol or "")), *(" ".join(tokens) for _, tokens in folded)]
    stemmed: dict[str, None] = {}
    for lang, tokens in folded:
        for stem in stems(tokens, lang):
            stemmed.setdefault(stem, None)
    return " ".join(part for part in (*words, " ".join(stemmed)) if part)
