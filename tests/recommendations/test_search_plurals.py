"""English irregular plurals (app.feed.stemming.IRREGULAR_PLURALS): "woman" finds "women" and the
converse, on SQLite and PostgreSQL alike, as Snowball's English stemmer alone does not."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text

from app.feed.fields import fold
from app.feed.stemming import SEARCH_DOCUMENT_VERSION
from app.recommendations.search_index import rebuild_stale_documents
from tests.factories import ids_by_external_id, import_records, record

URL = "/api/v1/recommendations"

TEXTS = {
    "women": "Ensure equal pay for women in the public sector.",
    "woman": "Protect every woman against violence in the home.",
    "children": "Register all children at birth.",
    "child": "Guarantee that no child is detained for migration reasons.",
    "men": "Engage boys and men in campaigns against violence.",
    "man": "Investigate the death of a man in police custody.",
    "people": "Consult indigenous people before any mining project.",
    "persons": "Adopt a law on the rights of persons with disabilities.",
    "peoples": "Recognise the right of peoples to self-determination.",
    "wives": "Protect wives against marital rape.",
    "lives": "Prevent the loss of lives at sea.",
    "life": "Guarantee the right to life of detainees.",
    "crises": "Plan for humanitarian crises.",
}

# The query, then what it finds: a word never as the last one ("-nothing" follows it) as well, so
# that no prefix match (the last word "child" is also "child*") hides a missing form.
SEARCHES = [
    ("woman", ["woman", "women"]),
    ("women", ["woman", "women"]),
    ("children", ["child", "children"]),
    ("child", ["child", "children"]),
    ("men", ["man", "men"]),
    ("man", ["man", "men"]),
    ("person", ["people", "persons"]),
    ("people", ["people", "peoples", "persons"]),  # "peoples" (nations) shares the stem "peopl"
    ("peoples", ["people", "peoples"]),  # but is not a person: "person" does not find it
    ("wife", ["wives"]),
    ("life", ["life", "lives"]),
    ("lives", ["life", "lives"]),
    ("crisis", ["crises"]),
]


@pytest.fixture
def plurals(engine: Engine) -> dict[str, int]:
    import_records(engine, [record(name, f"<p>1. {sentence}</p>") for name, sentence in TEXTS.items()])
    return ids_by_external_id(engine)


def _found(client: TestClient, query: str) -> set[int]:
    body = client.get(URL, params={"q": query, "limit": "50"}).json()
    assert body["total"] == len(body["items"])
    return {item["id"] for item in body["items"]}


@pytest.mark.parametrize(("query", "expected"), SEARCHES, ids=[q for q, _ in SEARCHES])
def test_a_singular_finds_its_irregular_plural_and_the_converse(
    client: TestClient, plurals: dict[str, int], query: str, expected: list[str]
) -> None:
    ids = {plurals[name] for name in expected}
    assert _found(client, query) == ids
    assert _found(client, f"{query} -nothing") == ids


def test_the_snippet_marks_the_other_form(client: TestClient, plurals: dict[str, int]) -> None:
    (item,) = client.get(URL, params={"q": "woman -home"}).json()["items"]
    assert "<mark>women</mark>" in item["snippet"]
    (item,) = client.get(URL, params={"q": "children -birth"}).json()["items"]
    assert "<mark>child</mark>" in item["snippet"]


def test_nrtd_migrate_rebuilds_the_documents_of_the_rule_before_plurals(
    client: TestClient, engine: Engine
) -> None:
    import_records(engine, [record("women", f"<p>{TEXTS['women']}</p>")])
    stale = " ".join(fold(TEXTS["women"]))  # no "woman" in it, as the rule before plurals wrote
    with engine.begin() as conn:
        older = {"v": SEARCH_DOCUMENT_VERSION - 1}
        conn.execute(text("UPDATE search_index_state SET document_version = :v"), older)
        conn.execute(text("UPDATE recommendation_search SET document = :d"), {"d": stale})
    assert _found(client, "woman -nothing") == set()
    assert rebuild_stale_documents(engine) == 1
    assert len(_found(client, "woman -nothing")) == 1
