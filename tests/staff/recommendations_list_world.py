"""The world of the staff recommendation list's tests (tests/staff/test_recommendations_list.py and
test_recommendations_bulk.py): 32 water recommendations, schools, sanitation and an Arabic text, two
ministries and a cluster; and what the tests read of the page and the database."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Connection, Engine, func, select

from app.models import AuditEvent
from app.models.local import RecommendationLocal
from tests.builder import building, imported
from tests.factories import record

URL = "/staff/recommendations"
WATER = 32
ARABIC = "5. توصي اللجنة الدولة الطرف بضمان الحصول على المياه."  # its only text


@dataclass(frozen=True)
class World:
    ids: dict[str, int]
    health: int
    justice: int
    cluster: int

    @property
    def water(self) -> list[int]:
        return [rec_id for key, rec_id in self.ids.items() if key.startswith("W")]


def build_world(engine: Engine) -> World:
    day = date(2024, 1, 1)
    water = [
        record(
            f"W{n:02}",
            f"<p>{n}. Ensure access to clean water.</p>",
            themes=["Water"],
            publication_date=day + timedelta(days=n),
        )
        for n in range(WATER)
    ]
    schools = [
        record(
            f"S{n}",
            f"<p>{n}. Build schools.</p>",
            mechanism="UPR",
            themes=["Education"],
            publication_date=day,
        )
        for n in range(4)
    ]
    sanitation = [  # the older one says it three times in fewer words: more relevant
        record("R_OLD", "<p>1. Sanitation, sanitation and sanitation.</p>", publication_date=day),
        record(
            "R_NEW",
            "<p>2. Ensure that every clinic and every prison has sanitation and a safe place to wash.</p>",
            publication_date=day + timedelta(days=90),
        ),
    ]
    arabic = record("AR", texts={"ar": f"<p>{ARABIC}</p>"}, mechanism="CESCR", publication_date=day)
    ids = imported(engine, [*water, *schools, *sanitation, arabic])
    with building(engine) as build:
        health = build.entity("Ministry of Health", acronym="MOH").id
        justice = build.entity("Ministry of Justice", acronym="MOJ").id
        cluster = build.cluster("Water and sanitation").id
    return World(ids, health, justice, cluster)


def row_ids(html: str) -> list[int]:
    return [int(found) for found in re.findall(r'<a href="/staff/recommendations/(\d+)">', html)]


def rel_link(html: str, rel: str) -> str | None:
    found = re.search(rf'<a href="([^"]+)" rel="{rel}">', html)
    return found.group(1).replace("&amp;", "&") if found else None


def locals_of(db: Connection) -> dict[int, tuple[Any, ...]]:
    rows = db.execute(
        select(
            RecommendationLocal.recommendation_id,
            RecommendationLocal.priority,
            RecommendationLocal.priority_rationale,
            RecommendationLocal.status,
        )
    )
    return {row[0]: tuple(row[1:]) for row in rows}


def updates(db: Connection) -> int:
    query = select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "recommendation.update")
    return db.execute(query).scalar_one()
