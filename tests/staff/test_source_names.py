"""A source or a run's format is named, never shown as its stored code: the dashboard's "Last import"
read "(manual, template-xlsx)". One mapping (app/staff/labels.py) names them on the dashboard, the
import runs, a run's page and a recommendation's page alike."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import Connection

from tests.factories import stored_runs
from tests.staff.conftest import StaffLogin

RUNS = (
    ("uhri", "json"),
    ("upr-info", "csv"),
    ("uhri", "xlsx"),
    ("manual", "csv"),
    ("manual", "template-xlsx"),
)
CODES = re.compile(r"\b(template-xlsx|upr-info)\b|\(manual, |\(uhri, ")


def _runs(db: Connection) -> list[int]:
    return stored_runs(db, RUNS, hours_apart=1)


def _shown(html: str) -> str:
    """The page's words without its markup, links and form values."""
    return re.sub(r"<[^>]+>", " ", re.sub(r"<(form|select)\b.*?</\1>", " ", html, flags=re.DOTALL))


def test_the_last_import_names_its_source_and_format(staff_login: StaffLogin, db: Connection) -> None:
    ids = _runs(db)
    coordinator = staff_login("coordinator")
    dashboard = coordinator.get("/staff/?lang=en").text
    last = dashboard[dashboard.index('id="last-import"') :]
    assert f'href="/staff/imports/{ids[-1]}"' in last
    assert "Manual, Excel workbook" in last
    assert not CODES.search(_shown(last)), CODES.search(_shown(last))
    runs = _shown(coordinator.get("/staff/imports?lang=en").text)
    for name in (
        "UHRI, JSON export",
        "UPR Info, CSV file",
        "UHRI, XLSX search export",
        "Manual, CSV file",
        "Manual, Excel workbook",
    ):
        assert name in runs, name
    assert not CODES.search(runs), CODES.search(runs)
    run = _shown(coordinator.get(f"/staff/imports/{ids[-1]}?lang=en").text)
    assert "Manual, Excel workbook" in run and not CODES.search(run)


@pytest.mark.parametrize("lang", ["fr", "es"])
def test_the_dashboard_and_the_imports_pages_use_the_same_words(
    staff_login: StaffLogin, db: Connection, lang: str
) -> None:
    ids = _runs(db)
    coordinator = staff_login("coordinator")
    dashboard = coordinator.get(f"/staff/?lang={lang}").text
    last = re.search(r'href="/staff/imports/\d+">[^<]*</a> · ([^<]+)</dd>', dashboard)
    assert last is not None
    run = coordinator.get(f"/staff/imports/{ids[-1]}?lang={lang}").text
    assert f"<dd>{last.group(1)}</dd>" in run
    assert f"<td>{last.group(1)}</td>" in coordinator.get(f"/staff/imports?lang={lang}").text


def test_every_stored_source_and_format_has_a_name() -> None:
    from app.models.imports import FORMATS
    from app.staff.labels import FORMAT_LABELS, SOURCE_LABELS

    assert set(FORMATS) == set(FORMAT_LABELS)
    assert set(SOURCE_LABELS) == {"uhri", "upr-info", "manual"}
