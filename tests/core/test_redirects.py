"""A redirect the app builds never takes its host from the request's Host header: it starts with
NRTD_BASE_URL when that is set, else it is the path alone."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Connection

from tests.conftest import MakeApp

FORGED = {"Host": "evil.example"}

# An address with a slash too many, and where the redirect leads (the query kept).
SLASHED = [
    ("/api/v1/public/recommendations/?limit=5", "/api/v1/public/recommendations?limit=5"),
    ("/api/v1/recommendations/", "/api/v1/recommendations"),
    ("/staff/actions/", "/staff/actions"),
    ("/actions/?lang=fr", "/actions?lang=fr"),
]


@pytest.mark.parametrize(("asked", "led_to"), SLASHED)
def test_the_slash_redirect_is_the_path_alone_whatever_the_host(
    make_app: MakeApp, db: Connection, asked: str, led_to: str
) -> None:
    client = TestClient(make_app())
    moved = client.get(asked, headers=FORGED, follow_redirects=False)
    assert moved.status_code == 307
    assert moved.headers["location"] == led_to
    # Followed by a client, it is the address without the slash, on the host the client asked.
    followed = client.get(asked)
    second = followed.history[1] if len(followed.history) > 1 else followed  # /staff/ goes on to sign-in
    assert second.url.host == "testserver" and second.url.path == led_to.partition("?")[0]


@pytest.mark.parametrize(("asked", "led_to"), SLASHED)
def test_the_slash_redirect_starts_with_the_base_url(
    make_app: MakeApp, db: Connection, asked: str, led_to: str
) -> None:
    client = TestClient(make_app(base_url="https://nrtd.example.gov"))
    moved = client.get(asked, headers=FORGED, follow_redirects=False)
    assert moved.status_code == 307
    assert moved.headers["location"] == "https://nrtd.example.gov" + led_to


def test_the_other_redirects_name_no_host(make_app: MakeApp, db: Connection) -> None:
    client = TestClient(make_app())
    for asked in ("/staff", "/staff/", "/recommendations/?q=x"):
        moved = client.get(asked, headers=FORGED, follow_redirects=False)
        if moved.is_redirect:
            assert moved.headers["location"].startswith("/") and "evil" not in moved.headers["location"]
            assert not moved.headers["location"].startswith("//")


def test_a_path_of_another_site_is_not_redirected_to(make_app: MakeApp, db: Connection) -> None:
    client = TestClient(make_app())
    # With its slash removed, "//evil.example/staff/actions" would read as another site's address.
    for asked in ("//evil.example/", "//staff/actions/", "/%2Fevil.example/"):
        answer = client.get(asked, follow_redirects=False)
        assert not answer.is_redirect or not answer.headers["location"].startswith("//"), asked
    # A percent-encoded character stays encoded in the location.
    moved = client.get("/staff/actions%20/", follow_redirects=False)
    assert moved.status_code in (307, 404)
    if moved.is_redirect:
        assert " " not in moved.headers["location"]


def test_a_dot_segment_stays_encoded(make_app: MakeApp, db: Connection) -> None:
    """/actions/%2e%2e/ was led to /actions/.., which a client resolves to the home page."""
    client = TestClient(make_app())
    for asked, led_to in (("/actions/%2e%2e/", "/actions/%2E%2E"), ("/actions/%2e/", "/actions/%2E")):
        moved = client.get(asked, follow_redirects=False)
        assert moved.status_code == 307 and moved.headers["location"] == led_to
