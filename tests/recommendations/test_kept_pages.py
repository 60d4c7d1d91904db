"""List pages kept per data version (app.recommendations.kept): answered again without reading the
recommendations, never once the data has changed, and never across views; and the data version
itself, which every committed data change moves."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, event
from sqlalchemy.orm import Session

from app.audit import service as audit
from app.core.actor import Anonymous
from app.models import AuditEvent
from app.recommendations import kept
from app.recommendations.kept import Kept
from app.recommendations.reading import data_version
from tests.factories import ids_by_external_id, import_records, record

URL = "/api/v1/recommendations"
PUBLIC_URL = "/api/v1/public/recommendations"


@pytest.fixture
def recs(engine: Engine) -> dict[str, int]:
    import_records(engine, [record(name, themes=["Health"]) for name in ("A", "B", "C")])
    return ids_by_external_id(engine)


@pytest.fixture
def page_reads(client: TestClient) -> Iterator[list[str]]:
    """The statements that read recommendations' rows, as the app runs them."""
    seen: list[str] = []

    def record_statement(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        if "FROM recommendations" in statement and "count(" not in statement:
            seen.append(statement)

    app_engine: Engine = client.app.state.engine  # type: ignore[attr-defined]
    event.listen(app_engine, "before_cursor_execute", record_statement)
    yield seen
    event.remove(app_engine, "before_cursor_execute", record_statement)


def _edit(client: TestClient, rec_id: int, body: dict[str, object]) -> None:
    tag = client.get(f"{URL}/{rec_id}").headers["ETag"]
    response = client.patch(f"{URL}/{rec_id}", json=body, headers={"If-Match": tag})
    assert response.status_code == 200, response.text


def test_a_page_asked_again_is_not_read_again(
    client: TestClient, recs: dict[str, int], page_reads: list[str]
) -> None:
    first = client.get(URL, params={"theme": "Health", "limit": 2})
    assert page_reads, "the first page reads the recommendations"
    page_reads.clear()
    again = client.get(URL, params={"theme": "Health", "limit": 2})
    assert again.content == first.content
    assert page_reads == []
    # Another page, another language or another order is a page of its own.
    for params in ({"limit": 1}, {"limit": 2, "lang": "fr"}, {"limit": 2, "sort": "oldest"}):
        page_reads.clear()
        assert client.get(URL, params={"theme": "Health", **params}).status_code == 200
        assert page_reads, params


def test_a_page_read_for_the_first_time_reads_the_data_version_once(
    client: TestClient, recs: dict[str, int]
) -> None:
    """The page and its total are kept under the version read once, at the start of the request."""
    versions: list[str] = []

    def record_statement(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        if "data_versions" in statement:
            versions.append(statement)

    app_engine: Engine = client.app.state.engine  # type: ignore[attr-defined]
    event.listen(app_engine, "before_cursor_execute", record_statement)
    try:
        assert client.get(URL, params={"theme": "Health", "limit": 2}).status_code == 200
        assert len(versions) == 1
        versions.clear()
        assert client.get(PUBLIC_URL, params={"limit": 2}).status_code == 200
        assert len(versions) == 1
    finally:
        event.remove(app_engine, "before_cursor_execute", record_statement)


def test_a_write_gives_the_next_page_the_new_data(client: TestClient, recs: dict[str, int]) -> None:
    before = client.get(URL, params={"limit": 5}).json()
    assert {item["local"]["status"] for item in before["items"]} == {"not_started"}
    _edit(client, recs["A"], {"status": "in_progress", "internal_notes": "ministry asked"})
    after = {item["id"]: item["local"] for item in client.get(URL, params={"limit": 5}).json()["items"]}
    assert after[recs["A"]]["status"] == "in_progress"
    assert after[recs["A"]]["internal_notes"] == "ministry asked"


def test_an_import_run_gives_the_next_page_the_new_records(
    client: TestClient, engine: Engine, recs: dict[str, int]
) -> None:
    assert client.get(URL).json()["total"] == 3
    import_records(engine, [record("D", themes=["Health"])])
    page = client.get(URL).json()
    assert page["total"] == 4 and len(page["items"]) == 4


def test_the_staff_page_is_never_the_public_one(
    client: TestClient,
    anonymous_client: TestClient,
    headers_for: Callable[..., dict[str, str]],
    recs: dict[str, int],
) -> None:
    _edit(client, recs["A"], {"status": "in_progress", "internal_notes": "not for the public"})
    staff = client.get(URL, params={"limit": 5})
    assert b"not for the public" in staff.content
    # The reader role gets the public page, kept once for both; the staff one is kept apart.
    reader = client.get(URL, params={"limit": 5}, headers=headers_for("reader"))
    public = anonymous_client.get(PUBLIC_URL, params={"limit": 5})
    assert reader.status_code == public.status_code == 200
    assert reader.content == public.content
    assert b"not for the public" not in public.content and b"in_progress" not in public.content
    # And the other way round: a public page kept first is not what staff then get.
    kept.pages.clear()
    anonymous_client.get(PUBLIC_URL, params={"limit": 4})
    assert b"not for the public" in client.get(URL, params={"limit": 4}).content


def test_refusals_and_invalid_values_are_never_kept(
    client: TestClient, headers_for: Callable[..., dict[str, str]], recs: dict[str, int]
) -> None:
    for _ in range(2):
        assert client.get(URL, params={"mechanism": "XYZ"}).status_code == 422
        for internal in ({"needs_review": "true"}, {"issue": "Torture"}):
            assert client.get(URL, params=internal, headers=headers_for("reader")).status_code == 403


def test_a_filter_value_a_write_adds_is_known_at_once(
    client: TestClient, engine: Engine, recs: dict[str, int]
) -> None:
    """The filter values found are kept per data version (``kept.known_values``): a refusal read
    before a write that adds the value is not reused after it."""
    assert client.get(URL, params={"mechanism": "CAT"}).status_code == 422
    created = client.post("/api/v1/entities", json={"name": "Ministry of Labour", "kind": "ministry"})
    assert created.status_code == 201, created.text
    missing = created.json()["id"] + 1
    assert client.get(URL, params={"entity": missing}).status_code == 422
    import_records(engine, [record("D", mechanism="CAT")])
    assert client.get(URL, params={"mechanism": "CAT"}).json()["total"] == 1
    again = client.post("/api/v1/entities", json={"name": "Ministry of Health", "kind": "ministry"})
    assert again.json()["id"] == missing
    assert client.get(URL, params={"entity": missing}).json()["total"] == 0


def test_the_budget_bounds_what_is_kept(engine: Engine) -> None:
    computed: list[str] = []

    def compute(value: bytes) -> Callable[[], bytes]:
        def run() -> bytes:
            computed.append(value.decode())
            return value

        return run

    pages: Kept[bytes] = Kept(max_entries=10, size=len, max_bytes=10)
    with Session(engine) as session:
        for name in ("aaaa", "bbbb", "aaaa"):
            pages.get(session, [name], compute(name.encode()))
        assert computed == ["aaaa", "bbbb"]  # both fit (8 bytes)
        pages.get(session, ["cccc"], compute(b"cccc"))  # 12 bytes: the least recently used goes
        pages.get(session, ["aaaa"], compute(b"aaaa"))
        pages.get(session, ["bbbb"], compute(b"bbbb"))
        assert computed == ["aaaa", "bbbb", "cccc", "bbbb"]
        pages.resize(0)  # NRTD_READ_CACHE_MB=0: nothing kept
        pages.get(session, ["aaaa"], compute(b"aaaa"))
        pages.get(session, ["aaaa"], compute(b"aaaa"))
        assert computed[-2:] == ["aaaa", "aaaa"]


def _event(action: str) -> AuditEvent:
    return audit.event(Anonymous(request_id=None, client_ip=None), action, "recommendation", 1)


def _version(engine: Engine) -> str:
    with Session(engine) as session:
        return data_version(session)


def test_every_commit_of_a_data_event_moves_the_version(engine: Engine) -> None:
    versions = [_version(engine)]
    for action in ("recommendation.update", "cluster.update"):
        with Session(engine) as session, session.begin():
            session.add(_event(action))
        versions.append(_version(engine))
    assert len(set(versions)) == 3
    with Session(engine) as session, session.begin():
        session.add(_event("auth.login_failed"))  # an account event: no data changed
    with Session(engine) as session:
        session.add(_event("recommendation.update"))
        session.flush()
        session.rollback()  # nothing committed
    assert _version(engine) == versions[-1]


def test_writers_committing_out_of_order_each_move_the_version(engine: Engine) -> None:
    """PostgreSQL numbers an event when it is inserted: the writer numbered first may commit last,
    and its commit must still give a new version (the commit counter, ``DataVersion``)."""
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite has one writer at a time: its events are numbered in commit order")
    first, second = Session(engine), Session(engine)
    try:
        first.add(_event("recommendation.update"))
        first.flush()  # numbered first, still open
        second.add(_event("recommendation.update"))
        second.commit()  # numbered after it, committed first
        between = _version(engine)
        first.commit()
        assert _version(engine) != between
    finally:
        first.close()
        second.close()
