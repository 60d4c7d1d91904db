"""GET /recommendations/facets and /public/recommendations/facets: counts per dimension for the
current filters and query, each dimension leaving out its own filter; published data only for the public."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, event

from app.feed.mechanisms import localised_name
from app.taxonomies.service import sdg_titles
from app.web.i18n import translations
from tests.factories import import_records, record

STAFF = "/api/v1/recommendations/facets"
PUBLIC = "/api/v1/public/recommendations/facets"


@pytest.fixture
def world(engine: Engine) -> None:
    import_records(
        engine,
        [
            record("a", "End torture in prisons.", mechanism="CAT", themes=["Torture"], sdgs=["16.1"]),
            record("b", "Investigate torture.", mechanism="CRC", themes=["Torture", "Children"], sdgs=["16"]),
            record("c", "Protect children at school.", mechanism="CRC", themes=["Children"], sdgs=["4.1"]),
            record(
                "d",
                "Ratify the torture convention.",
                mechanism="UPR",
                upr_cycle=3,
                position="supported",
                affected_persons=["Detainees"],
                publication_date=date(2023, 1, 1),
            ),
        ],
    )


def _counts(body: dict[str, list[dict[str, object]]], name: str) -> dict[object, object]:
    return {bucket["value"]: bucket["count"] for bucket in body[name] if bucket["count"]}


@pytest.mark.parametrize("url", [STAFF, PUBLIC])
def test_facets_count_within_the_query_and_the_other_filters(
    client: TestClient, world: None, url: str
) -> None:
    body = client.get(url, params={"q": "tortured"}).json()
    assert body["total"] == 3
    assert _counts(body, "mechanism") == {"CAT": 1, "CRC": 1, "UPR": 1}
    assert _counts(body, "family") == {"treaty-body": 2, "upr": 1}
    # Named as people name them, not as capitalised codes ("Upr", "Treaty-body").
    assert [bucket["label"] for bucket in body["family"]] == [
        "Universal Periodic Review",
        "Treaty bodies",
        "Special procedures",
        "Regional mechanisms",
        "Other",
    ]
    assert _counts(body, "theme") == {"Torture": 2, "Children": 1}
    assert _counts(body, "sdg") == {"16": 2}
    assert _counts(body, "affected_person") == {"Detainees": 1}
    assert _counts(body, "cycle") == {"3": 1, "none": 2}
    assert _counts(body, "position") == {"supported": 1, "none": 2}
    assert _counts(body, "status") == {"not_started": 3}
    # A chosen mechanism narrows the other dimensions, not its own: the others keep their counts.
    chosen = client.get(url, params=[("q", "tortured"), ("mechanism", "CRC")]).json()
    assert chosen["total"] == 1
    assert _counts(chosen, "mechanism") == {"CAT": 1, "CRC": 1, "UPR": 1}
    assert _counts(chosen, "theme") == {"Torture": 1, "Children": 1}
    by_goal = client.get(url, params={"sdg": "16"}).json()  # a goal filter beside the theme counts' join
    assert _counts(by_goal, "theme") == {"Torture": 2, "Children": 1}
    several = client.get(url, params=[("mechanism", "CRC"), ("mechanism", "CAT")]).json()
    assert several["total"] == 3
    assert _counts(several, "sdg") == {"16": 2, "4": 1}


@pytest.mark.parametrize(
    ("url", "listing"), [(STAFF, "/api/v1/recommendations"), (PUBLIC, "/api/v1/public/recommendations")]
)
def test_every_bucket_value_passed_back_as_its_filter_lists_its_count(
    client: TestClient, world: None, url: str, listing: str
) -> None:
    # "value being what to pass back as the filter": the cycle's "none" (not UPR) was a 422.
    body = client.get(url, params={"q": "tortured"}).json()
    for dimension in (
        "mechanism",
        "family",
        "theme",
        "sdg",
        "affected_person",
        "cycle",
        "position",
        "status",
    ):
        for bucket in body[dimension]:
            listed = client.get(listing, params={"q": "tortured", dimension: bucket["value"]})
            assert listed.status_code == 200, (dimension, bucket, listed.text)
            assert listed.json()["total"] == bucket["count"], (dimension, bucket)
    both = client.get(listing, params=[("cycle", "none"), ("cycle", "3")]).json()
    assert both["total"] == 4
    refused = client.get(listing, params={"cycle": "0"})
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "cycle"


@pytest.mark.parametrize("url", [STAFF, PUBLIC])
def test_unknown_values_are_refused(client: TestClient, world: None, url: str) -> None:
    response = client.get(url, params={"mechanism": "XYZ"})
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"field": "mechanism", "reason": "'XYZ' is not a known mechanism code"}
    ]
    assert client.get(url, params={"limit": "5"}).status_code == 422  # no paging here


def test_facets_are_counted_once_for_every_language(client: TestClient, world: None, engine: Engine) -> None:
    """Only the labels depend on the language: one count serves them all, labelled in each."""
    app_engine: Engine = client.app.state.engine  # type: ignore[attr-defined]
    counting: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if "GROUP BY" in statement:
            counting.append(statement)

    event.listen(app_engine, "before_cursor_execute", count)
    try:
        english = client.get(PUBLIC, params={"q": "tortured"}).json()
        assert counting, "the first language is counted"
        counting.clear()
        french = client.get(PUBLIC, params={"q": "tortured", "lang": "fr"}).json()
    finally:
        event.remove(app_engine, "before_cursor_execute", count)
    assert counting == []
    goal = {bucket["value"]: bucket["label"] for bucket in french["sdg"]}["16"]
    assert goal == sdg_titles("fr")["16"] != sdg_titles("en")["16"]
    assert {bucket["value"]: bucket["label"] for bucket in english["sdg"]}["16"] == sdg_titles("en")["16"]
    fr = translations("fr").gettext

    def labels(body: dict[str, Any], name: str) -> dict[str, str]:
        return {bucket["value"]: bucket["label"] for bucket in body[name]}

    assert labels(french, "family")["treaty-body"] == fr("Treaty bodies") != "Treaty bodies"
    assert labels(english, "family")["treaty-body"] == "Treaty bodies"
    assert labels(french, "position")["supported"] == fr("Supported") != "Supported"
    assert labels(french, "status")["not_started"] == fr("Not started") != "Not started"
    assert labels(french, "cycle")["3"] == fr("Cycle %(number)s") % {"number": 3}
    assert (
        labels(french, "mechanism")["CRC"]
        == localised_name("CRC", "fr")
        != labels(english, "mechanism")["CRC"]
    )

    def counts(body: dict[str, Any]) -> dict[str, Any]:
        return {name: sorted((b["value"], b["count"]) for b in value) if isinstance(value, list) else value
                for name, value in body.items()}  # fmt: skip

    assert counts(french) == counts(english)
