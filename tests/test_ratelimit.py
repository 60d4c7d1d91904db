"""The token bucket behind the public rate limit (the HTTP behaviour is tested with the public API)."""

from __future__ import annotations

import pytest

from app.core.errors import TooManyRequests
from app.core.ratelimit import RateLimiter, client_key


def test_a_burst_up_to_the_limit_then_429_with_the_wait() -> None:
    limiter = RateLimiter(60)  # one a second
    for _ in range(60):
        limiter.hit("a", now=100.0)
    with pytest.raises(TooManyRequests) as refused:
        limiter.hit("a", now=100.0)
    assert refused.value.headers["Retry-After"] == "1"
    limiter.hit("b", now=100.0)  # another client has its own allowance
    limiter.hit("a", now=101.0)  # a second later, one more
    with pytest.raises(TooManyRequests):
        limiter.hit("a", now=101.0)


def test_clients_are_their_credential_or_their_address() -> None:
    assert client_key("10.0.0.1", None) == "ip:10.0.0.1"
    assert client_key("10.0.0.1", "secret") == client_key("10.0.0.2", "secret") != client_key(None, "other")
    assert "secret" not in client_key("10.0.0.1", "secret")
