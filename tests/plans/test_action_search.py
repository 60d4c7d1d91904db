"""The actions' title search (`q`), accents and case aside as the recommendations' and clusters'
searches: "educacion" finds "Educación" and "educación" finds "educacion", on the staff and the public
list alike."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.plans.test_actions import URL, make_action

PUBLIC = "/api/v1/public/actions"


@pytest.mark.parametrize("url", [URL, PUBLIC])
def test_title_words_are_found_accents_and_case_aside(client: TestClient, url: str) -> None:
    accented = make_action(client, title="Reforma de la Educación básica", published=True)
    plain = make_action(client, title="Plan de educacion rural", published=True)  # typed without
    other = make_action(client, title="Train judges (100% of them)", published=True)

    def found(q: str) -> list[int]:
        response = client.get(url, params={"q": q})
        assert response.status_code == 200, response.text
        return [item["id"] for item in response.json()["items"]]

    assert found("educacion") == [plain["id"], accented["id"]]
    assert found("EDUCACIÓN plan") == [plain["id"]]
    assert found("basica EDUCACIÓN") == [accented["id"]]
    assert found("reforma educación") == [accented["id"]]
    assert found("100%") == [other["id"]]  # a % is a character like any other
    assert found("_") == []
    assert found('"reforma educación",') == [accented["id"]]  # quotes and a pasted comma aside
    assert client.get(url, params={"q": "educacion", "limit": 1}).json()["total"] == 2
