"""Words as a reader types them into the public search: a French elided article (``l'enfant``,
``d'enfants``) and an English possessive (``children's``) are the word itself, with its stems, on
SQLite and PostgreSQL alike."""

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
def test_an_elided_article_or_a_possessive_is_the_word_itself(
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
