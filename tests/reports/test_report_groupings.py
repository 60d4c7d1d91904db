"""The report's groups: by mechanism, SDG goal (in goal order) and responsible entity (lead and
supporting), an unpublished cluster a group for staff only, and an action's latest progress once in
each of its groups."""

from __future__ import annotations

from datetime import datetime
from io import BytesIO

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy import Connection

from tests.builder import building
from tests.reports.conftest import PUBLISHED_PROGRESS, ReportWorld, xlsx_rows
from tests.reports.test_report_formats import PUBLIC, STAFF, get, report_text


def test_an_unpublished_cluster_is_a_group_for_staff_only(client: TestClient, world: ReportWorld) -> None:
    staff = [row[0] for row in xlsx_rows(get(client, STAFF, format="xlsx"))[1:]]
    assert "PLANTED-UNPUBLISHED-CLUSTER" in staff
    assert "PLANTED-ARCHIVED-CLUSTER" not in staff
    public = [row[0] for row in xlsx_rows(get(client, PUBLIC, format="xlsx"))[1:]]
    assert public == ["Access to justice", "Children's rights", "No cluster", "No cluster"]


def test_grouping_by_mechanism(client: TestClient, world: ReportWorld) -> None:
    rows = xlsx_rows(get(client, PUBLIC, format="xlsx", group_by="mechanism"))[1:]
    assert [(row[0], row[1][:3]) for row in rows] == [
        ("Committee on the Rights of the Child (CRC)", "12."),
        ("Committee on the Rights of the Child (CRC)", "13."),
        ("Universal Periodic Review (UPR)", "111"),
    ]


@pytest.mark.parametrize("fmt", ["html", "docx", "xlsx"])
def test_the_latest_progress_comes_once_per_action_and_group(
    client: TestClient, world: ReportWorld, fmt: str
) -> None:
    # The published action serves rep-1 (themes "Children: definition", "Right to justice") and rep-2
    # ("Right to justice"): its progress once in each of the two themes, not once per row (three).
    assert report_text(client, PUBLIC, fmt, "theme").count(PUBLISHED_PROGRESS) == 2


def test_grouping_by_sdg_goal_in_goal_order(client: TestClient, world: ReportWorld) -> None:
    rows = xlsx_rows(get(client, PUBLIC, format="xlsx", group_by="sdg"))
    assert rows[0][0] == "Sustainable Development Goal"
    assert [(row[0][:22], row[1][:3]) for row in rows[1:]] == [
        ("4. Ensure inclusive an", "13."),
        ("16. Promote peaceful a", "12."),
        ("No Sustainable Develop", "111"),
    ]
    body = get(client, PUBLIC, format="xlsx", group_by="sdg", lang="fr")
    french = xlsx_rows(body, "Recommandations")
    assert french[0][0] == "Objectif de développement durable"
    assert french[1][0].startswith("4. Assurer")
    # The language of the texts by its name in the report's language, not its code ("fr").
    about = {row[0]: row[1] for row in xlsx_rows(body, "À propos de ce rapport")}
    assert about["Langue des textes"] == "Français"
    due = load_workbook(BytesIO(body))["Actions"]["D"]
    dates = [cell for cell in due if isinstance(cell.value, datetime)]
    assert dates and {cell.number_format for cell in dates} == {"[$-40C]d mmm yyyy"}  # "31 déc. 2026"


def test_grouping_by_responsible_entity_lead_and_supporting(client: TestClient, world: ReportWorld) -> None:
    rows = xlsx_rows(get(client, PUBLIC, format="xlsx", group_by="entity"))
    assert rows[0][0] == "Responsible entity"
    assert [(row[0], row[1][:3]) for row in rows[1:]] == [
        ("Ministry of Justice (MOJ)", "12."),
        ("Ministry of Social Affairs", "12."),
        ("No responsible entity", "13."),
        ("No responsible entity", "111"),
    ]


def test_a_recommendation_s_row_lists_the_actions_of_its_clusters_as_its_portal_page_does(
    client: TestClient, db: Connection, world: ReportWorld
) -> None:
    """An action linked to a published cluster serves each of its recommendations: the portal's page
    of one of them, the public API and the exports' ``action_count`` list it, and the report's group
    lists it under "Actions and their latest progress", but the recommendation's own row said
    "Actions: —" (only the actions linked to the recommendation itself)."""
    rep_3 = world.ids["rep-3"]
    with building(db) as build:
        cluster = build.cluster("Statistics", [rep_3], published=True)
        build.action("Run a disability survey", clusters=[cluster.id], status="planned", published=True)
    listed = client.get(f"/api/v1/public/recommendations/{rep_3}").json()["actions"]
    assert [action["title"] for action in listed] == ["Run a disability survey"]
    rows = xlsx_rows(get(client, PUBLIC, format="xlsx"))
    (row,) = [row for row in rows if row[0] == "Statistics"]
    assert "Run a disability survey" in row[-1]
    for fmt in ("html", "docx"):
        assert report_text(client, PUBLIC, fmt, "cluster").count("Run a disability survey") == 2, fmt
