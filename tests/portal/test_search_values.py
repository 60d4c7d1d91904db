"""The search page reads the values of its address by the public list's own rules: an enumerated
choice in any letter case is that choice, ticked; a value that names nothing is a 422 page naming it."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.portal.seed import Seeded
from tests.portal.test_pages import check_html


def test_a_choice_in_another_letter_case_is_that_choice(portal: TestClient, seeded: Seeded) -> None:
    # It was a 422 page ("IN_PROGRESS" is not one of the choices), where the API's mechanism=crc passed.
    response = portal.get("/", params={"status": "IN_PROGRESS"})
    assert response.status_code == 200, response.text
    text = response.text
    assert "1 recommendation found" in text
    assert 'name="status" value="in_progress" checked>' in text
    assert 'value="IN_PROGRESS"' not in text and "> IN_PROGRESS<" not in text  # not a choice of its own
    check_html(text)
    refused = portal.get("/", params={"position": "accepted"})
    assert refused.status_code == 422
    assert '<a href="#position">Position: &#34;accepted&#34; is not one of the choices</a>' in refused.text
