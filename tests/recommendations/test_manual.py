"""Manual recommendations through the API: create, edit, archive; stored exactly as the import stores them."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from app.core.config import Settings
from app.feed.fields import SCALAR_FIELDS
from app.models import (
    AuditEvent,
    Mechanism,
    Recommendation,
    RecommendationSearch,
    RecommendationTerm,
    RecommendationText,
    Term,
)
from app.recommendations.search_index import retidy_plain_texts
from importers.csv_export import export_template_csv
from importers.csv_runs import import_csv_template
from tests.accounts import create_entity
from tests.factories import ids_by_external_id, import_records, record

URL = "/api/v1/recommendations"
IACHR = {"mechanism": "iachr", "mechanism_name": "Inter-American Commission on Human Rights"}
TEXT = "17. Adopt a comprehensive law on gender-based violence & protect women human rights defenders."


def _create(client: TestClient, **fields: Any) -> Any:
    body = {"text": TEXT, **IACHR, "mechanism_family": "regional", **fields}
    return client.post(URL, json=body)


def _full(client: TestClient) -> dict[str, Any]:
    response = _create(
        client,
        symbol="OEA/Ser.L/V/II Doc. 17",
        document_id="IACHR-2024-17",
        publication_date="2024-03-08",
        countries=["Peru"],
        regions=["Americas"],
        themes=["Women's rights", " Violence  against women "],
        affected_persons=["Women &  girls", "Human rights defenders"],
        sdgs=["5.2", "16"],
    )
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def _events(engine: Engine, action: str) -> list[AuditEvent]:
    with Session(engine) as session:
        return list(session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def _fields(response: Any) -> dict[str, str]:
    return {error["field"]: error["reason"] for error in response.json()["errors"]}


def test_create_a_manual_recommendation(client: TestClient, engine: Engine) -> None:
    import_records(engine, [record("U1", affected_persons=["Women and girls"], countries=["Peru"])])
    response = _create(
        client, publication_date="2024-03-08", affected_persons=["Women &  girls"], sdgs=["5.2"]
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert response.headers["Location"] == f"{URL}/{body['id']}"
    assert response.headers["ETag"].startswith('"0-')
    assert (
        body["source"] == "manual"
        and body["external_id"].startswith("api-")
        and len(body["external_id"]) == 36
    )
    assert body["mechanism"] == {
        "code": "IACHR",
        "name": "Inter-American Commission on Human Rights",
        "family": "regional",
    }
    assert body["text"] == TEXT and body["paragraph"] == "17" and body["type"] == "recommendation"
    assert body["affected_persons"] == ["Women and girls"]  # the existing term, found by its key
    assert [s["code"] for s in body["sdgs"]] == ["5.2"]
    assert body["position"] == "none" and body["local"]["status"] == "not_started"
    [created] = _events(engine, "recommendation.create")
    assert (
        created.object_id == body["id"]
        and created.after is not None
        and created.after["mechanism"] == "IACHR"
    )
    assert len(_events(engine, "mechanism.create")) == 1
    assert client.get(f"{URL}?q=defenders").json()["items"][0]["id"] == body["id"]
    assert client.get(f"{URL}?source=manual&mechanism=IACHR").json()["total"] == 1
    # The mechanism now exists: its code alone is enough.
    again = client.post(URL, json={"text": "2. Another.", "mechanism": "IACHR", "upr_session": 43})
    assert again.status_code == 201 and again.json()["upr_cycle"] == 4
    assert len(_events(engine, "mechanism.create")) == 1


def test_the_language_of_a_text_is_stored_in_one_spelling(client: TestClient, engine: Engine) -> None:
    """ "FR" and "fr" are one language: stored as written, a text in "FR" was a language the pages,
    the filters and the template import ("fr") never found."""
    response = _create(client, lang="FR")
    assert response.status_code == 201, response.text
    rec_id = response.json()["id"]
    assert (
        client.patch(
            f"{URL}/{rec_id}",
            json={"text": "Deux.", "lang": "pt-br"},
            headers={"If-Match": response.headers["ETag"]},
        ).status_code
        == 200
    )
    with Session(engine) as session:
        langs = session.scalars(
            select(RecommendationText.lang).where(RecommendationText.recommendation_id == rec_id)
        ).all()
    assert sorted(langs) == ["fr", "pt-BR"]


def _stored(engine: Engine, rec_id: int) -> dict[str, Any]:
    """What the feed owns of a stored recommendation: row values, texts, term links, search document."""
    with Session(engine) as session:
        rec = session.get(Recommendation, rec_id)
        search = session.get(RecommendationSearch, rec_id)
        assert rec is not None and search is not None
        stored = {
            name: getattr(rec, name)
            for name in ("content_hash", "sort_date", "paragraph", "mechanism_id", *SCALAR_FIELDS)
        }
        stored["texts"] = session.execute(
            select(RecommendationText.lang, RecommendationText.original, RecommendationText.text).where(
                RecommendationText.recommendation_id == rec_id
            )
        ).all()
        stored["terms"] = session.execute(
            select(RecommendationTerm.role, RecommendationTerm.term_id)
            .where(RecommendationTerm.recommendation_id == rec_id)
            .order_by(RecommendationTerm.role, RecommendationTerm.term_id)
        ).all()
        stored["search"] = search.document
        return stored


def test_stored_exactly_as_the_import_stores_it(client: TestClient, engine: Engine) -> None:
    api = _full(client)
    import_records(
        engine,
        [
            record(
                "csv-1",
                TEXT,
                source="manual",
                mechanism="Inter-American Commission on Human Rights",
                symbol="OEA/Ser.L/V/II Doc. 17",
                document_id="IACHR-2024-17",
                publication_date=date(2024, 3, 8),
                countries=["Peru"],
                regions=["Americas"],
                themes=["Women's rights", "Violence against women"],
                affected_persons=["Women & girls", "Human rights defenders"],
                sdgs=["5.2", "16"],
            )
        ],
        source="manual",
    )
    csv_id = ids_by_external_id(engine)["csv-1"]
    assert _stored(engine, api["id"]) == _stored(engine, csv_id)
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(Mechanism)) == 1


def test_export_and_reimport_round_trips(
    client: TestClient, engine: Engine, settings: Settings, tmp_path: Path
) -> None:
    api = _full(client)
    out = io.StringIO(newline="")
    assert export_template_csv(engine, out, source="manual") == 1
    path = tmp_path / "manual.csv"
    path.write_text(out.getvalue(), encoding="utf-8", newline="")
    summary = import_csv_template(engine, settings, path)
    assert summary.ok, summary.line()
    assert (summary.counts.created, summary.counts.updated, summary.counts.unchanged) == (0, 0, 1)
    assert ids_by_external_id(engine) == {api["external_id"]: api["id"]}
    assert client.get(f"{URL}/{api['id']}").json()["needs_review"] is False


def test_a_manual_text_is_plain_text_never_read_as_markup(
    client: TestClient, engine: Engine, settings: Settings, tmp_path: Path
) -> None:
    # "<B and C>" read as a tag and "&amp;" as an entity: shown and searched as "Adopt a law on AD".
    written = "Adopt a law on A<B and C>D matters (art. 37 <c>), R&amp;D <p>included</p>."
    api = _create(client, text=written)
    assert api.status_code == 201, api.text
    path = tmp_path / "template.csv"
    path.write_text(f'mechanism,text,external_id\nACHPR,"{written}",X-3\n', encoding="utf-8")
    assert import_csv_template(engine, settings, path).ok
    csv_id = ids_by_external_id(engine)["X-3"]
    for rec_id in (api.json()["id"], csv_id):
        detail = client.get(f"{URL}/{rec_id}").json()
        assert detail["texts"]["en"]["text"] == written
        assert detail["texts"]["en"]["original"] == written
        found = client.get(URL, params={"q": '"C>D matters"'}).json()["items"]
        assert rec_id in [item["id"] for item in found]


def test_migrate_reads_again_the_manual_texts_an_older_rule_read_as_markup(
    client: TestClient, engine: Engine
) -> None:
    written = "Adopt a law on A<B and C>D matters."
    rec_id = _create(client, text=written).json()["id"]
    before = _stored(engine, rec_id)
    with Session(engine) as session, session.begin():  # as the older rule stored it
        stored = session.get(RecommendationText, (rec_id, "en"))
        assert stored is not None
        stored.text = "Adopt a law on AD matters."
    assert retidy_plain_texts(engine) == 1
    assert _stored(engine, rec_id) == before  # the text and its search document
    assert retidy_plain_texts(engine) == 0  # nothing left to do: every migrate may run it


@pytest.mark.parametrize(
    ("fields", "field", "reason"),
    [
        ({"mechanism": "NEWBODY", "mechanism_name": None, "mechanism_family": None}, "mechanism", "unknown"),
        ({"mechanism": "bad code!"}, "mechanism", "pattern"),
        ({"text": "\u200b\u2060"}, "text", "no visible character"),
        ({"text": "x" * 20_001}, "text", "at most"),
        ({"text": "   "}, "text", "at least"),
        ({"sdgs": ["18"]}, "sdgs", "not an SDG"),
        ({"themes": ["!!!"]}, "themes", "not a label"),
        ({"themes": ["a\x00b"]}, "themes.0", "NUL"),
        ({"themes": ["x&" * 200]}, "themes", "longer"),
        ({"mechanism_name": "!!!"}, "mechanism_name", "not a usable name"),
        ({"lang": "english"}, "lang", "pattern"),
        ({"type": "concern"}, "type", "recommendation"),
        ({"upr_session": 0}, "upr_session", "greater"),
        ({"upr_session": True}, "upr_session", "not a boolean"),  # was session 1, cycle 1
        ({"external_id": "mine"}, "external_id", "Extra inputs"),
        ({"priority": "high"}, "priority", "Extra inputs"),
    ],
)
def test_create_validation(
    client: TestClient, engine: Engine, fields: dict[str, Any], field: str, reason: str
) -> None:
    body = {"text": TEXT, **IACHR, "mechanism_family": "regional", **fields}
    response = client.post(URL, json={key: value for key, value in body.items() if value is not None})
    assert response.status_code == 422, response.text
    assert reason in _fields(response)[field]
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(Recommendation)) == 0
        assert session.scalar(select(func.count()).select_from(Mechanism)) == 0


def test_an_existing_mechanism_cannot_be_renamed_here(client: TestClient) -> None:
    assert _create(client).status_code == 201
    response = _create(client, mechanism_name="Another name")
    assert response.status_code == 422 and "exists" in _fields(response)["mechanism_name"]


def test_only_managers_create(
    anonymous_client: TestClient, headers_for: Callable[..., dict[str, str]], engine: Engine
) -> None:
    body = {"text": TEXT, **IACHR, "mechanism_family": "regional"}
    entity = create_entity(engine, "Ministry of Justice")
    assert anonymous_client.post(URL, json=body).status_code == 401
    assert (
        anonymous_client.post(URL, json=body, headers=headers_for("focal_point", entity)).status_code == 403
    )
    assert anonymous_client.post(URL, json=body, headers=headers_for("reader")).status_code == 403
    assert anonymous_client.post(URL, json=body, headers=headers_for("admin")).status_code == 201


def test_edit_feed_fields_of_a_manual_recommendation(client: TestClient, engine: Engine) -> None:
    api = _full(client)
    tag = client.get(f"{URL}/{api['id']}").headers["ETag"]
    response = client.patch(
        f"{URL}/{api['id']}",
        json={
            "text": "18. Ratify the Belém do Pará Convention.",
            "themes": ["Treaties"],
            "symbol": "OEA/18",
            "priority": "high",
        },
        headers={"If-Match": tag},
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["text"] == "18. Ratify the Belém do Pará Convention." and body["paragraph"] == "18"
    assert (
        body["themes"] == ["Treaties"] and body["symbol"] == "OEA/18" and body["local"]["priority"] == "high"
    )
    new_tag = response.headers["ETag"]
    assert new_tag != tag and new_tag.startswith('"1-')
    assert client.get(f"{URL}?q=belem").json()["items"][0]["id"] == api["id"]
    assert client.get(f"{URL}?q=defenders").json()["total"] == 0
    [event] = _events(engine, "recommendation.update")
    assert event.before is not None and event.after is not None
    assert event.before["themes"] == ["Violence against women", "Women's rights"]
    assert event.after["themes"] == ["Treaties"] and event.after["priority"] == "high"
    assert event.after["text.en"].startswith("18.")
    # Feed edits alone move the ETag too (through the content hash).
    response = client.patch(f"{URL}/{api['id']}", json={"sdgs": []}, headers={"If-Match": new_tag})
    assert response.status_code == 200 and response.json()["sdgs"] == []
    assert response.headers["ETag"] != new_tag and response.headers["ETag"].startswith('"1-')
    # A new symbol alone is searched for at once (the search document holds the symbol).
    assert client.get(URL, params={"q": "OEA/18"}).json()["total"] == 1
    response = client.patch(
        f"{URL}/{api['id']}", json={"symbol": "OEA/19"}, headers={"If-Match": response.headers["ETag"]}
    )
    assert response.status_code == 200, response.text
    assert client.get(URL, params={"q": "OEA/19"}).json()["total"] == 1
    assert client.get(URL, params={"q": "OEA/18"}).json()["total"] == 0
    # The exported, edited record still reads back unchanged.
    with Session(engine) as session:
        rec = session.get(Recommendation, api["id"])
        assert rec is not None
        labels = dict(
            session.execute(
                select(RecommendationTerm.role, Term.label)
                .join(Term, Term.id == RecommendationTerm.term_id)
                .where(RecommendationTerm.recommendation_id == rec.id, RecommendationTerm.role == "theme")
            ).all()
        )
        assert labels == {"theme": "Treaties"}


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"text": None}, "text"),
        ({"lang": "fr"}, "lang"),
        ({"type": None}, "type"),
        ({"mechanism_name": "X"}, "mechanism_name"),
        ({"mechanism": "NOPE"}, "mechanism"),
    ],
)
def test_manual_edit_validation(client: TestClient, body: dict[str, Any], field: str) -> None:
    api = _full(client)
    tag = client.get(f"{URL}/{api['id']}").headers["ETag"]
    response = client.patch(f"{URL}/{api['id']}", json=body, headers={"If-Match": tag})
    assert response.status_code == 422, response.text
    assert field in _fields(response)


def test_archive_and_unarchive(
    client: TestClient,
    anonymous_client: TestClient,
    headers_for: Callable[..., dict[str, str]],
    engine: Engine,
) -> None:
    api = _full(client)
    import_records(engine, [record("U1")])
    imported = ids_by_external_id(engine)["U1"]
    response = client.post(f"{URL}/{api['id']}/archive")
    assert response.status_code == 200 and response.json()["withdrawn"] is True
    assert response.json()["withdrawn_at"] is not None
    assert [i["id"] for i in client.get(f"{URL}?withdrawn=true").json()["items"]] == [api["id"]]
    assert client.post(f"{URL}/{api['id']}/archive").status_code == 200  # already archived: nothing to do
    assert len(_events(engine, "recommendation.archive")) == 1
    response = client.post(f"{URL}/{api['id']}/unarchive")
    assert response.status_code == 200 and response.json()["withdrawn"] is False
    assert response.json()["withdrawn_at"] is None
    assert len(_events(engine, "recommendation.unarchive")) == 1
    conflict = client.post(f"{URL}/{imported}/archive")
    assert conflict.status_code == 409 and "source" in _fields(conflict)
    assert client.post(f"{URL}/999999/archive").status_code == 404
    reader = headers_for("reader")
    assert anonymous_client.post(f"{URL}/{api['id']}/archive", headers=reader).status_code == 403
    anonymous_client.headers.pop("Authorization")  # the same client as `client`, logged out
    assert anonymous_client.post(f"{URL}/{api['id']}/unarchive").status_code == 401


def _import_csv(engine: Engine, settings: Settings, path: Path, row: dict[str, str]) -> int:
    """Import one row through the real CSV template reader and pipeline; the new row's id."""
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=["external_id", *row])
        writer.writeheader()
        writer.writerow({"external_id": "csv-1", **row})
    # An instance of every State: the rows name other States to check their labels' spellings.
    summary = import_csv_template(engine, settings.model_copy(update={"country": ""}), path)
    assert summary.ok and summary.counts.created == 1, summary.line()
    return ids_by_external_id(engine)["csv-1"]


@pytest.mark.parametrize(
    ("text", "labels"),
    [
        (
            "<p>4. The Committee <b>recommends</b> &amp; urges</p><script>x()</script>",
            {"countries": "Turkey", "themes": "- Women &amp; girls"},
        ),
        ("Heading\n12. Then the\u00a0paragraph\u200b", {"countries": "GB; uk", "upr_session": "43"}),
        ("118.12 Ratify a &lt; b &#233;", {"countries": "Ivory Coast", "recommending_states": "Vietnam"}),
    ],
)
def test_api_and_csv_import_store_the_same_record(
    client: TestClient,
    engine: Engine,
    settings: Settings,
    tmp_path: Path,
    text: str,
    labels: dict[str, str],
) -> None:
    # The API and the CSV reader share the import's rules (text, paragraph, labels, State aliases,
    # content hash): the same recommendation given both ways is stored the same.
    body: dict[str, Any] = {
        name: int(value) if name == "upr_session" else value.split("; ") for name, value in labels.items()
    }
    api = _create(client, text=text, **body)
    assert api.status_code == 201, api.text
    csv_id = _import_csv(
        engine, settings, tmp_path / "same.csv", {"mechanism": "IACHR", "text": text, **labels}
    )
    assert _stored(engine, api.json()["id"]) == _stored(engine, csv_id)


def test_states_are_stored_under_their_un_name(client: TestClient, engine: Engine) -> None:
    import_records(engine, [record("U1", countries=["TR"])])  # the import's term for Türkiye
    response = _create(
        client, countries=["Turkey", "türkiye", "GB"], recommending_states=["Viet Nam", "Vietnam"]
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert sorted(body["countries"]) == ["Türkiye", "United Kingdom of Great Britain and Northern Ireland"]
    assert body["recommending_states"] == ["Viet Nam"]
    with Session(engine) as session:
        keys = session.scalars(select(Term.key).where(Term.kind == "state").order_by(Term.key)).all()
    assert keys == ["türkiye", "united kingdom of great britain and northern ireland", "viet nam"]
    # An edit resolves them too; a label the table does not know is kept as given.
    tag = client.get(f"{URL}/{body['id']}").headers["ETag"]
    response = client.patch(
        f"{URL}/{body['id']}", json={"countries": ["Bolivia", "Atlantis"]}, headers={"If-Match": tag}
    )
    assert response.status_code == 200, response.text
    assert sorted(response.json()["countries"]) == ["Atlantis", "Bolivia (Plurinational State of)"]
