"""The staff list's JSON is written from plain values without validating them again
(``service.list_json``): it must be exactly what the response model makes of the same page, in its
fields' order, for every kind of value a page holds (texts in several languages and a snippet,
terms, SDGs, times in UTC, local fields with their entities, sources), on both databases."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from app.core.actor import READER, Actor
from app.models import Entity, Recommendation
from app.models.local import RecommendationEntity, RecommendationLocal
from app.recommendations import kept, service
from app.recommendations.schemas import RecommendationListParams, RecommendationOut
from tests.factories import import_records, record

ADMIN = Actor(role="admin", label="admin@example.org")
READER_ACTOR = Actor(role=READER, label="reader@example.org")


def _world(engine: Engine) -> None:
    import_records(
        engine,
        [
            record(
                "A",
                texts={
                    "en": "Prevent torture in prisons.",
                    "fr": "Prévenir la torture.",
                    "ar": "منع التعذيب",
                },
                themes=["Torture", "Detention"],
                sdgs=["16", "16.3", "5"],
                countries=["Peru"],
                recommending_states=["Chile"],
                upr_cycle=3,
                upr_session=32,
                position="supported",
                uhri_published_at=datetime(2024, 2, 3, 4, 5, 6, 789000),
            ),
            record("B", "Adopt a law on defenders.", mechanism="CAT", affected_persons=["Women"]),
            record("C", "Tortured detainees must be heard.", publication_date=None, issues=["Prisons"]),
        ],
    )
    with Session(engine) as session:
        first = session.scalars(select(Recommendation.id).order_by(Recommendation.id)).first()
        lead, other = (
            Entity(name="Ministry of Justice", acronym="MoJ", kind="ministry"),
            Entity(name="Ombudsman", kind="other"),
        )
        session.add_all([lead, other])
        session.flush()
        session.add_all(
            [
                RecommendationLocal(
                    recommendation_id=first,
                    status="in_progress",
                    priority="high",
                    priority_rationale="Urgent",
                    internal_notes="Ask the ministry",
                    published_status="not_started",
                    published_priority="high",
                    published_at=datetime(2024, 5, 6, 7, 8, 9, tzinfo=UTC),
                ),
                RecommendationEntity(recommendation_id=first, entity_id=lead.id, responsibility="lead"),
                RecommendationEntity(
                    recommendation_id=first, entity_id=other.id, responsibility="supporting"
                ),
            ]
        )
        session.commit()


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"q": "torture"},
        {"q": "torture", "sort": "newest", "lang": "fr"},
        {"lang": "ar", "sort": "oldest", "limit": 2},
        {"theme": ["Torture"]},
    ],
)
def test_the_json_is_what_the_model_writes(engine: Engine, params: dict[str, object]) -> None:
    _world(engine)
    asked = RecommendationListParams.model_validate(params)
    for actor in (ADMIN, READER_ACTOR):
        kept.clear_all()
        with Session(engine) as session:
            written = service.list_json(session, actor, asked)
            model = service.list_recommendations(session, actor, asked)
        page = json.loads(written)
        assert page == model.model_dump(mode="json")
        assert page["items"], params
        for item in page["items"]:
            assert list(item) == list(RecommendationOut.model_fields)
            assert item["created_at"].endswith("Z")
    kept.clear_all()


def test_a_page_holds_each_kind_of_value(engine: Engine) -> None:
    """The page above is not empty of what it checks: a snippet, SDGs, local fields and entities."""
    _world(engine)
    with Session(engine) as session:
        page = json.loads(service.list_json(session, ADMIN, RecommendationListParams(q="torture", lang="fr")))
    kept.clear_all()
    first = next(item for item in page["items"] if item["themes"])
    assert first["snippet"] and "<mark>" in first["snippet"]
    assert first["text_lang"] == "fr" and first["languages"] == ["en", "fr", "ar"]
    assert [sdg["code"] for sdg in first["sdgs"]] == ["5", "16", "16.3"]
    assert first["uhri_published_at"] == "2024-02-03T04:05:06.789000Z"
    assert first["local"]["published_at"] == "2024-05-06T07:08:09Z"
    assert first["local"]["lead_entity"]["acronym"] == "MoJ"
    assert [e["name"] for e in first["local"]["supporting_entities"]] == ["Ombudsman"]
    assert first["sources"][0]["link"] == "leading"
    assert first["publication_date"] == date(2024, 1, 1).isoformat()
