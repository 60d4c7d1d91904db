"""A world for the reports: recommendations in several clusters and themes, with public and internal work.

Every internal value is a planted string (``PLANTED-...``) so a test can assert it never reaches a
public report in any format, and that it does reach the staff one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from io import BytesIO

import pytest
from docx import Document
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy import Connection, Engine, select
from sqlalchemy.orm import Session

from app.models import (
    Action,
    ActionRecommendation,
    Cluster,
    ClusterRecommendation,
    Entity,
    ProgressUpdate,
    Recommendation,
)
from app.models.local import RecommendationEntity, RecommendationLocal
from tests import accounts
from tests.conftest import MakeApp, ModuleWorld
from tests.factories import import_records, record

SCRIPT = "<script>alert('x')</script>"
# Internal data a public report must never show (the staff report shows the first four).
RATIONALE = "PLANTED-RATIONALE"
NOTES = "PLANTED-INTERNAL-NOTES"
UNPUBLISHED_ACTION = "PLANTED-UNPUBLISHED-ACTION"
DRAFT = "PLANTED-DRAFT-PROGRESS"
STAFF_ONLY = (RATIONALE, NOTES, UNPUBLISHED_ACTION, DRAFT)
NEVER_PUBLIC = (
    *STAFF_ONLY,
    "PLANTED-RETURNED-PROGRESS",
    "PLANTED-SUBMITTED-PROGRESS",
    "PLANTED-APPROVED-UNPUBLISHED",
    "PLANTED-PROGRESS-OF-UNPUBLISHED-ACTION",
    "PLANTED-REVIEW-COMMENT",
    "PLANTED-UNPUBLISHED-CLUSTER",
    "PLANTED-ARCHIVED-CLUSTER",
    "planted-contact@ministry.example",
    "planted-author@ministry.example",
    "PLANTED-BUDGET-SOURCE",
)
PUBLISHED_ACTION = "Train judges on child-friendly justice"
PUBLISHED_PROGRESS = "Two hundred judges were trained in 2025."


@dataclass
class ReportWorld:
    ids: dict[str, int]


def _progress(
    action_id: int, day: date, narrative: str, state: str, published: bool = False
) -> ProgressUpdate:
    return ProgressUpdate(
        action_id=action_id,
        reported_on=day,
        narrative=narrative,
        state=state,
        published=published,
        published_at=datetime.now(UTC) if published else None,
        review_comment="PLANTED-REVIEW-COMMENT" if state == "returned" else None,
    )


def build_report_world(engine: Engine) -> ReportWorld:
    import_records(
        engine,
        [
            record(
                "rep-1",
                texts={
                    "en": "<p>12. Guarantee access to justice for children.</p>",
                    "fr": "<p>12. Garantir l'accès des enfants à la justice.</p>",
                },
                themes=["Right to justice", "Children: definition"],
                mechanism="CRC",
                symbol="CRC/C/PER/CO/5",
                publication_date=date(2024, 3, 1),
            ),
            record(
                "rep-2",
                "<p>13. Ratify the Optional Protocol &lt;script&gt;alert('x')&lt;/script&gt;.</p>",
                themes=["Right to justice"],
                mechanism="CRC",
                symbol="CRC/C/PER/CO/5",
                publication_date=date(2024, 3, 1),
            ),
            record(
                "rep-3",
                "<p>111.5. Collect disaggregated data.</p>",
                mechanism="UPR",
                symbol="A/HRC/37/8",
                upr_cycle=3,
                upr_session=37,
                position="supported",
                publication_date=date(2023, 1, 1),
            ),
        ],
    )
    author = accounts.create_user(engine, "planted-author@ministry.example", "focal_point")
    with Session(engine) as session, session.begin():
        recs = dict(session.execute(select(Recommendation.external_id, Recommendation.id)).all())
        justice = Entity(
            name="Ministry of Justice",
            acronym="MOJ",
            kind="ministry",
            contact_email="planted-contact@ministry.example",
        )
        social = Entity(name="Ministry of Social Affairs", kind="ministry", contact_name="Planted Person")
        session.add_all([justice, social])
        session.flush()
        session.add(
            RecommendationLocal(
                recommendation_id=recs["rep-1"],
                priority="high",
                priority_rationale=RATIONALE,
                status="in_progress",
                internal_notes=NOTES,
            )
        )
        session.add_all(
            [
                RecommendationEntity(
                    recommendation_id=recs["rep-1"], entity_id=justice.id, responsibility="lead"
                ),
                RecommendationEntity(
                    recommendation_id=recs["rep-1"], entity_id=social.id, responsibility="supporting"
                ),
            ]
        )
        clusters = {
            name: Cluster(name=name, published=published, archived=archived)
            for name, published, archived in (
                ("Access to justice", True, False),
                ("Children's rights", True, False),
                ("PLANTED-UNPUBLISHED-CLUSTER", False, False),
                ("PLANTED-ARCHIVED-CLUSTER", True, True),
            )
        }
        session.add_all(clusters.values())
        session.flush()
        for name, rec in (
            ("Access to justice", "rep-1"),
            ("Children's rights", "rep-1"),
            ("PLANTED-ARCHIVED-CLUSTER", "rep-1"),
            ("PLANTED-UNPUBLISHED-CLUSTER", "rep-2"),
        ):
            session.add(ClusterRecommendation(cluster_id=clusters[name].id, recommendation_id=recs[rec]))
        published = Action(
            title=PUBLISHED_ACTION,
            lead_entity_id=justice.id,
            status="in_progress",
            due_date=date(2026, 12, 31),
            published=True,
            budget_source="PLANTED-BUDGET-SOURCE",
        )
        unpublished = Action(title=UNPUBLISHED_ACTION, lead_entity_id=social.id, status="planned")
        scripted = Action(title=f"Publish the guide {SCRIPT}", status="planned", published=True)
        session.add_all([published, unpublished, scripted])
        session.flush()
        session.add_all(
            [
                ActionRecommendation(action_id=published.id, recommendation_id=recs["rep-1"]),
                ActionRecommendation(action_id=unpublished.id, recommendation_id=recs["rep-1"]),
                ActionRecommendation(action_id=scripted.id, recommendation_id=recs["rep-2"]),
            ]
        )
        updates = [
            _progress(published.id, date(2025, 6, 1), "An older published update.", "approved", True),
            _progress(published.id, date(2026, 1, 1), PUBLISHED_PROGRESS, "approved", True),
            _progress(published.id, date(2026, 1, 5), "PLANTED-APPROVED-UNPUBLISHED", "approved"),
            _progress(published.id, date(2026, 1, 10), "PLANTED-SUBMITTED-PROGRESS", "submitted"),
            _progress(published.id, date(2026, 1, 20), "PLANTED-RETURNED-PROGRESS", "returned"),
            _progress(published.id, date(2026, 2, 1), DRAFT, "draft"),
            _progress(
                unpublished.id, date(2025, 12, 1), "PLANTED-PROGRESS-OF-UNPUBLISHED-ACTION", "approved", True
            ),
        ]
        for update in updates:
            update.author_id = author
        session.add_all(updates)
        session.flush()
        ids = {key: value for key, value in recs.items()}
        ids |= {"justice": justice.id, "social": social.id, "published_action": published.id}
        ids |= {f"cluster:{name}": cluster.id for name, cluster in clusters.items()}
    return ReportWorld(ids)


@pytest.fixture
def world(module_world: ModuleWorld, migrated_engine: Engine) -> ReportWorld:
    """The module's world, committed once."""
    return module_world(build_report_world, migrated_engine)


@pytest.fixture
def anonymous_client(make_app: MakeApp) -> Iterator[TestClient]:
    """The app in the test's mode (``make_app``), without credentials."""
    with TestClient(make_app()) as test_client:
        yield test_client


@pytest.fixture
def client(anonymous_client: TestClient, writer: Engine | Connection) -> TestClient:
    """The same, logged in as a coordinator."""
    anonymous_client.headers.update(accounts.headers_for(writer, "coordinator"))
    return anonymous_client


@pytest.fixture
def headers_for(writer: Engine | Connection) -> Callable[..., dict[str, str]]:
    """``headers_for(role, entity_id=None)``: Authorization headers of a new user."""

    def make(role: str, entity_id: int | None = None) -> dict[str, str]:
        return accounts.headers_for(writer, role, entity_id=entity_id)

    return make


def docx_text(body: bytes) -> str:
    """Every paragraph and table cell of a DOCX file, in document order."""
    document = Document(BytesIO(body))
    parts = [paragraph.text for paragraph in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts)


def xlsx_rows(body: bytes, sheet: str = "Recommendations") -> list[list[str]]:
    workbook = load_workbook(BytesIO(body))
    return [
        ["" if value is None else str(value) for value in row]
        for row in workbook[sheet].iter_rows(values_only=True)
    ]


def xlsx_text(body: bytes) -> str:
    workbook = load_workbook(BytesIO(body))
    return "\n".join(
        str(value)
        for sheet in workbook.worksheets
        for row in sheet.iter_rows(values_only=True)
        for value in row
        if value is not None
    )
