"""A small world for the recommendation detail page: a recommendation in three languages that a
second import changed, a similar one in a cluster, a withdrawn one, a manual one, and two entities."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from sqlalchemy import Connection, Engine, select

from app.feed.records import SourceRecord
from app.models.local import RecommendationLocal
from tests.builder import building, imported
from tests.conftest import ModuleWorld
from tests.factories import record
from tests.staff.conftest import StaffClient

EN_OLD = (
    "<p>12. The Committee recommends that the State party strengthen <b>juvenile justice</b> and "
    "guarantee legal aid for children in detention.</p>"
)
EN_NEW = (
    "<p>12. The Committee recommends that the State party reform juvenile justice and guarantee "
    "free legal aid for all children in detention.</p>"
)
FR = "<p>12. Le Comité recommande à l'État partie de renforcer la justice pour mineurs.</p>"
AR = "<p>12. توصي اللجنة الدولة الطرف بتعزيز قضاء الأحداث.</p>"
NEAR = (
    "<p>30. The Committee recommends juvenile justice reform, legal aid for children in detention "
    "and alternatives to detention.</p>"
)
THEMES = ["Administration of justice", "Children: juvenile justice"]
SYMBOL = "CRC/C/PER/CO/6"


@dataclass(frozen=True)
class World:
    main: int  # three languages, changed by a second import, priority high (unpublished), led by Justice
    near: int  # similar to main, in the cluster
    gone: int  # withdrawn
    manual: int  # a manual recommendation (archivable)
    justice: int
    health: int
    cluster: int


def main_record(text: str, themes: list[str]) -> SourceRecord:
    return record(
        "MAIN",
        texts={"en": text, "fr": FR, "ar": AR},
        symbol=SYMBOL,
        document_id="DOC-6",
        publication_date=date(2024, 5, 10),
        countries=["Peru"],
        themes=themes,
        affected_persons=["Children in detention"],
        sdgs=["16", "16.3"],
    )


def build_world(engine: Engine) -> World:
    imported(
        engine,
        [
            main_record(EN_OLD, THEMES),
            record("NEAR", NEAR, symbol="CRC/C/PER/CO/5", themes=THEMES, sdgs=["16.3"]),
            record("GONE", "<p>3. An old recommendation about juvenile justice.</p>", themes=THEMES),
        ],
    )
    ids = imported(engine, [main_record(EN_NEW, [*THEMES, "Detention"])])
    ids = imported(
        engine,
        [record("MAN", "1. Ratify the regional convention.", source="manual", mechanism="ACHPR")],
        source="manual",
    )
    with building(engine) as build:
        justice = build.entity("Ministry of Justice", acronym="MoJ").id
        health = build.entity("Ministry of Health").id
        # Published as in progress, then raised to high priority: the page shows what the public sees.
        build.local(
            ids["MAIN"],
            priority="high",
            status="in_progress",
            internal_notes="Draft plan due.",
            published_status="in_progress",
            published_priority=None,
        )
        build.responsible(ids["MAIN"], justice)
        cluster = build.cluster("Juvenile justice", [ids["NEAR"]]).id
        build.withdraw(ids["GONE"])
    return World(ids["MAIN"], ids["NEAR"], ids["GONE"], ids["MAN"], justice, health, cluster)


# The page, its form and its row, for the tests of the detail page.


@pytest.fixture
def world(module_world: ModuleWorld, migrated_engine: Engine) -> World:
    return module_world(build_world, migrated_engine)


def url(rec_id: int, tail: str = "") -> str:
    return f"/staff/recommendations/{rec_id}{tail}"


def etag_of(page_html: str) -> str:
    match = re.search(r'name="etag" value="([^"]*)"', page_html)
    assert match, "the page has no edit form"
    return html.unescape(match.group(1))


def local_row(db: Connection, rec_id: int) -> Any:
    return db.execute(
        select(
            RecommendationLocal.priority, RecommendationLocal.status, RecommendationLocal.internal_notes
        ).where(RecommendationLocal.recommendation_id == rec_id)
    ).one()


def form(staff: StaffClient, rec_id: int, **changes: Any) -> dict[str, Any]:
    """The edit form as the page fills it, with some fields changed (as a browser would send it)."""
    page = staff.get(url(rec_id)).text
    values: dict[str, Any] = {
        "etag": etag_of(page),
        "priority": "high",
        "priority_rationale": "",
        "status": "in_progress",
        "status_note": "",
        "lead_entity_id": "",
        "supporting_entity_ids": [],
        "internal_notes": "Draft plan due.",
    }
    values.update(changes)
    return values
