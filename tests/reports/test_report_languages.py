"""A report in French or Spanish names what it can in that language, as the portal does."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import Connection, update

from app.models import Term
from tests.conftest import session_on
from tests.reports.conftest import ReportWorld, docx_text, xlsx_rows

PUBLIC = "/api/v1/public/reports/implementation"
STAFF = "/api/v1/reports/implementation"
JUSTICE = {"fr": "Droit à la justice", "es": "Derecho a la justicia"}


def test_themes_are_named_in_the_reports_language(
    client: TestClient, db: Connection, world: ReportWorld
) -> None:
    """The names a French or Spanish UHRI export gave the themes (``Term.titles``): the portal shows
    them on its French and Spanish pages, and so does the report, in its groups, rows and filters."""
    with session_on(db) as session, session.begin():
        session.execute(
            update(Term).where(Term.kind == "theme", Term.label == "Right to justice").values(titles=JUSTICE)
        )
    portal = client.get(f"/recommendations/{world.ids['rep-1']}", params={"lang": "fr"}).text
    assert "Droit à la justice" in portal
    params = {"group_by": "theme", "theme": "Right to justice"}
    page = client.get(PUBLIC, params={**params, "lang": "fr"}).text
    assert "Thème : Droit à la justice" in page and "<dd>Droit à la justice</dd>" in page
    assert "Right to justice" not in page
    text = docx_text(client.get(STAFF, params={**params, "lang": "es", "format": "docx"}).content)
    assert "Derecho a la justicia" in text and "Right to justice" not in text
    english = xlsx_rows(client.get(PUBLIC, params={**params, "format": "xlsx"}).content)
    assert {row[0] for row in english[1:]} == {"Children: definition", "Right to justice"}
