"""A required text made only of characters nobody sees (a zero-width space, a byte order mark, a
direction mark, a soft hyphen) is refused as empty, naming the field: it was stored, and invisible in
every list. The workspace: tests/staff/test_progress_pages.py."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from tests.accounts import create_entity
from tests.plans.test_actions import URL, make_action, patch, problem_fields

INVISIBLE = ["\u200b", "\ufeff", "\u200e \u200f", "\u00ad", " \u200b\u2060 "]


def test_an_invisible_title_name_or_narrative_is_refused_as_empty(client: TestClient, engine: Engine) -> None:
    action = make_action(client, lead_entity_id=create_entity(engine, "Ministry of Justice"))
    for text in INVISIBLE:
        created = client.post(URL, json={"title": text})
        assert created.status_code == 422 and problem_fields(created) == ["title"], (text, created.text)
        changed = patch(client, f"{URL}/{action['id']}", {"title": text})
        assert changed.status_code == 422 and problem_fields(changed) == ["title"]
        indicator = client.post(f"{URL}/{action['id']}/indicators", json={"name": text})
        assert indicator.status_code == 422 and problem_fields(indicator) == ["name"]
        report = {"reported_on": "2025-06-30", "narrative": text}
        progress = client.post(f"{URL}/{action['id']}/progress", json=report)
        assert progress.status_code == 422 and problem_fields(progress) == ["narrative"]
    # Visible text beside them is text: kept as typed.
    kept = client.post(URL, json={"title": "\u200bTrain judges"})
    assert kept.status_code == 201
