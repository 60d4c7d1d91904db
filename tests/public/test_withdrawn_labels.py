"""A taxonomy label that only withdrawn recommendations carry is not published data (the reader's
taxonomies leave it out): the public's filters answer it as an unknown label.

Before: ``?theme=Torture`` answered 200 with an empty list on every public route while a label never
written answered 422 "not a known theme label", so anyone could learn, label by label, what the
withdrawn recommendations had been tagged with. Now both are the same 422; staff still filter on it.
"""

from __future__ import annotations

import re
from datetime import date

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from app.models import RecommendationEntity
from tests import accounts
from tests.conftest import MakeApp
from tests.factories import ids_by_external_id, import_records, record

PUBLIC = [
    "/api/v1/public/recommendations",
    "/api/v1/public/recommendations/facets",
    "/api/v1/public/stats",
    "/api/v1/public/exports/recommendations.json",
    "/api/v1/public/reports/implementation",
    "/api/v1/public/feed.atom",
    "/",
]


def _records(with_withdrawn: bool) -> list:  # type: ignore[type-arg]
    records = [record("R1", themes=["Right to health"], countries=["Peru"])]
    if with_withdrawn:
        records.append(
            record(
                "W",
                mechanism="CAT",
                themes=["Torture"],
                countries=["Peru"],
                publication_date=date(2020, 1, 1),
            )
        )
    return records


@pytest.fixture
def withdrawn_label(engine: Engine) -> None:
    import_records(engine, _records(with_withdrawn=True))
    import_records(engine, _records(with_withdrawn=False), full_export=True)  # W is withdrawn


@pytest.mark.usefixtures("withdrawn_label")
def test_a_label_only_withdrawn_recommendations_carry_is_unknown_to_the_public(
    make_app: MakeApp, engine: Engine
) -> None:
    client = TestClient(make_app())
    for path in PUBLIC:
        never = client.get(path, params={"theme": "Never written"})
        withdrawn = client.get(path, params={"theme": "Torture"})
        assert never.status_code == 422, (path, never.text)
        assert withdrawn.status_code == 422, (path, withdrawn.status_code)
        assert client.get(path, params={"theme": "Right to health"}).status_code == 200, path
    reader = accounts.headers_for(engine, "reader")
    assert (
        client.get("/api/v1/recommendations", params={"theme": "Torture"}, headers=reader).status_code == 422
    )
    # Staff see withdrawn recommendations (withdrawn=true): the label is theirs to filter on.
    staff = accounts.headers_for(engine, "coordinator")
    found = client.get(
        "/api/v1/recommendations", params={"theme": "Torture", "withdrawn": "true"}, headers=staff
    )
    assert found.status_code == 200 and found.json()["total"] == 1


@pytest.mark.usefixtures("withdrawn_label")
def test_an_entity_nothing_public_names_is_unknown_to_the_public(make_app: MakeApp, engine: Engine) -> None:
    """``?entity=`` of an entity that exists but that nothing public names (here: responsible for the
    withdrawn recommendation only) answered 200 with an empty list where an id never given was a 422
    "not a known entity id": the public could tell which ids exist. Both are now the same 422."""
    ids = ids_by_external_id(engine)
    named = accounts.create_entity(engine, "Ministry of Health")
    hidden = accounts.create_entity(engine, "Unit of the withdrawn one")
    with Session(engine) as session, session.begin():
        session.add(RecommendationEntity(recommendation_id=ids["R1"], entity_id=named, responsibility="lead"))
        session.add(RecommendationEntity(recommendation_id=ids["W"], entity_id=hidden, responsibility="lead"))
    client = TestClient(make_app())

    def same(text: str) -> str:
        return re.sub(rf"\b({hidden}|987654)\b", "ID", text)

    # The portal's recommendation list has no entity filter; its action list has.
    for path in [*PUBLIC[:-1], "/api/v1/public/actions", "/actions"]:
        never = client.get(path, params={"entity": 987654})
        withheld = client.get(path, params={"entity": hidden})
        assert never.status_code == 422, (path, never.text)
        assert withheld.status_code == 422, (path, withheld.status_code)
        assert same(withheld.text) == same(never.text), path
        assert client.get(path, params={"entity": named}).status_code == 200, path
    staff = accounts.headers_for(engine, "coordinator")
    assert client.get("/api/v1/recommendations", params={"entity": hidden}, headers=staff).status_code == 200
