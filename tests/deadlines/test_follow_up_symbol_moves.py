"""A follow-up reply follows its recommendations when a UHRI re-import gives them a symbol they did not
have, or takes theirs away, as it follows a symbol UHRI corrects: the same name (UID, publication),
a higher revision, never a second reply. Real imports: the fake UHRI over HTTP."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

import importers.run
from app.core.config import Settings
from app.models import FollowUpReply, Recommendation
from importers.csv_runs import import_csv_template
from tests.deadlines.follow_up_calls import items_of, reply_event
from tests.fake_uhri import FakeUhri, fake_uhri
from tests.followup.documents import CRC, CRC_REQUEST
from tests.uhri_records import uhri_record, write_export

EXPORT = "export-full-en.json"
PARAGRAPHS = (10, 20, 32)


@pytest.fixture
def server(tmp_path: Path) -> Iterator[FakeUhri]:
    with fake_uhri(tmp_path / "export-results") as running:
        yield running


def _document(symbol: str | None) -> list[dict[str, Any]]:
    """CRC/C/PER/CO/6-7 as UHRI exports it, under ``symbol`` (None: UHRI gives none)."""
    texts = {n: f"{n}. The Committee recommends that the State party act on matter {n}." for n in (9, 11)}
    texts |= {n: f"{n}. The Committee recommends that the State party act on matter {n}." for n in PARAGRAPHS}
    texts[49] = CRC_REQUEST
    return [uhri_record(n, Symbol=symbol, Text=f"<p>{text}</p>") for n, text in sorted(texts.items())]


def _import(engine: Engine, settings: Settings, server: FakeUhri, symbol: str | None) -> None:
    write_export(server.directory / EXPORT, _document(symbol))
    run = importers.run.import_uhri(engine, settings, server.url(EXPORT))
    assert run.outcome == "succeeded", run.message


def _ids(engine: Engine) -> dict[str, int]:
    with Session(engine) as session:
        rows = session.execute(select(Recommendation.paragraph, Recommendation.id))
        return {str(paragraph): rec_id for paragraph, rec_id in rows}


def _rows(engine: Engine) -> list[tuple[int, str | None, str]]:
    """The replies' rows on the calendar: (id, symbol, due)."""
    with Session(engine) as session:
        rows = session.scalars(select(FollowUpReply).where(FollowUpReply.due.is_not(None)))
        return [(row.id, row.symbol, str(row.due)) for row in rows]


def _published_reply(client: TestClient) -> tuple[dict[str, Any], Any, str]:
    """The one follow-up reply, published; its feed event and the feed's token."""
    [reply] = items_of(client, "/api/v1/deadlines", kind="follow_up_reply")
    publish = {"kind": "follow_up_reply", "object_id": reply["object_id"], "published": True}
    assert client.post("/api/v1/deadlines/publications", json=publish).status_code == 204
    token = client.post("/api/v1/me/calendar-token").json()["token"]
    return reply, reply_event(client, token), token


def _assert_followed(
    client: TestClient, anonymous_client: TestClient, reply: dict[str, Any], before: Any, token: str
) -> dict[str, Any]:
    [after] = items_of(client, "/api/v1/deadlines", kind="follow_up_reply")
    assert (after["object_id"], after["uid"], after["published"], after["date"]) == (
        reply["object_id"],
        reply["uid"],
        True,
        reply["date"],
    )
    assert [item["uid"] for item in items_of(anonymous_client, "/api/v1/public/deadlines")] == [reply["uid"]]
    event = reply_event(client, token)
    assert str(event["UID"]) == str(before["UID"])
    assert int(event["SEQUENCE"]) > int(before.get("SEQUENCE", 0))
    return after


def test_a_symbol_uhri_adds_takes_the_reply_to_its_document(
    client: TestClient, anonymous_client: TestClient, engine: Engine, settings: Settings, server: FakeUhri
) -> None:
    # UHRI gave the paragraphs no symbol, so a coordinator selected them by hand; when UHRI added the
    # symbol the document's reply was named anew (another UID, the publication lost) and the old one
    # stayed behind under no symbol.
    _import(engine, settings, server, None)
    ids = _ids(engine)
    for paragraph in PARAGRAPHS:
        chosen = client.put(
            f"/api/v1/recommendations/{ids[str(paragraph)]}/follow-up",
            json={"selected": True, "due": "2027-02-12"},
        )
        assert chosen.status_code == 200, chosen.text
    reply, before, token = _published_reply(client)
    assert reply["title"] == "CRC"  # no document: its committee

    _import(engine, settings, server, CRC)
    after = _assert_followed(client, anonymous_client, reply, before, token)
    assert after["title"] == CRC
    assert _rows(engine) == [(reply["object_id"], CRC, "2027-02-12")]


def test_a_symbol_uhri_removes_keeps_the_reply_under_the_committee(
    client: TestClient, anonymous_client: TestClient, engine: Engine, settings: Settings, server: FakeUhri
) -> None:
    # The reply stayed behind under the symbol the paragraphs no longer had, and they were listed under
    # the committee alone as another reply, at revision 0.
    _import(engine, settings, server, CRC)
    reply, before, token = _published_reply(client)

    _import(engine, settings, server, None)
    after = _assert_followed(client, anonymous_client, reply, before, token)
    assert after["title"] == "CRC"
    assert _rows(engine) == [(reply["object_id"], None, "2027-02-12")]

    # And back: the symbol restored, the same reply again.
    before = reply_event(client, token)
    _import(engine, settings, server, CRC)
    _assert_followed(client, anonymous_client, reply, before, token)
    assert _rows(engine) == [(reply["object_id"], CRC, "2027-02-12")]


def test_a_reply_under_the_committee_withdrawn_by_a_reimport_leaves_its_name_behind(
    client: TestClient, engine: Engine, settings: Settings, server: FakeUhri
) -> None:
    # Its recommendation withdrawn (UHRI no longer exports it), the reply left the calendar but its
    # row kept the date: the next recommendation a coordinator selected on that date took its name,
    # published before anyone published it.
    _import(engine, settings, server, None)
    ids = _ids(engine)
    body = {"selected": True, "due": "2027-02-12"}
    assert client.put(f"/api/v1/recommendations/{ids['10']}/follow-up", json=body).status_code == 200
    _published_reply(client)

    write_export(
        server.directory / EXPORT, [r for r in _document(None) if not r["Text"].startswith("<p>10.")]
    )
    run = importers.run.import_uhri(engine, settings, server.url(EXPORT), allow_withdraw=True)
    assert run.outcome == "succeeded" and run.counts.withdrawn == 1, run.message
    assert items_of(client, "/api/v1/deadlines", kind="follow_up_reply") == []
    assert _rows(engine) == []

    assert client.put(f"/api/v1/recommendations/{ids['20']}/follow-up", json=body).status_code == 200
    [other] = items_of(client, "/api/v1/deadlines", kind="follow_up_reply")
    assert (other["object_id"], other["published"]) == (ids["20"], False)


MANUAL_COPY = (
    "external_id,mechanism,type,symbol,text,language,publication_date,countries,regions,themes,"
    "affected_persons,sdgs,recommending_states,recommending_regions,upr_session,position\r\n"
    "COPY-10,CRC,recommendation,,10. The Committee recommends that the State party act on matter 10.,en,"
    "2025-02-12,Peru,,,,,,,,\r\n"
)


def test_a_reply_on_a_copy_follows_its_selection_to_the_uhri_record_it_is_linked_to(
    client: TestClient,
    anonymous_client: TestClient,
    engine: Engine,
    settings: Settings,
    server: FakeUhri,
    tmp_path: Path,
) -> None:
    # A coordinator selected a manual copy (no symbol) for follow-up and published its reply; when the
    # UHRI record arrived and was linked, the selection moved to it, but the reply stayed behind: the
    # calendar listed the record under a new name at revision 0, unpublished.
    manual = tmp_path / "manual.csv"
    manual.write_text(MANUAL_COPY, encoding="utf-8")
    assert import_csv_template(engine, settings, manual).outcome == "succeeded"
    [copy_id] = _ids(engine).values()
    body = {"selected": True, "due": "2027-02-12"}
    assert client.put(f"/api/v1/recommendations/{copy_id}/follow-up", json=body).status_code == 200
    reply, before, token = _published_reply(client)

    write_export(server.directory / EXPORT, [r for r in _document(CRC) if not r["Text"].startswith("<p>49.")])
    run = importers.run.import_uhri(engine, settings, server.url(EXPORT))
    assert run.outcome == "succeeded" and run.linking is not None and len(run.linking.linked) == 1
    after = _assert_followed(client, anonymous_client, reply, before, token)
    assert after["title"] == CRC
    assert _rows(engine) == [(reply["object_id"], CRC, "2027-02-12")]
