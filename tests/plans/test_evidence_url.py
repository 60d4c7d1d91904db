"""A progress update's evidence link is shown to the public as written: a character that cannot be
seen (a right-to-left override, a zero-width space, a control character) would make it read as
another address, as a file's name would (app/evidence/names.py drops them there)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.plans.test_actions import make_action, problem_fields

REPORT = {"reported_on": "2025-06-30", "narrative": "Two workshops held."}


@pytest.mark.parametrize(
    "url",
    [
        "https://example.org/\u202etxt.exe",  # shown as https://example.org/exe.txt
        "https://example.org/\u200breport.pdf",
        "https://exam\u00adple.org/report.pdf",
        "https://example.org/report\x01.pdf",
        "https://example.org/report\x7f.pdf",
    ],
)
def test_an_evidence_link_with_characters_nobody_sees_is_refused(client: TestClient, url: str) -> None:
    action = make_action(client)
    created = client.post(f"/api/v1/actions/{action['id']}/progress", json={**REPORT, "evidence_url": url})
    assert created.status_code == 422, created.text
    assert problem_fields(created) == ["evidence_url"]
    assert created.json()["errors"][0]["reason"].endswith("must not contain invisible or control characters")


@pytest.mark.parametrize(
    "url",
    ["https://example.org:99999/report.pdf", "http://example.org:0/report.pdf", "https://example.org:x/"],
)
def test_an_evidence_link_with_a_port_no_server_has_is_refused(client: TestClient, url: str) -> None:
    """Port 99999 (or 0) was accepted: a link nobody could open, shown to the public as evidence."""
    action = make_action(client)
    created = client.post(f"/api/v1/actions/{action['id']}/progress", json={**REPORT, "evidence_url": url})
    assert created.status_code == 422, created.text
    assert problem_fields(created) == ["evidence_url"]
    assert created.json()["errors"][0]["reason"].endswith("must have a port from 1 to 65535")
    kept = "https://example.org:8443/report.pdf"
    fine = client.post(f"/api/v1/actions/{action['id']}/progress", json={**REPORT, "evidence_url": kept})
    assert fine.status_code == 201 and fine.json()["evidence_url"] == kept


def test_an_evidence_link_in_any_script_is_kept(client: TestClient) -> None:
    action = make_action(client)
    url = "https://ejemplo.pe/informes/educación-niñas/تقرير.pdf?page=2#resumen"
    created = client.post(f"/api/v1/actions/{action['id']}/progress", json={**REPORT, "evidence_url": url})
    assert created.status_code == 201, created.text
    assert created.json()["evidence_url"] == url
