"""GET /api/v1/taxonomies/{kind}: every vocabulary with its recommendation counts."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, event
from sqlalchemy.orm import Session

from app.feed.sdg import sdg_entries
from app.models import SourceLink
from app.taxonomies import service
from app.taxonomies.service import TERM_KINDS
from tests.factories import ids_by_external_id, import_records, record

URL = "/api/v1/taxonomies"


def _records(*, with_withdrawn: bool) -> list[Any]:
    records = [
        record(
            "R1",
            mechanism="CRC",
            countries=["Peru"],
            themes=["Right to health"],
            sdgs=["5.2"],
            affected_persons=["Children"],
            regions=["Latin America and the Caribbean"],
        ),
        record(
            "R2",
            mechanism="UPR",
            countries=["Peru"],
            themes=[" right to HEALTH "],
            sdgs=["5"],
            recommending_states=["Norway"],
            recommending_regions=["WEOG"],
            position="supported",
        ),
        record(
            "R3",
            mechanism="Universal Periodic Review",
            countries=["Norway"],
            sdgs=["5.2", "5"],
            regions=["WEOG"],
        ),
    ]
    if with_withdrawn:
        records.append(
            record(
                "W",
                mechanism="CAT",
                countries=["Peru"],
                themes=["Right to health", "Torture"],
                sdgs=["1"],
                publication_date=date(2020, 1, 1),
            )
        )
    return records


@pytest.fixture
def tagged(engine: Engine) -> None:
    import_records(engine, _records(with_withdrawn=True))
    import_records(engine, _records(with_withdrawn=False), full_export=True)  # W is withdrawn
    import_records(
        engine,
        [
            record(
                "G",
                source="upr-info",
                mechanism="UPR",
                countries=["Peru"],
                issues=["Justice", "Women's rights"],
            )
        ],
        source="upr-info",
    )


def _items(client: TestClient, kind: str) -> list[dict[str, Any]]:
    response = client.get(f"{URL}/{kind}")
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["kind"] == kind
    items: list[dict[str, Any]] = body["items"]
    return items


@pytest.mark.usefixtures("tagged")
def test_mechanisms_with_family_and_counts(client: TestClient) -> None:
    items = _items(client, "mechanisms")
    assert [(m["code"], m["family"], m["count"]) for m in items] == [
        ("UPR", "upr", 3),
        ("CAT", "treaty-body", 0),  # only the withdrawn W
        ("CRC", "treaty-body", 1),
    ]
    assert items[2]["name"] == "Committee on the Rights of the Child"


@pytest.mark.usefixtures("tagged")
def test_term_counts_merge_spellings_and_roles_and_skip_withdrawn(client: TestClient) -> None:
    themes = {t["label"]: t["count"] for t in _items(client, "themes")}
    assert themes == {"Right to health": 2, "Torture": 0}  # " right to HEALTH " is the same term
    assert {t["label"]: t["count"] for t in _items(client, "states")} == {"Norway": 2, "Peru": 3}
    assert {t["label"]: t["count"] for t in _items(client, "regions")} == {
        "Latin America and the Caribbean": 1,
        "WEOG": 2,  # a region concerned (R3) and a recommending region (R2)
    }
    assert {t["label"]: t["count"] for t in _items(client, "affected-persons")} == {"Children": 1}
    issues = _items(client, "issues")
    assert [(t["label"], t["key"], t["count"]) for t in issues] == [
        ("Justice", "justice", 1),
        ("Women's rights", "women s rights", 1),
    ]


@pytest.mark.usefixtures("tagged")
def test_the_terms_and_mechanisms_in_use_are_those_counted_above_zero(engine: Engine) -> None:
    """What the portal's search form offers, found by index probes, is what the counts say."""
    with Session(engine) as session:
        for kind in TERM_KINDS:
            counted = [term.label for term in service.list_terms(session, kind).items if term.count]
            assert service.term_labels_in_use(session, kind) == counted, kind
        assert service.term_labels_in_use(session, "themes") == ["Right to health"]  # not Torture: W's only
        counted_mechanisms = [(m.code, m.name) for m in service.list_mechanisms(session).items if m.count]
        assert service.mechanisms_in_use(session) == counted_mechanisms
        assert [code for code, _ in counted_mechanisms] == ["UPR", "CRC"]  # not CAT: W's only


@pytest.mark.usefixtures("tagged")
def test_a_linked_copy_is_not_counted_twice(client: TestClient, engine: Engine) -> None:
    """A manual copy of R1 linked to it is one recommendation with it (docs/sources.md): the lists,
    the facets and the filters leave it out, so the counts here do too."""
    import_records(
        engine,
        [record("M1", source="manual", mechanism="CAT", themes=["Right to health", "Torture"], sdgs=["1"])],
        source="manual",
    )
    ids = ids_by_external_id(engine)
    with Session(engine) as session, session.begin():
        session.add(SourceLink(leader_id=ids["R1"], member_id=ids["M1"], state="linked", method="manual"))
    themes = {t["label"]: t["count"] for t in _items(client, "themes")}
    assert themes == {"Right to health": 2, "Torture": 0}
    assert [(m["code"], m["count"]) for m in _items(client, "mechanisms")][:2] == [("UPR", 3), ("CAT", 0)]
    assert {s["code"]: s["count"] for s in _items(client, "sdgs")}["1"] == 0
    facets = client.get("/api/v1/recommendations/facets").json()
    assert {b["value"]: b["count"] for b in facets["theme"]}["Right to health"] == 2
    with Session(engine) as session:
        assert "Torture" not in service.term_labels_in_use(session, "themes")
        assert "CAT" not in [code for code, _ in service.mechanisms_in_use(session)]


@pytest.mark.usefixtures("tagged")
def test_sdgs_with_codes_parents_titles_and_goal_rollup(client: TestClient) -> None:
    items = _items(client, "sdgs")
    assert [s["code"] for s in items] == list(sdg_entries())  # all 17 goals and 169 targets, in order
    by_code = {s["code"]: s for s in items}
    assert by_code["5"]["count"] == 3  # R2 and R3 directly, R1 through target 5.2
    assert by_code["5.2"]["count"] == 2
    assert by_code["1"]["count"] == 0  # only the withdrawn W
    assert by_code["5.2"]["parent_code"] == "5" and by_code["5"]["parent_code"] is None
    assert by_code["16.a"]["titles"] == sdg_entries()["16.a"].titles
    assert set(by_code["5"]["titles"]) == {"en", "fr", "es", "ar", "ru", "zh"}
    # Accents composed (NFC), as a client types them: "égalité" matches, not "e" + a combining accent.
    assert by_code["5"]["titles"]["fr"].startswith("Parvenir à l\u2019égalité des sexes")
    assert all(unicodedata.is_normalized("NFC", title) for item in items for title in item["titles"].values())
    # The count of a goal is what the goal's filter returns.
    assert client.get("/api/v1/recommendations?sdg=5").json()["total"] == 3


def test_the_bundled_sdg_titles_are_read_with_their_accents_composed() -> None:
    """The bundled files write accents as separate combining characters (NFD): read as NFC."""
    titles = [title for entry in sdg_entries().values() for title in entry.titles.values()]
    assert len(titles) == 186 * 6
    assert all(unicodedata.is_normalized("NFC", title) for title in titles)
    assert sdg_entries()["5"].titles["es"] == (
        "Lograr la igualdad de género y empoderar a todas las mujeres y las niñas"
    )


def test_empty_vocabularies(client: TestClient, engine: Engine) -> None:
    assert _items(client, "themes") == []
    assert _items(client, "mechanisms") == []
    assert {s["count"] for s in _items(client, "sdgs")} == {0}


def test_unknown_kind_is_a_404_listing_the_kinds(client: TestClient, engine: Engine) -> None:
    response = client.get(f"{URL}/colours")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    detail = response.json()["detail"]
    for kind in ("mechanisms", "themes", "affected-persons", "sdgs", "states", "regions", "issues"):
        assert kind in detail


@pytest.mark.usefixtures("tagged")
@pytest.mark.parametrize("kind", ["mechanisms", "themes", "sdgs", "states"])
def test_one_query_per_vocabulary(client: TestClient, kind: str) -> None:
    app_engine: Engine = client.app.state.engine  # type: ignore[attr-defined]
    statements: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        # The credentials lookup is one fixed statement every authenticated request makes.
        if statement != "BEGIN" and "FROM auth_tokens" not in statement:
            statements.append(statement)

    event.listen(app_engine, "before_cursor_execute", count)
    try:
        first = client.get(f"{URL}/{kind}")
        assert first.status_code == 200
        counted = len(statements)
        again = client.get(f"{URL}/{kind}")
    finally:
        event.remove(app_engine, "before_cursor_execute", count)
    # The vocabulary in one query, beside the data version's read; kept while the data is the same.
    assert counted == 2, statements
    assert statements[1:].count(statements[0]) == 1 and len(statements) == 3, statements
    assert again.json() == first.json()


def test_the_reader_is_refused_the_upr_info_issues(
    client: TestClient, engine: Engine, headers_for: Callable[..., dict[str, str]]
) -> None:
    """The issues are a staff-only column and filter: the reader, who sees what the public sees, read
    every label and its count here while the issue filter was refused to them."""
    import_records(engine, [record("I1", issues=["Women's rights"])], source="upr-info")
    assert client.get(f"{URL}/issues", headers=headers_for("reader")).status_code == 403
    assert client.get(f"{URL}/themes", headers=headers_for("reader")).status_code == 200
    assert [item["label"] for item in _items(client, "issues")] == ["Women's rights"]
