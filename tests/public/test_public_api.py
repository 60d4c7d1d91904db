"""The public recommendations, clusters and actions: filters, pages, caching, bounded queries."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Connection, Engine, event

from app.models import ClusterRecommendation, SourceLink
from app.public.schemas import PublicRecommendationParams
from app.recommendations.schemas import RecommendationListParams
from tests.conftest import session_on
from tests.core.test_path_ids import ODD_FORMS, assert_odd_id_not_found
from tests.factories import ids_by_external_id, import_records, record
from tests.public.world import World

PREFIX = "/api/v1/public"


def _get(client: TestClient, path: str, **params: Any) -> Any:
    response = client.get(PREFIX + path, params=params)
    assert response.status_code == 200, response.text
    return response.json()


def _ids(page: dict[str, Any]) -> list[int]:
    return [item["id"] for item in page["items"]]


def _problem_fields(response: Any) -> list[str]:
    assert response.headers["content-type"].startswith("application/problem+json"), response.text
    return [error["field"] for error in response.json()["errors"]]


def test_public_filters_are_the_staff_filters_without_the_internal_ones() -> None:
    staff = set(RecommendationListParams.model_fields)
    assert set(PublicRecommendationParams.model_fields) == staff - {"withdrawn", "needs_review", "issue"}


def test_withdrawn_recommendations_are_never_listed(public: TestClient, world: World) -> None:
    page = _get(public, "/recommendations")
    assert sorted(_ids(page)) == sorted([world.rec["P1"], world.rec["P2"]]) and page["total"] == 2
    # issue: a staff-only column, refused as unknown (its 422 would tell whether a label exists).
    for internal in ({"withdrawn": "true"}, {"needs_review": "false"}, {"issue": "Women's rights"}):
        response = public.get(f"{PREFIX}/recommendations", params=internal)
        assert response.status_code == 422, internal
        assert _problem_fields(response) == [next(iter(internal))]


@pytest.mark.parametrize(
    "path",
    [
        "/recommendations",
        "/exports/recommendations.csv",
        "/exports/recommendations.json",
        "/stats",
        "/reports/implementation",
    ],
)
def test_a_staff_only_filter_is_an_unknown_parameter(public: TestClient, world: World, path: str) -> None:
    # UPR Info issues are a staff-only column: the public routes refuse the filter as they refuse
    # any parameter they do not take, never with "not a known issue label", which tells a label exists.
    def errors(name: str) -> list[Any]:
        response = public.get(PREFIX + path, params={name: "Torture"})
        assert response.status_code == 422, response.text
        return [{**error, "field": "?"} for error in response.json()["errors"]]

    assert errors("issue") == errors("nonsense")


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"theme": "right to EDUCATION"}, ["P1"]),
        ({"sdg": "8"}, ["P2"]),
        ({"mechanism": "UPR"}, ["P2"]),
        ({"status": "in_progress"}, ["P1"]),
        ({"status": "not_started"}, ["P2"]),
        ({"priority": "high"}, ["P1"]),
        ({"position": "supported", "cycle": 3}, ["P2"]),
        # An enumerated value in any letter case, as a mechanism code (app.core.letter_case).
        ({"position": "SUPPORTED", "cycle": "3"}, ["P2"]),
        ({"status": "In_Progress", "priority": "HIGH", "family": "Treaty-Body"}, ["P1"]),
        ({"responsibility": "Supporting", "entity": "{labour}"}, ["P1"]),
        ({"q": "primary educ"}, ["P1"]),
        ({"q": "qz"}, []),
        ({"responsibility": "supporting", "entity": "{labour}"}, ["P1"]),
        ({"responsibility": "lead", "entity": "{labour}"}, []),
        ({"cluster": "{cluster}"}, ["P1", "P2"]),
        ({"cluster": "{hidden_cluster}"}, []),
        ({"cluster": "{archived_cluster}"}, []),
        ({"cluster": 999999}, []),
    ],
)
def test_recommendation_filters(
    public: TestClient, world: World, params: dict[str, Any], expected: list[str]
) -> None:
    names = {"labour": world.labour, "cluster": world.cluster, "hidden_cluster": world.hidden_cluster}
    names["archived_cluster"] = world.archived_cluster
    query = {key: str(value).format(**names) for key, value in params.items()}
    page = _get(public, "/recommendations", **query)
    assert sorted(_ids(page)) == sorted(world.rec[name] for name in expected)
    assert page["total"] == len(expected)


def test_a_hidden_cluster_still_checks_the_other_filters(public: TestClient, world: World) -> None:
    for cluster in (world.hidden_cluster, world.cluster):
        for bad in ({"sdg": "99"}, {"cursor": "not-a-cursor"}):
            response = public.get(f"{PREFIX}/recommendations", params={"cluster": cluster, **bad})
            assert response.status_code == 422 and _problem_fields(response) == list(bad)
    response = public.get(f"{PREFIX}/actions", params={"cluster": world.hidden_cluster, "cursor": "x"})
    assert response.status_code == 422 and _problem_fields(response) == ["cursor"]


def test_keyset_pages_and_the_page_size_cap(public: TestClient, world: World, engine: Engine) -> None:
    import_records(engine, [record(f"X{n}", f"<p>{n}. Extra {n}.</p>") for n in range(5)])
    seen: list[int] = []
    cursor = None
    while True:
        page = _get(public, "/recommendations", limit=3, **({"cursor": cursor} if cursor else {}))
        assert page["total"] == 7 and len(page["items"]) <= 3
        seen += _ids(page)
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert len(seen) == len(set(seen)) == 7
    for path in ("/recommendations", "/clusters", "/actions"):
        assert public.get(PREFIX + path, params={"limit": 200}).status_code == 200
        too_many = public.get(PREFIX + path, params={"limit": 201})
        assert too_many.status_code == 422 and _problem_fields(too_many) == ["limit"]
        bad_cursor = public.get(PREFIX + path, params={"cursor": "not-a-cursor"})
        assert bad_cursor.status_code == 422 and _problem_fields(bad_cursor) == ["cursor"]


def public_engine(client: TestClient) -> Any:
    app: Any = client.app
    return app.state.engine


def test_recommendation_detail(public: TestClient, world: World) -> None:
    detail = _get(public, f"/recommendations/{world.rec['P2']}", lang="fr")
    assert detail["text_lang"] == "en" and detail["texts"] == {"en": "2. End child labour in mines."}
    assert detail["status"] == "not_started" and detail["priority"] is None
    # Not linked to P2 itself: to "Education", a published cluster P2 is in, whose plan serves it.
    assert [action["title"] for action in detail["actions"]] == ["Build and staff rural schools"]
    assert detail["recommending_states"] == ["Chile"] and detail["upr_session"] == 32
    assert public.get(f"{PREFIX}/recommendations/{world.rec['W']}").json()["detail"] == (
        f"recommendation {world.rec['W']} does not exist"
    )
    assert public.get(f"{PREFIX}/recommendations/0").status_code == 422


def test_a_linked_copy_names_the_record_that_leads(public: TestClient, world: World, db: Connection) -> None:
    """A copy linked to its UHRI record (docs/sources.md) is left out of the lists; a client that kept
    its id learns from its detail which record is listed in its place, as the portal's page leads there."""
    leader, copy = world.rec["P1"], world.rec["P2"]
    assert _get(public, f"/recommendations/{copy}")["leading_record"] is None
    with session_on(db) as session:
        session.add(SourceLink(leader_id=leader, member_id=copy, state="linked", method="manual"))
        session.commit()
    detail = _get(public, f"/recommendations/{copy}")
    assert detail["id"] == copy
    assert detail["leading_record"] == {
        "id": leader,
        "url": f"/api/v1/public/recommendations/{leader}",
        "page_url": f"/recommendations/{leader}",
    }
    assert _get(public, detail["leading_record"]["url"].removeprefix(PREFIX))["leading_record"] is None
    assert _ids(_get(public, "/recommendations")) == [leader]  # the lists show the record alone
    with session_on(db) as session:
        # Its record withdrawn, the copy is listed again, and leads nowhere.
        session.query(SourceLink).filter_by(member_id=copy).update({"leader_id": world.rec["W"]})
        session.commit()
    assert _get(public, f"/recommendations/{copy}")["leading_record"] is None


def test_an_action_serves_a_linked_copy_in_its_cluster_as_its_record(
    public: TestClient, world: World, db: Connection
) -> None:
    """P2 in the cluster "Education" linked under P1, which the cluster no longer holds: the action
    of the cluster listed no recommendation through it (the copy left out, its record not a member);
    its record is listed in the copy's place, on the JSON as on the portal's page."""
    leader, copy = world.rec["P1"], world.rec["P2"]
    with session_on(db) as session:
        session.query(ClusterRecommendation).filter_by(
            cluster_id=world.cluster, recommendation_id=leader
        ).delete()
        session.add(SourceLink(leader_id=leader, member_id=copy, state="linked", method="manual"))
        session.commit()
    through = _get(public, f"/actions/{world.action}")["recommendations_through_clusters"]
    assert through == [{"cluster_id": world.cluster, "recommendation_ids": [leader]}]


def test_clusters(public: TestClient, world: World) -> None:
    page = _get(public, "/clusters")
    assert _ids(page) == [world.cluster] and page["total"] == 1
    cluster = page["items"][0]
    # W is a member but withdrawn: the count matches the public list filtered by the cluster.
    assert cluster["recommendation_count"] == 2
    assert cluster["lead_entity"]["id"] == world.justice
    assert _get(public, f"/clusters/{world.cluster}") == cluster
    assert _get(public, "/clusters", q="EDUC")["total"] == 1
    assert _get(public, "/clusters", q="qz")["total"] == 0


def test_cluster_pages(public: TestClient, world: World) -> None:
    for name in ("Health", "Water", "justice", "Égalité"):
        response = public.post(
            "/api/v1/clusters", json={"name": name, "published": True}, headers=world.coordinator
        )
        assert response.status_code == 201
    first = _get(public, "/clusters", limit=2)
    second = _get(public, "/clusters", limit=2, cursor=first["next_cursor"])
    third = _get(public, "/clusters", limit=2, cursor=second["next_cursor"])
    names = [c["name"] for c in first["items"] + second["items"] + third["items"]]
    # Alphabetical alike on SQLite and PostgreSQL: accents and case ignored, not code points.
    assert names == ["Education", "Égalité", "Health", "justice", "Water"] and third["next_cursor"] is None
    # Part of the name, accents and case aside as on the staff list, alike on SQLite and PostgreSQL:
    # "egalite" found nothing, and on SQLite "ÉGALITÉ" neither (its lower() folds ASCII letters only).
    for typed in ("egalite", "ÉGALITÉ", "Égal", "  galit "):
        assert [c["name"] for c in _get(public, "/clusters", q=typed)["items"]] == ["Égalité"], typed


@pytest.mark.parametrize(
    ("params", "found"),
    [
        ({}, True),
        ({"status": "in_progress"}, True),
        ({"status": "completed"}, False),
        ({"overdue": "true"}, True),
        ({"overdue": "false"}, False),
        ({"entity": "{labour}"}, True),
        ({"cluster": "{cluster}"}, True),
        ({"cluster": "{hidden_cluster}"}, False),
        ({"recommendation": "{P1}"}, True),
        ({"recommendation": "{P2}"}, True),  # through "Education", a published cluster P2 is in
        ({"recommendation": "{W}"}, False),
    ],
)
def test_action_filters(public: TestClient, world: World, params: dict[str, str], found: bool) -> None:
    names = {"labour": world.labour, "cluster": world.cluster, "hidden_cluster": world.hidden_cluster}
    names |= {"P1": world.rec["P1"], "P2": world.rec["P2"], "W": world.rec["W"]}
    page = _get(public, "/actions", **{key: value.format(**names) for key, value in params.items()})
    # The unpublished action is linked to P1, P2 and led by Labour: it never shows.
    assert _ids(page) == ([world.action] if found else []) and page["total"] == int(found)


def test_actions_detail_matches_the_list(public: TestClient, world: World) -> None:
    listed = _get(public, "/actions")["items"][0]
    assert _get(public, f"/actions/{world.action}") == listed
    assert [p["id"] for p in listed["progress"]] == [world.progress["published"]]
    assert listed["supporting_entities"] == [
        {"id": world.labour, "name": "Ministry of Labour", "acronym": None}
    ]


def test_etag_and_304(public: TestClient, world: World) -> None:
    for path in (
        "/recommendations",
        f"/recommendations/{world.rec['P1']}",
        "/clusters",
        "/actions",
        "/feed.atom",
    ):
        first = public.get(PREFIX + path)
        assert first.status_code == 200
        assert first.headers["Cache-Control"] == "public, max-age=60"
        tag = first.headers["ETag"]
        again = public.get(PREFIX + path, headers={"If-None-Match": tag})
        assert again.status_code == 304 and again.content == b"" and again.headers["ETag"] == tag
        assert public.get(PREFIX + path, headers={"If-None-Match": '"stale"'}).status_code == 200
        # The list on several lines, as a proxy may split it (RFC 9110, 5.3), is one list.
        two_lines = public.get(
            PREFIX + path, headers=httpx.Headers([("If-None-Match", '"stale"'), ("If-None-Match", tag)])
        )
        assert two_lines.status_code == 304, path
    # Published data changes: the ETag moves.
    url = f"{PREFIX}/actions/{world.action}"
    tag = public.get(url).headers["ETag"]
    approved = world.progress["approved"]
    published = public.post(f"/api/v1/progress/{approved}/publish", headers=world.coordinator)
    assert published.status_code == 200, published.text
    fresh = public.get(url, headers={"If-None-Match": tag})
    assert fresh.status_code == 200 and fresh.headers["ETag"] != tag
    assert world.progress["approved"] in [p["id"] for p in fresh.json()["progress"]]


@contextmanager
def _statements(client: TestClient) -> Iterator[list[str]]:
    seen: list[str] = []
    engine = public_engine(client)

    def count(*args: Any) -> None:
        seen.append(args[2])

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", count)


def _cost(client: TestClient, path: str) -> int:
    client.get(PREFIX + path)  # the total is cached from the second request on
    with _statements(client) as seen:
        assert client.get(PREFIX + path).status_code == 200
    return len(seen)


def test_a_page_costs_the_same_statements_whatever_its_size(
    public: TestClient, world: World, engine: Engine
) -> None:
    before = {path: _cost(public, path) for path in ("/recommendations?limit=200", "/actions?limit=200")}
    import_records(engine, [record(f"N{n}", f"<p>{n}. More {n}.</p>", themes=["Water"]) for n in range(12)])
    new_ids = [rec_id for external, rec_id in ids_by_external_id(engine).items() if external.startswith("N")]
    members = public.post(
        f"/api/v1/clusters/{world.cluster}/recommendations", json={"ids": new_ids}, headers=world.coordinator
    )
    assert members.status_code == 200, members.text
    for n in range(8):
        body = {"title": f"Step {n}", "recommendation_ids": new_ids, "lead_entity_id": world.justice}
        body |= {"published": True, "cluster_ids": [world.cluster], "supporting_entity_ids": [world.labour]}
        assert public.post("/api/v1/actions", json=body, headers=world.coordinator).status_code == 201
    after = {path: _cost(public, path) for path in before}
    assert after == before
    assert max(after.values()) <= 16, after


@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("/recommendations", {"mechanism": ["UPR", "C\x00RC"]}),
        ("/recommendations", {"q": "educ\x00"}),
        ("/clusters", {"q": "\x00"}),
        ("/feed.atom", {"theme": "a\x00b"}),
    ],
)
def test_nul_characters_are_invalid_input(
    public: TestClient, engine: Engine, path: str, params: dict[str, Any]
) -> None:
    """PostgreSQL cannot compare text holding NUL: a 422 naming the parameter, on both databases."""
    response = public.get(PREFIX + path, params=params)
    assert response.status_code == 422, response.text
    assert _problem_fields(response) == [next(iter(params))]


def test_dates_must_be_written_as_dates(public: TestClient, world: World) -> None:
    # Pydantic alone would read "0.0" as a Unix time.
    for value in ("0.0", "1700000000", "2024-02-30"):
        response = public.get(f"{PREFIX}/recommendations", params={"published_from": value})
        assert response.status_code == 422 and _problem_fields(response) == ["published_from"], value
    assert (
        _get(public, "/recommendations", published_from="2024-01-01", published_to="2024-01-01")["total"] == 2
    )
    assert _get(public, "/recommendations", published_from="2024-01-02")["total"] == 0


def test_an_id_not_in_its_decimal_digits_names_nothing(public: TestClient, world: World) -> None:
    # /api/v1/public/actions/01, /+1, /1.0 answered with the action, as the portal's pages no longer
    # do: an address of its own for each row, on the public API and the staff API alike.
    rows = {"actions": world.action, "clusters": world.cluster, "recommendations": world.rec["P1"]}
    field = {"actions": "action_id", "clusters": "cluster_id", "recommendations": "recommendation_id"}
    for prefix, headers in ((PREFIX, {}), ("/api/v1", world.coordinator)):
        for kind, row_id in rows.items():
            assert public.get(f"{prefix}/{kind}/{row_id}", headers=headers).status_code == 200, kind
            for form in ODD_FORMS:
                odd = form.format(id=row_id)
                response = public.get(f"{prefix}/{kind}/{odd}", headers=headers)
                assert_odd_id_not_found(response, field[kind], odd.replace("%20", " "))


@pytest.mark.parametrize("path", ["/recommendations", "/recommendations/facets", "/stats"])
def test_a_value_repeated_a_thousand_times_is_one_value(public: TestClient, world: World, path: str) -> None:
    """A script that adds a filter value on every loop, or a label in several spellings, sent one
    SQL condition per copy: from 1,000 copies SQLite refused the statement (expression tree too
    deep), a 500. A value is now one condition however often, and however spelt, it is repeated."""
    theme = ["Right to education", "right to EDUCATION", "Right  to education"] * 340
    sdg = ["4", " 4 ", "4.1", "4.1 "] * 250
    response = public.get(PREFIX + path, params={"theme": theme, "sdg": sdg, "country": ["Peru", "PE"] * 500})
    assert response.status_code == 200, response.text
    if path == "/recommendations":
        assert _ids(response.json()) == [world.rec["P1"]]
