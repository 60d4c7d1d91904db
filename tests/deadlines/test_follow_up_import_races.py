"""A coordinator's follow-up change and a re-import's reading of the same document at the same moment
(PostgreSQL, where each reads what was committed before it): one after the other, neither refused."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from app.followup import detection, reading
from tests.deadlines.follow_up_calls import items_of, paragraph_ids
from tests.factories import import_records
from tests.followup.documents import CRC_REQUEST, crc_document, selection
from tests.lock_waits import a_lock_is_awaited_here

# How long a writer stays open at most after writing: until the other waits for its lock (it came to
# the same recommendation), or this long.
PAUSE_SECONDS = 2.0


@pytest.fixture
def ids(engine: Engine) -> dict[str, int]:
    """The CRC document imported (PostgreSQL only): its paragraphs' recommendation ids."""
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite's writers hold the database's write lock: one waits for the other")
    import_records(engine, crc_document())
    return paragraph_ids(engine)


def test_a_coordinator_selecting_a_paragraph_as_a_reimport_names_it_leaves_both_whole(
    client: TestClient, engine: Engine, ids: dict[str, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    # The coordinator selected paragraph 11 as UHRI's corrected request named it too: the import read
    # no follow-up row for it, added one, waited for the coordinator's, and failed on the key (the
    # whole run rolled back, "the change conflicts with data written meanwhile").
    written = threading.Event()  # the coordinator's row written, its request held open
    monkeypatch.setattr(
        "app.followup.replies.selected_groups", _held_first(reading.selected_groups, written, engine)
    )

    def select_eleven() -> int:
        body = {"selected": True, "due": "2027-02-12", "note": "named in the committee's letter"}
        status: int = client.put(f"/api/v1/recommendations/{ids['11']}/follow-up", json=body).status_code
        return status

    named = crc_document(CRC_REQUEST.replace("10 (b), 20 and 32", "10 (b), 11, 20 and 32"))
    with ThreadPoolExecutor(max_workers=1) as pool:
        coordinator = pool.submit(select_eleven)
        assert written.wait(timeout=10)
        import_records(engine, named)  # fails the test if the run fails
        assert coordinator.result() == 200
    _both_kept(client, engine)
    listed = client.get("/api/v1/follow-up").json()["items"]
    assert sorted(item["paragraph"] for item in listed if item["selected"]) == ["10", "11", "20", "32"]


def test_a_coordinator_selecting_a_paragraph_the_reimport_is_reading_waits_for_it(
    client: TestClient, engine: Engine, ids: dict[str, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    # The other way round: the import held the document and had read its rows when the coordinator
    # added paragraph 11's row, then waited for the document; the import, adding the same row, waited
    # for the coordinator: PostgreSQL broke the deadlock by failing one of them.
    reading_rows = threading.Event()  # the import's rows read, its run held open
    monkeypatch.setattr(
        detection, "_write_selection", _held_first(detection._write_selection, reading_rows, engine)
    )
    named = crc_document(CRC_REQUEST.replace("10 (b), 20 and 32", "10 (b), 11, 20 and 32"))
    with ThreadPoolExecutor(max_workers=1) as pool:
        imported = pool.submit(import_records, engine, named)
        assert reading_rows.wait(timeout=10)
        body = {"selected": True, "due": "2027-02-12", "note": "named in the committee's letter"}
        chosen = client.put(f"/api/v1/recommendations/{ids['11']}/follow-up", json=body)
        imported.result()  # fails the test if the run failed
    assert chosen.status_code == 200, chosen.text
    _both_kept(client, engine)


def _held_first(function: Callable[..., Any], reached: threading.Event, engine: Engine) -> Callable[..., Any]:
    """``function``, its first call held once ``reached`` is set, until the other writer waits for a
    lock (``PAUSE_SECONDS`` at most)."""

    def paused(*args: Any, **kwargs: Any) -> Any:
        if not reached.is_set():
            reached.set()
            deadline = time.monotonic() + PAUSE_SECONDS
            while time.monotonic() < deadline and not a_lock_is_awaited_here(engine):
                time.sleep(0.01)
        return function(*args, **kwargs)

    return paused


def _both_kept(client: TestClient, engine: Engine) -> None:
    """Paragraph 11 selected with its date, and the one reply dated by it."""
    assert selection(engine, "CRC/C/PER/CO/6-7")["11"][:2] == (True, date(2027, 2, 12))
    [reply] = items_of(client, "/api/v1/deadlines", kind="follow_up_reply")
    assert reply["date"] == "2027-02-12"
