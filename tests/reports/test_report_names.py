"""A report names things as the rest of the service does: a source as the staff pages name it."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.reports.conftest import ReportWorld, docx_text

STAFF = "/api/v1/reports/implementation"


@pytest.mark.parametrize(("lang", "manual"), [("en", "Manual"), ("fr", "Saisie manuelle"), ("es", "Manual")])
def test_a_manual_source_is_named_as_the_staff_pages_name_it(
    client: TestClient, world: ReportWorld, lang: str, manual: str
) -> None:
    """The report's filters said "Entered by hand" ("Saisi à la main") where the recommendation list's
    Source filter, a recommendation's badge and the import runs say "Manual" ("Saisie manuelle")."""
    params = {"source": "manual", "lang": lang}
    page = client.get(STAFF, params=params).text
    text = docx_text(client.get(STAFF, params={**params, "format": "docx"}).content)
    assert f"<dd>{manual}</dd>" in page
    assert manual in text
    for shown in (page, text):
        assert "by hand" not in shown and "à la main" not in shown and "a mano" not in shown


def test_one_mapping_names_the_sources() -> None:
    from app.reports.labels import FILTER_VALUE_LABELS
    from app.staff.labels import SOURCE_LABELS

    assert FILTER_VALUE_LABELS["source"] is SOURCE_LABELS
