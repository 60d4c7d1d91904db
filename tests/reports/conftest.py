"""A world for the reports: recommendations in several clusters and themes, with public and internal work.

Every internal value is a planted string (``PLANTED-...``) so a test can assert it never reaches a
public report in any format, and that it does reach the staff one.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from io import BytesIO

import pytest
from docx import Document
from fastapi.testclient import TestClient
from httpx import Response
from openpyxl import load_workbook
from sqlalchemy import Connection, Engine

from tests import accounts
from tests.builder import building, imported
from tests.conftest import MakeApp, ModuleWorld
from tests.factories import record

SCRIPT = "<script>alert('x')</script>"
# Internal data a public report must never show (the staff report shows the first four).
RATIONALE = "PLANTED-RATIONALE"
NOTES = "PLANTED-INTERNAL-NOTES"
UNPUBLISHED_ACTION = "PLANTED-UNPUBLISHED-ACTION"
DRAFT = "PLANTED-DRAFT-PROGRESS"
DRAFT_EVIDENCE = "PLANTED-DRAFT-EVIDENCE.docx"
STAFF_ONLY = (RATIONALE, NOTES, UNPUBLISHED_ACTION, DRAFT, DRAFT_EVIDENCE)
NEVER_PUBLIC = (
    *STAFF_ONLY,
    "PLANTED-EVIDENCE-OF-APPROVED-UNPUBLISHED.pdf",
    "PLANTED-EVIDENCE-OF-UNPUBLISHED-ACTION.pdf",
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
# The file of the published update, as every report lists it: name, type and size, then its link.
PUBLISHED_EVIDENCE = "training-attendance.pdf (PDF, 240 KB)"


@dataclass
class ReportWorld:
    ids: dict[str, int]


def build_report_world(engine: Engine) -> ReportWorld:
    recs = imported(
        engine,
        [
            record(
                "rep-1",
                texts={
                    "en": "<p>12. Guarantee access to justice for children.</p>",
                    "fr": "<p>12. Garantir l'accès des enfants à la justice.</p>",
                },
                themes=["Right to justice", "Children: definition"],
                sdgs=["16.3", "16.2"],
                countries=["Peru"],
                mechanism="CRC",
                symbol="CRC/C/PER/CO/5",
                publication_date=date(2024, 3, 1),
            ),
            record(
                "rep-2",
                "<p>13. Ratify the Optional Protocol &lt;script&gt;alert('x')&lt;/script&gt;.</p>",
                themes=["Right to justice"],
                sdgs=["4.1"],
                mechanism="CRC",
                symbol="CRC/C/PER/CO/5",
                publication_date=date(2024, 3, 1),
            ),
            record(
                "rep-3",
                texts={
                    "en": "<p>111.5. Collect disaggregated data.</p>",
                    "ar": "<p>111.5. جمع البيانات المصنفة.</p>",
                },
                mechanism="UPR",
                symbol="A/HRC/37/8",
                upr_cycle=3,
                upr_session=37,
                position="supported",
                publication_date=date(2023, 1, 1),
            ),
        ],
    )
    with building(engine) as build:
        author = build.user("planted-author@ministry.example", "focal_point")
        justice = build.entity(
            "Ministry of Justice", acronym="MOJ", contact_email="planted-contact@ministry.example"
        )
        social = build.entity("Ministry of Social Affairs", contact_name="Planted Person")
        build.local(
            recs["rep-1"],
            priority="high",
            priority_rationale=RATIONALE,
            status="in_progress",
            internal_notes=NOTES,
        )
        build.responsible(recs["rep-1"], justice.id, "lead")
        build.responsible(recs["rep-1"], social.id, "supporting")
        clusters = {
            "Access to justice": build.cluster("Access to justice", [recs["rep-1"]], published=True),
            "Children's rights": build.cluster("Children's rights", [recs["rep-1"]], published=True),
            "PLANTED-UNPUBLISHED-CLUSTER": build.cluster("PLANTED-UNPUBLISHED-CLUSTER", [recs["rep-2"]]),
            "PLANTED-ARCHIVED-CLUSTER": build.cluster(
                "PLANTED-ARCHIVED-CLUSTER", [recs["rep-1"]], published=True, archived=True
            ),
        }
        published = build.action(
            PUBLISHED_ACTION,
            recommendations=[recs["rep-1"], recs["rep-2"]],
            lead_entity_id=justice.id,
            status="in_progress",
            due_date=date(2026, 12, 31),
            published=True,
            budget_source="PLANTED-BUDGET-SOURCE",
        )
        unpublished = build.action(
            UNPUBLISHED_ACTION, recommendations=[recs["rep-1"]], lead_entity_id=social.id, status="planned"
        )
        build.action(
            f"Publish the guide {SCRIPT}", recommendations=[recs["rep-2"]], status="planned", published=True
        )
        updates: dict[str, int] = {}
        evidence: dict[str, int] = {}
        for action, day, narrative, state in (
            (published, date(2025, 6, 1), "An older published update.", "published"),
            (published, date(2026, 1, 1), PUBLISHED_PROGRESS, "published"),
            (published, date(2026, 1, 5), "PLANTED-APPROVED-UNPUBLISHED", "approved"),
            (published, date(2026, 1, 10), "PLANTED-SUBMITTED-PROGRESS", "submitted"),
            (published, date(2026, 1, 20), "PLANTED-RETURNED-PROGRESS", "returned"),
            (published, date(2026, 2, 1), DRAFT, "draft"),
            (unpublished, date(2025, 12, 1), "PLANTED-PROGRESS-OF-UNPUBLISHED-ACTION", "published"),
        ):
            comment = "PLANTED-REVIEW-COMMENT" if state == "returned" else None
            updates[narrative] = build.progress(
                action.id, state, narrative, reported_on=day, author_id=author, review_comment=comment
            ).id
        for narrative, filename, media_type in (
            (PUBLISHED_PROGRESS, "training-attendance.pdf", "application/pdf"),
            (
                DRAFT,
                DRAFT_EVIDENCE,
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            ),
            (
                "PLANTED-APPROVED-UNPUBLISHED",
                "PLANTED-EVIDENCE-OF-APPROVED-UNPUBLISHED.pdf",
                "application/pdf",
            ),
            (
                "PLANTED-PROGRESS-OF-UNPUBLISHED-ACTION",
                "PLANTED-EVIDENCE-OF-UNPUBLISHED-ACTION.pdf",
                "application/pdf",
            ),
        ):
            file = build.evidence(updates[narrative], filename, media_type, 240 * 1024)
            evidence[filename] = file.id
        ids = dict(recs) | {"justice": justice.id, "social": social.id, "published_action": published.id}
        ids |= {f"evidence:{name}": file_id for name, file_id in evidence.items()}
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


def assert_own_style_applies(response: Response) -> None:
    """The page's inline style sheet is allowed by the policy it is served with (the site's own policy
    forbids inline style: the browser would show the report unstyled), and nothing else is."""
    styles = re.findall(rb"<style>(.*?)</style>", response.content, re.DOTALL)
    assert len(styles) == 1
    digest = base64.b64encode(hashlib.sha256(styles[0]).digest()).decode()
    directives = dict(
        part.strip().split(" ", 1) for part in response.headers["content-security-policy"].split(";")
    )
    assert directives["style-src"] == f"'sha256-{digest}'"
    assert directives["default-src"] == "'none'"
