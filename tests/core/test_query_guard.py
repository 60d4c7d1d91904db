"""NUL characters in query parameters are refused with 422 naming the parameter, on every route."""

from __future__ import annotations

from fastapi.testclient import TestClient


def test_nul_in_a_staff_filter_is_422(client: TestClient) -> None:
    response = client.get("/api/v1/recommendations", params={"theme": "health\x00", "limit": 5})
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["errors"] == [{"field": "theme", "reason": "must not contain NUL characters"}]
    # Without the NUL the value is read: a theme no recommendation has is refused for what it is.
    unknown = client.get("/api/v1/recommendations", params={"theme": "health"})
    assert unknown.json()["errors"] == [{"field": "theme", "reason": "'health' is not a known theme label"}]


NOT_UTF8 = "must be percent-encoded UTF-8 (é: %C3%A9)"


def test_a_value_not_in_utf8_is_422_naming_it(client: TestClient) -> None:
    """A client that percent-encodes Latin-1 (comit%E9 for "comité") searched for "comit\ufffd", a
    word cut where the byte was, and got other recommendations than it asked for, without a word."""
    for query, name in (
        ("q=comit%E9&limit=5", "q"),
        ("limit=5&theme=sant%E9", "theme"),
        ("q=%C3", "q"),  # half of a character
        ("th%E8me=x", "th\ufffdme"),
    ):
        response = client.get(f"/api/v1/recommendations?{query}")
        assert response.status_code == 422, query
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["errors"] == [{"field": name, "reason": NOT_UTF8}], query
    public = client.get("/api/v1/public/recommendations?q=ni%F1os")
    assert public.status_code == 422
    assert public.json()["errors"] == [{"field": "q", "reason": NOT_UTF8}]
    # UTF-8, percent-encoded or as "+" for a space, is read.
    assert client.get("/api/v1/recommendations?q=comit%C3%A9+des&limit=5").status_code == 200
    assert client.get("/api/v1/public/recommendations?q=%E2%82%AC").status_code == 200


def test_a_browser_is_shown_which_value_was_refused(client: TestClient) -> None:
    """The portal and the staff workspace answered a refused value with a page that named nothing
    ("some of the values ... are not valid"): they now name it, in the reader's language, and the
    portal links the same page without it."""
    page = client.get("/recommendations?q=comit%E9&mechanism=CRC&lang=fr", headers={"Accept": "text/html"})
    assert page.status_code == 422 and page.headers["content-type"].startswith("text/html")
    assert "Mots à rechercher : doit être en UTF-8 avec encodage-pourcent (é: %C3%A9)" in page.text
    assert 'href="/recommendations?mechanism=CRC&amp;lang=fr"' in page.text
    nul = client.get("/recommendations?q=a%00b", headers={"Accept": "text/html"})
    assert "Words to search for: must not contain NUL characters" in nul.text
    staff = client.get("/staff/recommendations?q=comit%E9", headers={"Accept": "text/html"})
    assert staff.status_code == 422 and staff.headers["content-type"].startswith("text/html")
    assert "<strong>Search the text</strong>: must be percent-encoded UTF-8 (é: %C3%A9)" in staff.text
