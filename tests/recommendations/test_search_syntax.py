"""The search syntax, stems, relevance order, snippets and unknown filter values, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, text

from app.feed.fields import fold
from app.recommendations.search_index import rebuild_stale_documents
from tests.factories import ids_by_external_id, import_records, record

URL = "/api/v1/recommendations"
PUBLIC = "/api/v1/public/recommendations"

TEXTS = {
    "a": "The State should end torture and punish torture, torture of detainees included.",  # 3x torture
    "b": "Investigate all allegations of torture in prisons.",
    "c": "Improve conditions of detention in prison facilities for children.",
    "d": "Les enfants handicapés doivent avoir accès à l'école.",
    "e": "Protect human rights defenders from reprisals.",
    "f": "委员会建议缔约国加强儿童教育工作。",
}
# Document symbols: the same numbers in another order, an addendum, a treaty body's.
SYMBOLS = {"a": "A/HRC/22/15", "b": "A/HRC/15/22", "c": "A/HRC/22/15/Add.1", "d": "CRC/C/PER/CO/4-5"}


@pytest.fixture
def world(engine: Engine) -> dict[str, int]:
    import_records(
        engine,
        [
            record(
                key,
                texts={"zh" if key == "f" else ("fr" if key == "d" else "en"): value},
                publication_date=date(2024, 1, 1 + n),
                symbol=SYMBOLS.get(key),
            )
            for n, (key, value) in enumerate(TEXTS.items())
        ],
    )
    return ids_by_external_id(engine)


def _found(client: TestClient, q: str, **params: str) -> list[str]:
    response = client.get(URL, params={"q": q, "limit": "50", **params})
    assert response.status_code == 200, response.text
    ids = {v: k for k, v in _world_ids(client).items()}
    return [ids[item["id"]] for item in response.json()["items"]]


def _world_ids(client: TestClient) -> dict[str, int]:
    items = client.get(URL, params={"limit": "200"}).json()["items"]
    return {item["external_id"]: item["id"] for item in items}


SYNTAX = [
    ("tortured", {"a", "b"}),  # stems: "tortured" finds "torture"
    ("prisons", {"b", "c"}),
    ("enfant", {"d"}),  # French stems
    ("torture OR children", {"a", "b", "c"}),
    ("torture -prisons", {"a"}),
    ("-torture", {"c", "d", "e", "f"}),  # excluded words only
    ('"human rights defenders"', {"e"}),
    ('"defenders human rights"', set()),  # a phrase keeps its order
    ("tort*", {"a", "b"}),
    ("det* OR reprisals", {"a", "c", "e"}),
    ("教育", {"f"}),
    ('OR - "" ( ) * ^ : NEAR AND NOT', set()),  # taken literally: words "or", "near", "and", "not"
    ("A/HRC/22/15", {"a", "c"}),  # a document symbol: its recommendations and its addendum's
    ("a/hrc/22/15", {"a", "c"}),
    ("A/HRC/15/22", {"b"}),
    ("CRC/C/PER/CO/4-5", {"d"}),
    ("A/HRC/22/15 prison", {"c"}),
    ("A/HRC/22/15 -A/HRC/22/15/Add.1", {"a"}),
    ("A/HRC/22", {"a", "c"}),
    ("hrc", {"a", "b", "c"}),
]


@pytest.mark.parametrize(("q", "expected"), SYNTAX, ids=[q for q, _ in SYNTAX])
def test_query_syntax(client: TestClient, world: dict[str, int], q: str, expected: set[str]) -> None:
    assert set(_found(client, q)) == expected


def test_relevance_is_the_default_with_a_query_and_pages_exactly(
    client: TestClient, world: dict[str, int]
) -> None:
    assert _found(client, "torture") == ["a", "b"]  # "a" says torture three times, "b" once and is newer
    assert _found(client, "torture", sort="newest") == ["b", "a"]
    assert _found(client, "torture", sort="oldest") == ["a", "b"]
    assert _found(client, "", sort="relevance") == ["f", "e", "d", "c", "b", "a"]  # no query: newest
    for sort in ("relevance", "newest", "oldest"):
        seen, cursor = [], None
        while True:
            params = {"q": "torture OR prison OR children OR rights", "limit": "1", "sort": sort}
            body = client.get(URL, params={**params, **({"cursor": cursor} if cursor else {})}).json()
            seen += [item["id"] for item in body["items"]]
            cursor = body["next_cursor"]
            if cursor is None:
                break
        assert len(seen) == len(set(seen)) == 4, (sort, seen)
    newest = client.get(URL, params={"limit": "1"}).json()["next_cursor"]
    wrong = client.get(URL, params={"q": "torture", "cursor": newest})
    assert wrong.status_code == 422 and wrong.json()["errors"][0]["field"] == "cursor"


def test_snippets_mark_the_matched_words_and_escape_the_rest(
    client: TestClient, world: dict[str, int]
) -> None:
    item = client.get(URL, params={"q": "tortured prisons"}).json()["items"][0]
    assert item["snippet"] == "Investigate all allegations of <mark>torture</mark> in <mark>prisons</mark>."
    public = client.get(PUBLIC, params={"q": "教育"}).json()["items"][0]
    assert "<mark>教育</mark>" in public["snippet"]
    assert client.get(URL).json()["items"][0]["snippet"] is None
    # A slash without a digit is no document symbol: its words are marked as a phrase's are.
    item = client.get(URL, params={"q": "human/rights"}).json()["items"][0]
    assert item["snippet"] == "Protect <mark>human</mark> <mark>rights</mark> defenders from reprisals."


def test_a_symbol_finds_its_recommendations_and_follows_their_changes(
    client: TestClient, engine: Engine
) -> None:
    import_records(
        engine,
        [record("s", "<p>5. Adopt a law within 15 months.</p>", symbol="A/HRC/22/15")],
    )
    item = client.get(URL, params={"q": "A/HRC/22/15"}).json()["items"][0]
    # Found by its symbol; the symbol's words ("a", "15") are not what the reader looked for.
    assert "<mark>" not in (item["snippet"] or "")
    assert client.get(PUBLIC, params={"q": "A/HRC/22/15"}).json()["total"] == 1
    # The feed gives it another symbol: the next import's update finds it by the new one only.
    import_records(
        engine,
        [record("s", "<p>5. Adopt a law within 15 months.</p>", symbol="A/HRC/25/7")],
    )
    assert client.get(URL, params={"q": "A/HRC/25/7"}).json()["total"] == 1
    assert client.get(URL, params={"q": "A/HRC/22/15"}).json()["total"] == 0


CITED = [
    ("A/HRC/22/15 para. 116.4", {"r1"}),  # as recommendations are cited
    ("A/HRC/22/15 116.4", {"r1"}),
    ("A/HRC/22/15 paragraph 116.5", {"r2"}),
    ("A/HRC/22/15 § 116.5", {"r2"}),
    ("A/HRC/22/15 párr. 116.4", {"r1"}),
    ("para. 116.4", {"r1", "r3"}),
    ("para los niños", {"r4"}),  # "para" before a word is a word
    ("para", {"r4"}),
]


@pytest.mark.parametrize(("q", "expected"), CITED, ids=[q for q, _ in CITED])
def test_a_cited_paragraph_finds_its_recommendation(
    client: TestClient, engine: Engine, q: str, expected: set[str]
) -> None:
    import_records(
        engine,
        [
            record("r1", "<p>116.4 Ratify the Optional Protocol.</p>", symbol="A/HRC/22/15"),
            record("r2", "<p>116.5 Adopt a national plan on education.</p>", symbol="A/HRC/22/15"),
            record("r3", "<p>116.4 Protect journalists.</p>", symbol="A/HRC/29/8"),
            record("r4", texts={"es": "<p>12. Proteger a los niños y recursos para los niños.</p>"}),
        ],
    )
    found = {item["external_id"] for item in client.get(URL, params={"q": q}).json()["items"]}
    assert found == expected


@pytest.mark.parametrize(
    ("query", "field", "value"),
    [
        ("mechanism=XYZ", "mechanism", "XYZ"),
        ("mechanism=CRC&mechanism=NOPE", "mechanism", "NOPE"),
        ("theme=No such theme", "theme", "No such theme"),
        ("country=Atlantis", "country", "Atlantis"),
        ("entity=999999", "entity", "999999"),
        ("cluster=999999", "cluster", "999999"),
        ("sdg=99", "sdg", "99"),
        # Filters with a fixed set of values: the value is named too, also among several.
        ("family=upr&family=TB", "family", "TB"),
        ("type=concern", "type", "concern"),
        ("cycle=5x", "cycle", "5x"),
        ("position=accepted", "position", "accepted"),
        ("source=uhri&source=UPR Info", "source", "UPR Info"),
        ("priority=urgent", "priority", "urgent"),
        ("status=done", "status", "done"),
    ],
)
def test_unknown_filter_values_are_named(
    client: TestClient, world: dict[str, int], query: str, field: str, value: str
) -> None:
    response = client.get(f"{URL}?{query}")
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == field
    assert value in response.json()["errors"][0]["reason"]
    if field != "cluster":  # to the public, an unknown cluster is an unpublished one: an empty list
        for url in (PUBLIC, "/api/v1/public/stats", "/api/v1/public/exports/recommendations.csv"):
            refused = client.get(f"{url}?{query}")
            assert refused.status_code == 422, url
            assert refused.json()["errors"][0]["field"] == field


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    q=st.text(alphabet=st.characters(codec="utf-8", exclude_characters="\x00"), max_size=60)
    | st.lists(st.sampled_from(['"', "-", "*", "OR", "tort", "(", ")", "NOT", ":", "^", "'", "\\", " "])).map(
        "".join
    )
)
def test_any_query_is_answered(client: TestClient, world: dict[str, int], q: str) -> None:
    for url in (URL, PUBLIC):
        response = client.get(url, params={"q": q, "limit": "2"})
        assert response.status_code in (200, 422), response.text  # 422: over the length limit only
        if response.status_code == 200:
            body = response.json()
            if body["next_cursor"]:
                following = client.get(url, params={"q": q, "limit": "2", "cursor": body["next_cursor"]})
                assert following.status_code == 200


def test_nrtd_migrate_rebuilds_documents_of_the_older_rule(client: TestClient, engine: Engine) -> None:
    import_records(engine, [record("x", "Reports of tortured detainees.", symbol="E/C.12/PER/CO/4")])
    with engine.begin() as conn:  # as the rule before stems stored it
        conn.execute(text("DELETE FROM search_index_state"))
        conn.execute(text("INSERT INTO search_index_state (id, document_version) VALUES (1, 1)"))
    stale = " ".join(fold("Reports of tortured detainees."))
    with engine.begin() as conn:
        conn.execute(text("UPDATE recommendation_search SET document = :d"), {"d": stale})
    # Not the last word: no prefix, only its stem can match. The same query again: each batch of
    # the rebuild moves the data version, so what a running server kept is read again.
    assert client.get(URL, params={"q": "tortures -nothing"}).json()["total"] == 0
    assert client.get(URL, params={"q": "E/C.12/PER/CO/4"}).json()["total"] == 0
    assert rebuild_stale_documents(engine) == 1
    assert client.get(URL, params={"q": "tortures -nothing"}).json()["total"] == 1
    assert client.get(URL, params={"q": "E/C.12/PER/CO/4"}).json()["total"] == 1
    assert rebuild_stale_documents(engine) == 0
