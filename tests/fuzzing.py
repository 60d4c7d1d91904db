"""How the schemathesis tests draw their cases: the same cases on every run (derandomized, no example
database), explicit examples then generated ones, no deadline, no health check refusing slow or
filtered strategies."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import requests
from hypothesis import HealthCheck, Phase, settings
from schemathesis.transport.requests import ManagedCookiesSession


def repeatable(examples: int) -> settings:
    return settings(
        max_examples=examples,
        deadline=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
        derandomize=True,
        database=None,
    )


@contextmanager
def http_session() -> Iterator[requests.Session]:
    """One HTTP session for every case a test sends: its connection to the test server kept open
    between requests instead of a new session and connection per case.

    Each request goes out as it would from the session schemathesis makes for a case: with no
    headers of the session's own, and with no cookie kept from one response to the next request
    (schemathesis clears a ``ManagedCookiesSession``'s cookies after each request). Proxies and
    credentials from the environment (``HTTP_PROXY``, ``~/.netrc``) are never read: the server is
    on 127.0.0.1, and an anonymous request must stay anonymous."""
    session = ManagedCookiesSession()
    session.headers.clear()
    session.trust_env = False
    try:
        yield session
    finally:
        session.close()
