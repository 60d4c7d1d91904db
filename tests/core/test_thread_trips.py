"""A request's trips to the thread pool. Each hands the request from the event loop to a worker
thread and back: with the framework, most of what a kept list page costs (docs/benchmarks.md).

A read's unit of work begins in the event loop (making a session does no I/O) and only ends in a
thread; the lists of recommendations (staff and public) do all their work, the caller's check
included, in one trip (``ReadInOneTrip``)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import anyio.to_thread
import pytest
from fastapi.testclient import TestClient
from starlette.requests import Request

from app.auth.deps import _one_trip

LIST = "/api/v1/recommendations?position=supported&limit=50"


def trips(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The functions run in the thread pool from now on, by name."""
    seen: list[str] = []
    run_sync = anyio.to_thread.run_sync

    async def counted(func: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        seen.append(getattr(func, "__qualname__", repr(func)))
        return await run_sync(func, *args, **kwargs)

    monkeypatch.setattr(anyio.to_thread, "run_sync", counted)
    return seen


def test_a_list_page_takes_one_trip_to_the_thread_pool(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert client.get(LIST).status_code == 200  # computed and kept
    seen = trips(monkeypatch)
    assert client.get(LIST).status_code == 200  # kept
    assert client.get(LIST.replace("limit=50", "limit=10")).status_code == 200  # computed
    assert len(seen) == 2, seen


def test_a_public_list_page_takes_one_trip_to_the_thread_pool(
    anonymous_client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    public = "/api/v1/public/recommendations?limit=5"
    assert anonymous_client.get(public).status_code == 200
    seen = trips(monkeypatch)
    answered = anonymous_client.get(public)
    assert answered.status_code == 200
    assert (
        int(answered.headers["RateLimit-Remaining"]) < int(answered.headers["RateLimit-Limit"]) - 1
    )  # counted
    assert len(seen) == 1, seen


def test_a_read_through_the_unit_of_work_ends_it_in_the_thread_pool_only(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen = trips(monkeypatch)
    assert client.get("/api/v1/me").status_code == 200
    # The caller, the route, the validation of what it returned (FastAPI's, for a plain function)
    # and the unit of work's end: its beginning takes none.
    assert len(seen) == 4, seen
    assert seen[-1] == "_commit"


def test_a_refusal_in_the_one_trip_is_the_routes_own(
    anonymous_client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen = trips(monkeypatch)
    refused = anonymous_client.get(LIST, headers={"X-API-Key": "nrtd_unknown"})
    assert refused.status_code == 401
    assert refused.headers["content-type"] == "application/problem+json"
    assert refused.json()["detail"] == "unknown API key"
    assert len(seen) == 1, seen


def test_one_trip_is_for_reads_only() -> None:
    """A write waits for its write turn, which only the unit of work (``DbSession``) takes."""
    request = Request({"type": "http", "method": "POST", "path": "/", "headers": [], "query_string": b""})
    # In a thread of its own: once a browser test has started Playwright's synchronous API (kept for the
    # run), the main thread's event loop is marked running, and asyncio.run refuses to start one there.
    with ThreadPoolExecutor(1) as pool, pytest.raises(RuntimeError, match="read routes"):
        pool.submit(asyncio.run, _one_trip(request, None, None, None)).result()  # type: ignore[arg-type]
