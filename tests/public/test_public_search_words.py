"""Words as a reader types them into the public search: a French elided article (``l'enfant``,
``d'enfants``) and an English possessive (``children's``) are the word itself, with its stems, and
``oe`` is the ligature ``œ`` (``mise en oeuvre``), on SQLite and PostgreSQL alike."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from tests.factories import ids_by_external_id, import_records, record

URL = "/api/v1/public/recommendations"

TEXTS = {
    "droits": ("fr", "Protéger les droits de l'enfant dans la famille."),
    "handicap": ("fr", "Garantir l'accès des enfants handicapés à l'école."),
    "ombudsman": ("en", "Strengthen the children's ombudsman."),
    "birth": ("en", "Register every child at birth."),
    "oeuvre": ("fr", "Assurer la mise en œuvre du plan pour les sœurs et les frères."),
}

# The query, then what it finds: each also with "-nothing" after it, so that the last word's prefix
# match ("enfant" is also "enfant*") hides no missing stem.
SEARCHES = [
    ("l'enfant", {"droits", "handicap"}),
    ("l\u2019enfant", {"droits", "handicap"}),  # a phone's typographic apostrophe
    ("d'enfants", {"droits", "handicap"}),
    ("qu'enfant", {"droits", "handicap"}),
    ("children's", {"ombudsman", "birth"}),
    ("child", {"ombudsman", "birth"}),
    ('"droits de l\'enfant"', {"droits"}),  # a quoted phrase stays as written
    # "œ", which no French keyboard layout in common use types: "oe" is how it is typed.
    ("mise en oeuvre", {"oeuvre"}),
    ("OEUVRE", {"oeuvre"}),
    ("mise en œuvre", {"oeuvre"}),
    ('"mise en oeuvre"', {"oeuvre"}),
    ("soeur", {"oeuvre"}),
]


@pytest.fixture
def words(engine: Engine) -> dict[str, int]:
    import_records(engine, [record(key, texts={lang: text}) for key, (lang, text) in TEXTS.items()])
    return ids_by_external_id(engine)


def _found(public: TestClient, query: str) -> set[int]:
    response = public.get(URL, params={"q": query, "limit": "50"})
    assert response.status_code == 200, response.text
    return {item["id"] for item in response.json()["items"]}


@pytest.mark.parametrize(("query", "expected"), SEARCHES, ids=[q for q, _ in SEARCHES])
def test_words_as_a_reader_types_them(
    public: TestClient, words: dict[str, int], query: str, expected: set[str]
) -> None:
    ids = {words[key] for key in expected}
    assert _found(public, query) == ids
    assert _found(public, f"{query} -nothing") == ids


def test_the_snippet_marks_the_word_not_every_elided_article(
    public: TestClient, words: dict[str, int]
) -> None:
    items = public.get(URL, params={"q": "l'enfant", "lang": "fr"}).json()["items"]
    snippets = {item["id"]: item["snippet"] for item in items}
    assert (
        snippets[words["handicap"]]
        == "Garantir l&#x27;accès des <mark>enfants</mark> handicapés à l&#x27;école."
    )
    assert snippets[words["droits"]] == "Protéger les droits de l&#x27;<mark>enfant</mark> dans la famille."


def test_the_snippet_marks_a_ligature_typed_as_two_letters(public: TestClient, words: dict[str, int]) -> None:
    (item,) = public.get(URL, params={"q": "oeuvre", "lang": "fr"}).json()["items"]
    assert item["snippet"] == "Assurer la mise en <mark>œuvre</mark> du plan pour les sœurs et les frères."
