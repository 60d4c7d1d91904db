"""A ranked page read in two halves of the id range at once (SQLite; ``app.recommendations.halves``).

The page must be the one a single read gives, ties across the halves included, and a helper's half
must never come from another snapshot than the request's, nor miss the request's own writes.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from app.recommendations import halves
from tests.factories import import_records, record

URL = "/api/v1/recommendations"
PUBLIC = "/api/v1/public/recommendations"


@pytest.fixture
def helped(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """Each helper read, True when its half was used."""
    used: list[bool] = []
    real = halves._helper_read

    def counting(*args: Any) -> list[Any] | None:
        rows = real(*args)
        used.append(rows is not None)
        return rows

    monkeypatch.setattr(halves, "_helper_read", counting)
    return used


@pytest.fixture
def ranked(engine: Engine) -> Iterator[None]:
    # Texts of nine lengths (scores differ), each length three times on different days (equal scores
    # in both halves of the id range: the newest first, then the highest id).
    records = [
        record(
            f"r-{n}",
            f"<p>{n}. Prevent torture {' '.join(['in places of custody'] * (n % 9))}.</p>",
            publication_date=date(2020, 1, 1) + timedelta(n % 5),
        )
        for n in range(80)
    ]
    import_records(engine, [*records, record("other", "<p>Ratify the convention.</p>")])
    yield


def _ids(client: TestClient, url: str, params: dict[str, str], limit: int = 7) -> list[int]:
    seen: list[int] = []
    cursor: str | None = None
    while True:
        paging = {"limit": str(limit), **({"cursor": cursor} if cursor else {})}
        body = client.get(url, params={**params, **paging})
        assert body.status_code == 200, body.text
        seen += [item["id"] for item in body.json()["items"]]
        cursor = body.json()["next_cursor"]
        if cursor is None:
            return seen


def _single(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(halves, "_splittable", lambda _session: False)


@pytest.mark.usefixtures("ranked")
@pytest.mark.parametrize("url", [URL, PUBLIC])
@pytest.mark.parametrize(
    "params", [{"q": "torture"}, {"q": "torture", "mechanism": "CRC"}, {"q": "prevent custody"}]
)
def test_halves_give_the_page_one_read_gives(
    client: TestClient, engine: Engine, monkeypatch: pytest.MonkeyPatch, helped: list[bool], url: str,
    params: dict[str, str],
) -> None:  # fmt: skip
    split = _ids(client, url, params)
    if engine.dialect.name == "sqlite":
        assert helped and all(helped)  # every page read its second half on the helper
    else:
        assert helped == []  # PostgreSQL plans its own workers
    _single(monkeypatch)
    assert split == _ids(client, url, params)
    assert len(split) == len(set(split)) == (80 if "custody" not in params["q"] else 71)


def test_halves_ranked_among_equal_scores_give_the_page_one_read_gives(
    client: TestClient, engine: Engine, monkeypatch: pytest.MonkeyPatch, helped: list[bool]
) -> None:
    """More matches than a half's best-scored few, most of one score: where the best matches do
    not prove a page, each half ranks its every match."""
    records = [
        record(
            f"T{n:03}",
            "<p>1. End torture and torture.</p>" if n < 30 else "<p>1. End torture in prisons.</p>",
            publication_date=date(2020 + n % 4, 1 + n % 12, 1),
        )
        for n in range(300)
    ]
    import_records(engine, records)
    split = _ids(client, URL, {"q": "torture"}, limit=2)
    assert len(split) == len(set(split)) == 300
    assert all(helped) and bool(helped) == (engine.dialect.name == "sqlite")
    _single(monkeypatch)
    assert split == _ids(client, URL, {"q": "torture"}, limit=2)


@pytest.mark.usefixtures("ranked")
def test_a_helper_on_another_snapshot_is_not_used(
    client: TestClient, engine: Engine, monkeypatch: pytest.MonkeyPatch, helped: list[bool]
) -> None:
    if engine.dialect.name != "sqlite":
        pytest.skip("SQLite only")
    real = halves._version

    def moved(session: Session) -> str:
        # An import committed between the request's reading and the helper's.
        helper = threading.current_thread().name.startswith("nrtd-half")
        return real(session) + ("-later" if helper else "")

    monkeypatch.setattr(halves, "_version", moved)
    split = _ids(client, URL, {"q": "torture"})
    assert helped and not any(helped)  # every helper's half was left, the request read it itself
    _single(monkeypatch)
    assert split == _ids(client, URL, {"q": "torture"})


@pytest.mark.usefixtures("ranked")
def test_a_transaction_that_has_written_reads_alone(engine: Engine, helped: list[bool]) -> None:
    if engine.dialect.name != "sqlite":
        pytest.skip("SQLite only")
    seen: list[Any] = []

    def read(session: Session, ids: Any) -> list[int]:
        seen.append(ids)
        return [1]

    with Session(engine) as session:
        halves.read_in_halves(session, read, lambda row: row, 1)
        assert helped == [True] and None not in seen  # a read-only transaction: two halves
        seen.clear()
        session.execute(text("UPDATE recommendations SET needs_review = needs_review WHERE id = 1"))
        halves.read_in_halves(session, read, lambda row: row, 1)
        assert seen == [None] and helped == [True]  # after a write: one read, in the transaction
        session.rollback()
