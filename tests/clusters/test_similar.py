"""GET /api/v1/recommendations/{id}/similar: neighbours by themes, SDGs and text, and their clusters."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from app.clusters.candidates import counts, document_counts, features, statistics
from app.clusters.similarity import WEIGHTS
from tests.factories import ids_by_external_id, import_records, record

Headers = Callable[..., dict[str, str]]

# The source has themes, SDGs and text: a candidate with only the text in common scores its share.
WEIGHT_OF_TEXT = WEIGHTS["text"] / sum(WEIGHTS.values())
TORTURE = "Prevention of torture and other cruel, inhuman or degrading treatment"
DETENTION = "Conditions of detention"
EDUCATION = "Right to education"

SOURCE = (
    "<p>12. The Committee urges the State party to investigate promptly all allegations of torture "
    "and ill-treatment of detainees in police custody and prosecute the perpetrators.</p>"
)
TWIN = (
    "<p>34. The Committee urges the State party to investigate promptly all allegations of torture "
    "and ill-treatment of detainees in police custody and to prosecute perpetrators.</p>"
)
COUSIN = "<p>5. Improve material conditions in prisons and reduce overcrowding of detainees.</p>"
FR_SOURCE = "<p>Le Comité recommande d'enquêter sur les allégations de torture en détention.</p>"
# A typographic apostrophe: the words are split the same way.
FR_TWIN = "<p>Le Comité recommande d\u2019enquêter sur toutes les allégations de torture en détention.</p>"
UNRELATED = (
    "<p>7. The Committee recommends that the State party increase the budget of primary schools "
    "and train teachers in rural areas.</p>"
)


def _similar(client: TestClient, rec_id: int, **params: Any) -> dict[str, Any]:
    response = client.get(f"/api/v1/recommendations/{rec_id}/similar", params=params)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


@pytest.fixture
def ids(engine: Engine) -> dict[str, int]:
    import_records(
        engine,
        [
            record("source", SOURCE, themes=[TORTURE, DETENTION], sdgs=["16.3"]),
            record("twin", TWIN, themes=[TORTURE, DETENTION], sdgs=["16.3"], symbol="CAT/C/XX/CO/2"),
            record("cousin", COUSIN, themes=[DETENTION], sdgs=["16.a"]),
            record("unrelated", UNRELATED, themes=[EDUCATION], sdgs=["4.1"]),
            # Found by its text alone: it shares no theme or SDG.
            record("untagged", TWIN.replace("34.", "35.")),
        ],
    )
    return ids_by_external_id(engine)


def test_features_fold_and_drop_formulas() -> None:
    assert features("The Committee URGES the État to ratify the Convention, 2024.") == [
        "ratify",
        "convention",
    ]
    assert features("ÉDUCATION des élèves") == ["education", "eleves"]
    assert features("Ratify ratify RATIFY the CONVENTION") == ["ratify", "convention"]
    assert features("委员会建议调查酷刑") == ["议调", "调查", "查酷", "酷刑"]
    assert features("le Comité recommande la ratification") == ["ratification"]


def test_near_identical_record_ranks_first_and_unrelated_last(
    client: TestClient, ids: dict[str, int]
) -> None:
    body = _similar(client, ids["source"])
    assert body["recommendation_id"] == ids["source"]
    ranked = [item["id"] for item in body["items"]]
    assert ranked[0] == ids["twin"]
    assert ids["source"] not in ranked
    assert (
        ranked.index(ids["cousin"]) < ranked.index(ids["unrelated"]) if ids["unrelated"] in ranked else True
    )
    assert ranked[-1] == ids["unrelated"] or ids["unrelated"] not in ranked
    twin = body["items"][0]
    assert twin["score"] > 0.8
    assert twin["theme_similarity"] == 1.0 and twin["sdg_similarity"] == 1.0
    assert twin["text_similarity"] > 0.8
    assert twin["shared_themes"] == [DETENTION, TORTURE]
    assert twin["shared_sdgs"] == ["16", "16.3"]
    assert twin["symbol"] == "CAT/C/XX/CO/2" and twin["paragraph"] == "34" and twin["mechanism"] == "CRC"
    assert twin["text"].startswith("34. The Committee urges") and twin["text_lang"] == "en"
    assert twin["clusters"] == []
    scores = [item["score"] for item in body["items"]]
    assert scores == sorted(scores, reverse=True)
    assert all(0 < score <= 1 for score in scores)


def test_text_alone_finds_an_untagged_twin(client: TestClient, ids: dict[str, int]) -> None:
    items = {item["id"]: item for item in _similar(client, ids["source"])["items"]}
    untagged = items[ids["untagged"]]
    assert untagged["theme_similarity"] == 0 and untagged["sdg_similarity"] == 0
    assert untagged["text_similarity"] > 0.8
    assert untagged["score"] == pytest.approx(WEIGHT_OF_TEXT * untagged["text_similarity"], abs=1e-3)


def test_goal_shared_through_different_targets(client: TestClient, ids: dict[str, int]) -> None:
    items = {item["id"]: item for item in _similar(client, ids["source"])["items"]}
    cousin = items[ids["cousin"]]
    assert cousin["shared_sdgs"] == ["16"]
    assert cousin["sdg_similarity"] == pytest.approx(1 / 3, abs=1e-3)
    assert cousin["shared_themes"] == [DETENTION]
    assert cousin["theme_similarity"] == 0.5


def test_limit_and_withdrawn(client: TestClient, engine: Engine, ids: dict[str, int]) -> None:
    body = _similar(client, ids["source"], limit=1)
    assert [item["id"] for item in body["items"]] == [ids["twin"]]
    # A full export without the twin withdraws it: it is no longer suggested.
    import_records(
        engine,
        [
            record("source", SOURCE, themes=[TORTURE, DETENTION], sdgs=["16.3"]),
            record("cousin", COUSIN, themes=[DETENTION], sdgs=["16.a"]),
            record("unrelated", UNRELATED, themes=[EDUCATION], sdgs=["4.1"]),
            record("untagged", TWIN.replace("34.", "35.")),
        ],
        full_export=True,
    )
    ranked = [item["id"] for item in _similar(client, ids["source"])["items"]]
    assert ids["twin"] not in ranked
    assert ranked[0] == ids["untagged"]


def test_clusters_of_neighbours_are_suggested_by_summed_score(
    client: TestClient, ids: dict[str, int]
) -> None:
    def cluster(name: str, members: list[str]) -> int:
        created = client.post("/api/v1/clusters", json={"name": name})
        assert created.status_code == 201
        cluster_id: int = created.json()["id"]
        response = client.post(
            f"/api/v1/clusters/{cluster_id}/recommendations", json={"ids": [ids[m] for m in members]}
        )
        assert response.status_code == 200
        return cluster_id

    torture = cluster("Torture", ["twin", "cousin"])
    prisons = cluster("Prisons", ["cousin"])
    schools = cluster("Schools", ["unrelated"])
    own = cluster("Already there", ["source", "twin"])
    gone = cluster("Archived", ["twin"])
    etag = client.get(f"/api/v1/clusters/{gone}").headers["ETag"]
    client.patch(f"/api/v1/clusters/{gone}", json={"archived": True}, headers={"If-Match": etag})

    body = _similar(client, ids["source"])
    assert body["clusters"] == [{"id": own, "name": "Already there"}]
    items = {item["id"]: item for item in body["items"]}
    assert items[ids["twin"]]["clusters"] == [
        {"id": own, "name": "Already there"},
        {"id": torture, "name": "Torture"},
    ]
    suggested = body["suggested_clusters"]
    assert [entry["id"] for entry in suggested][:2] == [torture, prisons]
    assert own not in [entry["id"] for entry in suggested]
    assert gone not in [entry["id"] for entry in suggested]
    first = suggested[0]
    assert first["neighbours"] == 2
    assert first["score"] == pytest.approx(
        items[ids["twin"]]["score"] + items[ids["cousin"]]["score"], abs=1e-3
    )
    if ids["unrelated"] in items:
        assert suggested[-1]["id"] == schools


def test_french_and_chinese_texts(client: TestClient, engine: Engine) -> None:
    import_records(
        engine,
        [
            record(
                "fr-source",
                texts={"fr": FR_SOURCE},
            ),
            record(
                "fr-twin",
                texts={"fr": FR_TWIN},
            ),
            record("fr-other", texts={"fr": "<p>Le Comité recommande d'améliorer les écoles rurales.</p>"}),
            record(
                "zh-source", texts={"zh": "<p>委员会建议缔约国调查拘留期间的所有酷刑指控并起诉责任人。</p>"}
            ),
            record("zh-twin", texts={"zh": "<p>委员会建议缔约国调查拘留期间的酷刑指控并起诉责任人。</p>"}),
            record("zh-other", texts={"zh": "<p>委员会建议缔约国改善农村地区学校的教育质量。</p>"}),
        ],
    )
    ids = ids_by_external_id(engine)
    for lang in ("fr", "zh"):
        body = _similar(client, ids[f"{lang}-source"], lang=lang)
        ranked = [item["id"] for item in body["items"]]
        assert ranked[0] == ids[f"{lang}-twin"], (lang, body)
        assert body["items"][0]["text_similarity"] > 0.6
        assert body["items"][0]["text_lang"] == lang
        other = ids[f"{lang}-other"]
        assert other not in ranked or ranked[-1] == other
        if other in ranked:
            assert body["items"][-1]["score"] < body["items"][0]["score"] / 2


def test_a_record_with_nothing_in_common_has_no_neighbours(client: TestClient, engine: Engine) -> None:
    import_records(
        engine, [record("a", "<p>Abolish capital punishment.</p>"), record("b", "<p>Fund schools.</p>")]
    )
    ids = ids_by_external_id(engine)
    body = _similar(client, ids["a"])
    assert body["items"] == [] and body["suggested_clusters"] == [] and body["clusters"] == []


def test_errors_and_roles(anonymous_client: TestClient, headers_for: Headers, ids: dict[str, int]) -> None:
    url = f"/api/v1/recommendations/{ids['source']}/similar"
    assert anonymous_client.get(url).status_code == 401
    assert anonymous_client.get(url, headers=headers_for("reader")).status_code == 403
    for role in ("focal_point", "coordinator", "admin"):
        assert anonymous_client.get(url, headers=headers_for(role)).status_code == 200, role
    staff = headers_for("coordinator")
    assert anonymous_client.get("/api/v1/recommendations/999999/similar", headers=staff).status_code == 404
    for params in ({"limit": 0}, {"limit": 51}, {"lang": "de"}):
        response = anonymous_client.get(url, params=params, headers=staff)
        assert response.status_code == 422
        assert response.json()["errors"][0]["field"] == next(iter(params))


def test_word_counts_from_statistics_agree_with_counting(
    client: TestClient, engine: Engine, ids: dict[str, int]
) -> None:
    """PostgreSQL: once ANALYZE has run, common words are estimated from its statistics."""
    if engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL statistics")
    with engine.begin() as conn:
        conn.execute(text("ANALYZE recommendation_search"))
    words = ["torture", "detainees", "schools", "nowhere"]
    with Session(engine) as session:
        assert document_counts(session, words, "postgresql") == [3, 4, 1, 0]
        estimated = counts(session, words, "postgresql")
        assert statistics(session, words) is not None
    assert estimated[:2] == [3, 4] and estimated[3] == 0
    assert _similar(client, ids["source"])["items"][0]["id"] == ids["twin"]
