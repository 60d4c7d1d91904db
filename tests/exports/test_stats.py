"""Statistics: exact counts on a known world, the filters, published data only for the public."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Connection, Engine, event

from app.exports.schemas import PublicStats, StaffStats
from app.models import Term
from app.recommendations import kept
from app.taxonomies.service import sdg_titles
from tests.conftest import session_on
from tests.factories import import_records, record
from tests.public.conftest import MakeClient
from tests.public.world import SECRETS, World

STAFF_STATS = "/api/v1/stats"
PUBLIC_STATS = "/api/v1/public/stats"


def counts(buckets: list[dict[str, Any]]) -> dict[str, int]:
    return {bucket["key"]: bucket["count"] for bucket in buckets}


def labels(buckets: list[dict[str, Any]]) -> dict[str, str]:
    return {bucket["key"]: bucket["label"] for bucket in buckets}


def unlabelled(data: Any) -> Any:
    """The statistics without their labels: what does not depend on the language."""
    if isinstance(data, dict):
        return {key: unlabelled(value) for key, value in data.items() if key != "label"}
    if isinstance(data, list):
        return [unlabelled(item) for item in data]
    return data


def test_staff_statistics_of_the_world(public: TestClient, world: World) -> None:
    response = public.get(STAFF_STATS, headers=world.coordinator)

    assert response.status_code == 200, response.text
    data = response.json()
    assert set(data) == set(StaffStats.model_fields)
    assert (data["total"], data["needs_review"]) == (2, 0)  # the withdrawn one is left out
    assert counts(data["by_status"]) == {
        "not_started": 1,
        "in_progress": 1,
        "partially_implemented": 0,
        "implemented": 0,
        "not_applicable": 0,
    }
    assert counts(data["by_mechanism"]) == {"CRC": 1, "UPR": 1}
    assert {bucket["label"]: bucket["count"] for bucket in data["by_theme"]} == {
        "Child labour": 1,
        "Right to education": 1,
    }
    assert counts(data["by_sdg_goal"]) == {"4": 1, "8": 1}
    assert data["by_sdg_goal"][0]["label"].startswith("Ensure inclusive and equitable quality education")
    assert counts(data["by_lead_entity"]) == {str(world.justice): 1, "none": 1}
    assert {bucket["label"] for bucket in data["by_lead_entity"]} == {
        "Ministry of Justice (MOJ)",
        "No lead entity",
    }
    assert counts(data["by_cycle"]) == {"3": 1, "none": 1}
    assert counts(data["by_position"]) == {"supported": 1, "noted": 0, "none": 1}
    assert counts(data["by_priority"]) == {"high": 1, "medium": 0, "low": 0, "none": 1}
    # Both actions are linked to P1; the published one is past due and still in progress.
    actions = data["actions"]
    assert (actions["total"], actions["overdue"]) == (2, 1)
    assert counts(actions["by_status"]) == {
        "planned": 0,
        "in_progress": 2,
        "completed": 0,
        "delayed": 0,
        "cancelled": 0,
    }


def test_public_statistics_count_published_actions_only(public: TestClient, world: World) -> None:
    response = public.get(PUBLIC_STATS)

    assert response.status_code == 200, response.text
    data = response.json()
    assert set(data) == set(PublicStats.model_fields)  # no needs_review
    assert data["total"] == 2
    assert counts(data["by_status"])["in_progress"] == 1
    assert (data["actions"]["total"], data["actions"]["overdue"]) == (1, 1)
    assert not [marker for marker in SECRETS if marker in response.text]


@pytest.mark.parametrize(
    ("query", "staff", "public_actions"),
    [
        # P2 only: the unpublished action is linked to it, the published one through the cluster "Education".
        ("mechanism=UPR", {"total": 1, "actions": 2}, 1),
        ("status=in_progress", {"total": 1, "actions": 2}, 1),
        ("theme=Right to education", {"total": 1, "actions": 2}, 1),
        ("cycle=3", {"total": 1, "actions": 2}, 1),
        ("published_from=2099-01-01", {"total": 0, "actions": 0}, 0),
    ],
)
def test_statistics_honour_the_filters(
    public: TestClient, world: World, query: str, staff: dict[str, int], public_actions: int
) -> None:
    data = public.get(f"{STAFF_STATS}?{query}", headers=world.coordinator).json()
    assert {"total": data["total"], "actions": data["actions"]["total"]} == staff
    assert sum(bucket["count"] for bucket in data["by_status"]) == staff["total"]
    published = public.get(f"{PUBLIC_STATS}?{query}").json()
    assert (published["total"], published["actions"]["total"]) == (staff["total"], public_actions)


def test_withdrawn_statistics_for_staff_only(public: TestClient, world: World) -> None:
    data = public.get(f"{STAFF_STATS}?withdrawn=true", headers=world.coordinator).json()
    assert data["total"] == 1
    assert data["actions"]["total"] == 1  # the published action is linked to W
    assert public.get(f"{PUBLIC_STATS}?withdrawn=true").status_code == 422


# Every label of the answer, in the language asked for: the catalogue's words, the mechanisms' official
# names, a theme's label where an export gave one in that language (English words around the SDG
# titles and themes of a language the catalogue does not have).
LABELS = {
    "fr": {
        "by_status": {
            "not_started": "Non commencée",
            "in_progress": "En cours",
            "partially_implemented": "Partiellement mise en œuvre",
            "implemented": "Mise en œuvre",
            "not_applicable": "Sans objet",
        },
        "by_mechanism": {"CRC": "Comité des droits de l'enfant", "UPR": "Examen périodique universel"},
        "by_theme": {"Right to education": "Droit à l'éducation", "Child labour": "Child labour"},
        "by_lead_entity": {"none": "Sans entité chef de file"},
        "by_cycle": {"3": "Cycle 3", "none": "Hors EPU"},
        "by_position": {"supported": "Acceptée", "noted": "Prise en note", "none": "Sans position"},
        "by_priority": {"high": "Haute", "medium": "Moyenne", "low": "Basse", "none": "Aucune priorité"},
        "actions": {
            "planned": "Prévue",
            "in_progress": "En cours",
            "completed": "Terminée",
            "delayed": "En retard",
            "cancelled": "Annulée",
        },
    },
    "es": {
        "by_status": {
            "not_started": "No iniciada",
            "in_progress": "En curso",
            "partially_implemented": "Aplicada parcialmente",
            "implemented": "Aplicada",
            "not_applicable": "No aplicable",
        },
        "by_mechanism": {"CRC": "Comité de los Derechos del Niño", "UPR": "Examen Periódico Universal"},
        "by_theme": {"Right to education": "Derecho a la educación", "Child labour": "Child labour"},
        "by_lead_entity": {"none": "Sin entidad principal"},
        "by_cycle": {"3": "Ciclo 3", "none": "Fuera del EPU"},
        "by_position": {"supported": "Aceptada", "noted": "Tomada en cuenta", "none": "Sin posición"},
        "by_priority": {"high": "Alta", "medium": "Media", "low": "Baja", "none": "Sin prioridad"},
        "actions": {
            "planned": "Prevista",
            "in_progress": "En curso",
            "completed": "Completada",
            "delayed": "Atrasada",
            "cancelled": "Cancelada",
        },
    },
    "ar": {
        "by_status": {"not_started": "Not started", "not_applicable": "Not applicable"},
        "by_mechanism": {"CRC": "Committee on the Rights of the Child"},
        "by_theme": {"Right to education": "الحق في التعليم", "Child labour": "Child labour"},
        "by_cycle": {"3": "Cycle 3", "none": "Not a UPR recommendation"},
        "by_position": {"none": "No position"},
        "by_priority": {"none": "No priority"},
        "actions": {"cancelled": "Cancelled"},
    },
}


@pytest.mark.parametrize("lang", ["fr", "es", "ar"])
def test_public_statistics_speak_the_language_asked_for(
    public: TestClient, world: World, db: Connection, lang: str
) -> None:
    with session_on(db) as session:
        session.query(Term).filter_by(kind="theme", label="Right to education").update(
            {"titles": {"fr": "Droit à l'éducation", "es": "Derecho a la educación", "ar": "الحق في التعليم"}}
        )
        session.commit()
    english = public.get(PUBLIC_STATS).json()
    response = public.get(PUBLIC_STATS, params={"lang": lang})
    assert response.status_code == 200, response.text
    data = response.json()
    for field, expected in LABELS[lang].items():
        buckets = data["actions"]["by_status"] if field == "actions" else data[field]
        found = labels(buckets)
        if field == "by_theme":  # keyed by term id: named by the English label here
            found = {labels(english[field])[key]: label for key, label in found.items()}
        assert {key: found[key] for key in expected} == expected, field
    assert labels(data["by_lead_entity"])[str(world.justice)] == "Ministry of Justice (MOJ)"  # as entered
    assert {key: label[:8] for key, label in labels(data["by_sdg_goal"]).items()} == {
        key: title[:8] for key, title in sdg_titles(lang).items() if key in ("4", "8")
    }
    assert unlabelled(data) == unlabelled(english)  # the same counts, in the same order
    # The staff statistics take the same words.
    staff = public.get(STAFF_STATS, params={"lang": lang}, headers=world.coordinator).json()
    assert labels(staff["by_position"]) == labels(data["by_position"])
    refused = public.get(PUBLIC_STATS, params={"lang": "xx"})
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "lang"


def test_a_recommendation_counts_once_per_sdg_goal(client: TestClient, engine: Engine) -> None:
    import_records(
        engine,
        [
            record("A", sdgs=["5.1", "5.2"]),
            record("B", sdgs=["5"]),
            record("C", sdgs=["5.2", "16.a"]),
            record("D"),
        ],
    )
    data = client.get(f"{STAFF_STATS}?lang=fr").json()
    assert [(bucket["key"], bucket["count"]) for bucket in data["by_sdg_goal"]] == [("5", 3), ("16", 1)]
    assert data["by_sdg_goal"][0]["label"].startswith("Parvenir ")
    assert data["by_sdg_goal"][0]["label"].endswith("toutes les femmes et les filles")
    assert data["total"] == 4


@pytest.fixture
def statements(public: TestClient, migrated_engine: Engine) -> Iterator[list[str]]:
    """The statements the requests run: on the app's engine in committed mode, on the test's connection
    (of the run's engine) in rolled-back mode."""
    engines = [public.app.state.engine, migrated_engine]  # type: ignore[attr-defined]
    seen: list[str] = []

    def record_statement(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen.append(statement)

    for engine in engines:
        event.listen(engine, "before_cursor_execute", record_statement)
    yield seen
    for engine in engines:
        event.remove(engine, "before_cursor_execute", record_statement)


def test_statistics_take_a_fixed_number_of_queries(
    public: TestClient, world: World, engine: Engine, statements: list[str]
) -> None:
    kept.counts.clear()  # counts kept by an earlier test on this world would be answered without a query
    public.get(STAFF_STATS, headers=world.coordinator)
    few = len(statements)
    import_records(
        engine,
        [record(f"X{n}", themes=[f"Theme {n}"], sdgs=[f"{n % 17 + 1}"], mechanism="CAT") for n in range(40)],
    )
    statements.clear()

    data = public.get(STAFF_STATS, headers=world.coordinator).json()

    assert data["total"] == 42
    assert len(statements) == few  # one GROUP BY per dimension, whatever the number of rows
    assert few <= 15, statements  # the counts, and the themes' names in the language


def test_statistics_are_counted_once_for_every_language(
    public: TestClient, world: World, statements: list[str]
) -> None:
    """Only the labels depend on the language: one count serves them all."""
    kept.counts.clear()
    english = public.get(STAFF_STATS, headers=world.coordinator).json()
    assert any("GROUP BY" in statement for statement in statements)
    statements.clear()
    french = public.get(STAFF_STATS, params={"lang": "fr"}, headers=world.coordinator).json()
    assert [statement for statement in statements if "GROUP BY" in statement] == []
    assert english["by_sdg_goal"], "the world has SDG goals to title"
    for goal in french["by_sdg_goal"]:
        assert goal["label"] == sdg_titles("fr")[goal["key"]]
    assert unlabelled(french) == unlabelled(english)


def test_public_statistics_are_cacheable(public: TestClient, world: World, engine: Engine) -> None:
    first = public.get(PUBLIC_STATS)
    tag = first.headers["etag"]
    assert first.headers["cache-control"] == "public, max-age=60"

    again = public.get(PUBLIC_STATS, headers={"If-None-Match": tag})
    assert again.status_code == 304 and again.content == b""

    import_records(engine, [record("NEW")])
    changed = public.get(PUBLIC_STATS, headers={"If-None-Match": tag})
    assert changed.status_code == 200 and changed.headers["etag"] != tag
    assert changed.json()["total"] == 3


def test_staff_statistics_are_for_staff(
    anonymous_client: TestClient, headers_for: Callable[..., dict[str, str]]
) -> None:
    assert anonymous_client.get(STAFF_STATS).status_code == 401
    assert anonymous_client.get(STAFF_STATS, headers=headers_for("reader")).status_code == 403
    for role in ("admin", "coordinator", "focal_point"):
        assert anonymous_client.get(STAFF_STATS, headers=headers_for(role)).status_code == 200, role
    bad = anonymous_client.get(f"{STAFF_STATS}?sdg=42", headers=headers_for("coordinator"))
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "sdg"


def test_public_statistics_follow_the_public_access_setting(
    make_client: MakeClient, headers_for: Callable[..., dict[str, str]]
) -> None:
    assert make_client().get(PUBLIC_STATS).status_code == 200
    keyed = make_client(public_access="key")
    assert keyed.get(PUBLIC_STATS).status_code == 401
    assert keyed.get(PUBLIC_STATS, headers=headers_for("reader")).status_code == 200
    assert make_client(public_access="off").get(PUBLIC_STATS).status_code == 404


@pytest.mark.parametrize("url", [PUBLIC_STATS, STAFF_STATS])
def test_a_revalidation_or_a_head_computes_nothing(
    public: TestClient, world: World, statements: list[str], url: str
) -> None:
    """Answered from the data version, as the reports' HEAD is: no counts computed (a HEAD computed
    them all, for nothing, and so did a 304 on a fresh data version)."""
    caller = world.coordinator if url == STAFF_STATS else {}
    first = public.get(url, params={"mechanism": "CRC"}, headers=caller)
    tag = first.headers["etag"]
    kept.counts.clear()  # as in another replica, or once the kept counts were pushed out
    statements.clear()

    again = public.get(url, params={"mechanism": "CRC"}, headers={**caller, "If-None-Match": tag})
    assert again.status_code == 304 and again.content == b""
    head = public.head(url, params={"mechanism": "CRC"}, headers=caller)
    assert head.status_code == 200 and head.content == b""
    assert head.headers["etag"] == tag and head.headers["content-type"] == "application/json"
    assert [statement for statement in statements if "GROUP BY" in statement] == []
    # What the GET would refuse, HEAD and a revalidation refuse too.
    assert public.head(url, params={"sdg": "42"}, headers=caller).status_code == 422
    refused = public.get(url, params={"sdg": "42"}, headers={**caller, "If-None-Match": "*"})
    assert refused.status_code == 422
    # Another filter, language or day is another answer.
    other = public.get(
        url, params={"mechanism": "CRC", "lang": "fr"}, headers={**caller, "If-None-Match": tag}
    )
    assert other.status_code == 200 and other.headers["etag"] != tag


def test_an_archived_cluster_serves_no_action_in_staff_counts_exports_and_reports(
    client: TestClient, engine: Engine
) -> None:
    """Archived, a cluster is out of use (docs/clusters.md): staff views leave out its name, its report
    section and its place in the exports' ``clusters``, but the actions linked to it still counted for
    its members in the statistics, the exports' ``action_count``, the report's rows and a
    recommendation's actions, with nothing on the page to say why."""
    import_records(engine, [record("A")])
    [rec] = client.get("/api/v1/recommendations").json()["items"]
    cluster = client.post("/api/v1/clusters", json={"name": "Old plan"}).json()["id"]
    client.post(f"/api/v1/clusters/{cluster}/recommendations", json={"ids": [rec["id"]]})
    title = "Action of the old plan"
    assert client.post("/api/v1/actions", json={"title": title, "cluster_ids": [cluster]}).status_code == 201

    def seen() -> tuple[int, int, bool, list[str]]:
        stats = client.get(STAFF_STATS).json()["actions"]["total"]
        [row] = json.loads(client.get("/api/v1/exports/recommendations.json").content)
        report = client.get("/api/v1/reports/implementation", params={"group_by": "mechanism"}).text
        listed = client.get("/api/v1/actions", params={"recommendation_id": rec["id"]}).json()["items"]
        return stats, row["action_count"], title in report, [item["title"] for item in listed]

    assert seen() == (1, 1, True, [title])
    url = f"/api/v1/clusters/{cluster}"
    etag = client.get(url).headers["etag"]
    assert client.patch(url, json={"archived": True}, headers={"If-Match": etag}).status_code == 200
    assert seen() == (0, 0, False, [])
    # The archived cluster itself can still be read, with the actions linked to it.
    listed = client.get("/api/v1/actions", params={"cluster_id": cluster}).json()["items"]
    assert [item["title"] for item in listed] == [title]
