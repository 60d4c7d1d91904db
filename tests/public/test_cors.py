"""CORS on the public API only (NRTD_PUBLIC_CORS_ORIGINS): a dashboard on another origin may read the
public routes from a browser, never with credentials; the staff API and workspace stay same-origin."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from app.core.config import Settings
from tests.public.conftest import MakeClient

LIST = "/api/v1/public/recommendations"
DASHBOARD = "https://dashboard.example.org"
PREFLIGHT = {"Origin": DASHBOARD, "Access-Control-Request-Method": "GET"}
CORS_HEADERS = ("access-control-allow-origin", "access-control-allow-credentials")


def _no_cors(headers: object) -> bool:
    return not [name for name in CORS_HEADERS if name in headers]  # type: ignore[operator]


def test_any_origin_reads_the_public_api_by_default(make_client: MakeClient) -> None:
    response = make_client().get(LIST, headers={"Origin": DASHBOARD})
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in response.headers
    # A script may read the version and the rate limit, not only the body.
    exposed = response.headers["Access-Control-Expose-Headers"]
    assert "ETag" in exposed and "RateLimit-Remaining" in exposed


def test_a_listed_origin_is_named_and_another_gets_no_permission(make_client: MakeClient) -> None:
    client = make_client(public_cors_origins=f"{DASHBOARD},http://localhost:3000")
    allowed = client.get(LIST, headers={"Origin": DASHBOARD})
    assert allowed.status_code == 200
    assert allowed.headers["Access-Control-Allow-Origin"] == DASHBOARD
    assert "Origin" in allowed.headers["Vary"]  # a cache keeps one answer per origin
    assert "Access-Control-Allow-Credentials" not in allowed.headers

    refused = client.get(LIST, headers={"Origin": "https://elsewhere.example.net"})
    # The data is public anyway: the answer is sent, but the browser keeps it from the foreign page.
    assert refused.status_code == 200
    assert _no_cors(refused.headers)


def test_preflight_answers_for_a_script_sending_an_api_key(make_client: MakeClient) -> None:
    client = make_client(public_cors_origins=DASHBOARD)
    response = client.options(LIST, headers={**PREFLIGHT, "Access-Control-Request-Headers": "x-api-key"})
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == DASHBOARD
    assert "GET" in response.headers["Access-Control-Allow-Methods"]
    assert "X-API-Key" in response.headers["Access-Control-Allow-Headers"]
    assert "Access-Control-Allow-Credentials" not in response.headers
    assert response.headers["Access-Control-Max-Age"] == "600"

    wildcard = make_client().options(LIST, headers=PREFLIGHT)
    assert wildcard.status_code == 200
    assert wildcard.headers["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in wildcard.headers


def test_preflight_refuses_another_origin_and_writes(make_client: MakeClient) -> None:
    """A refused preflight was the plain text "Disallowed CORS origin": the one answer of the API
    that was not problem+json, and it named no setting. It names each refused part now; the browser
    still fails the request (no Access-Control-Allow-Origin for that origin)."""
    client = make_client(public_cors_origins=DASHBOARD)
    foreign = client.options(LIST, headers={**PREFLIGHT, "Origin": "https://elsewhere.example.net"})
    assert foreign.status_code == 400
    assert "access-control-allow-origin" not in foreign.headers
    assert foreign.headers["content-type"] == "application/problem+json"
    assert "Origin" in foreign.headers["Vary"]
    problem = foreign.json()
    assert (
        problem["type"].endswith("/cors-refused") and problem["status"] == 400 and problem["instance"] == LIST
    )
    assert problem["errors"] == [
        {
            "field": "Origin",
            "reason": "https://elsewhere.example.net is not among the origins whose pages may call this API "
            "(NRTD_PUBLIC_CORS_ORIGINS)",
        }
    ]
    write = client.options(
        LIST,
        headers={
            **PREFLIGHT,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "X-Token",
        },
    )
    assert write.status_code == 400 and write.headers["access-control-allow-origin"] == DASHBOARD
    assert [error["field"] for error in write.json()["errors"]] == [
        "Access-Control-Request-Method",
        "Access-Control-Request-Headers",
    ]
    assert "POST is not allowed" in write.json()["detail"]


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/api/v1/recommendations"),  # the staff API (401 without a token)
        ("GET", "/api/v1/publications"),  # shares the prefix's letters, not its path
        ("GET", "/staff/"),  # the staff workspace
        ("GET", "/"),  # the portal's pages are same-origin HTML
        ("OPTIONS", "/api/v1/recommendations"),  # a preflight to the staff API
    ],
)
def test_no_cors_outside_the_public_api(make_client: MakeClient, method: str, path: str) -> None:
    client = make_client()
    headers = PREFLIGHT if method == "OPTIONS" else {"Origin": DASHBOARD}
    response = client.request(method, path, headers=headers, follow_redirects=False)
    assert _no_cors(response.headers), (path, dict(response.headers))
    assert "access-control-allow-methods" not in response.headers


def test_the_openapi_document_reads_as_the_public_api_does(make_client: MakeClient) -> None:
    """A client generated in the browser, or an API catalogue's viewer on its own site, fetches the
    document that describes the public API: it is answered to the public API's origins, alone of the
    paths outside the public prefix."""
    client = make_client(public_cors_origins=DASHBOARD)
    document = client.get("/openapi.json", headers={"Origin": DASHBOARD})
    assert document.status_code == 200 and "/api/v1/public/recommendations" in document.json()["paths"]
    assert document.headers["Access-Control-Allow-Origin"] == DASHBOARD
    assert "Access-Control-Allow-Credentials" not in document.headers
    preflight = client.options(
        "/openapi.json", headers={**PREFLIGHT, "Access-Control-Request-Headers": "if-none-match"}
    )
    assert preflight.status_code == 200 and preflight.headers["Access-Control-Allow-Origin"] == DASHBOARD
    assert _no_cors(client.get("/openapi.json", headers={"Origin": "https://elsewhere.example.net"}).headers)
    # The interactive documentation is a page of the service, same-origin like the others.
    assert _no_cors(client.get("/docs", headers={"Origin": DASHBOARD}).headers)


def test_an_empty_setting_turns_cors_off(make_client: MakeClient) -> None:
    client = make_client(public_cors_origins="")
    assert _no_cors(client.get(LIST, headers={"Origin": DASHBOARD}).headers)
    assert _no_cors(client.options(LIST, headers=PREFLIGHT).headers)


def test_the_setting_takes_origins_only() -> None:
    settings = Settings(public_cors_origins=" https://A.example.org , http://[::1]:8080 ")
    assert settings.public_cors_origin_list == ["https://a.example.org", "http://[::1]:8080"]
    assert Settings(public_cors_origins="").public_cors_origin_list == []
    for wrong in ("https://a.example.org/", "a.example.org", "*,https://a.example.org", "ftp://a.example"):
        with pytest.raises(ValidationError, match="public_cors_origins"):
            Settings(public_cors_origins=wrong)


# Response headers a script reads without their being exposed (the CORS-safelisted ones), and those
# that speak to the browser or a cache rather than to the script (security policy, CORS itself).
_READABLE_ANYWAY = {
    "cache-control",
    "content-language",
    "content-length",
    "content-type",
    "expires",
    "last-modified",
    "pragma",
}
_FOR_THE_BROWSER = {
    "vary",
    "date",
    "server",
    "x-content-type-options",
    "x-frame-options",
    "content-security-policy",
    "referrer-policy",
    "permissions-policy",
    "cross-origin-opener-policy",
    "cross-origin-resource-policy",
    "strict-transport-security",
}


@pytest.mark.parametrize(
    "path",
    [
        LIST,
        "/api/v1/public/exports/recommendations.csv",
        "/api/v1/public/exports/recommendations.json",
        "/api/v1/public/exports/metadata.json",
        "/api/v1/public/stats",
        "/api/v1/public/feed.atom",
    ],
)
def test_every_header_a_script_needs_is_exposed(make_client: MakeClient, path: str) -> None:
    """The exports' ``Link`` (their metadata document and licence) was sent but not exposed: a
    dashboard on another origin could not read it. Every header the public API sends for its client
    is exposed now."""
    response = make_client().get(path, headers={"Origin": DASHBOARD})
    assert response.status_code == 200, path
    exposed = {name.strip().lower() for name in response.headers["Access-Control-Expose-Headers"].split(",")}
    sent = {name.lower() for name in response.headers if not name.lower().startswith("access-control-")}
    assert sent - _READABLE_ANYWAY - _FOR_THE_BROWSER <= exposed, path
