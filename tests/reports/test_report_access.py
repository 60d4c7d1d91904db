"""Who may get which report, the filters, the size cap and the number of statements a report costs."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, tzinfo
from io import BytesIO
from typing import Any

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy import Connection, Engine, event, select, update

from app.models import Cluster, ProgressUpdate, Recommendation
from app.reports import download, router, service
from tests.conftest import MakeApp, session_on
from tests.factories import import_records, record
from tests.reports.conftest import DRAFT, NOTES, PUBLISHED_PROGRESS, ReportWorld, xlsx_rows, xlsx_text

STAFF = "/api/v1/reports/implementation"
PUBLIC = "/api/v1/public/reports/implementation"
Headers = Callable[..., dict[str, str]]


def texts(client: TestClient, path: str, **params: Any) -> list[str]:
    response = client.get(path, params={"format": "xlsx", "group_by": "mechanism", **params})
    assert response.status_code == 200, response.text
    return [row[1] for row in xlsx_rows(response.content)[1:]]


@pytest.mark.parametrize(
    ("role", "expected"),
    [("admin", 200), ("coordinator", 200), ("focal_point", 200), ("reader", 403)],
)
def test_staff_report_by_role(
    anonymous_client: TestClient, headers_for: Headers, world: ReportWorld, role: str, expected: int
) -> None:
    entity = world.ids["justice"] if role == "focal_point" else None
    response = anonymous_client.get(STAFF, headers=headers_for(role, entity_id=entity))
    assert response.status_code == expected
    if expected == 403:
        assert response.headers["content-type"] == "application/problem+json"
        assert NOTES.encode() not in response.content
    elif role == "focal_point":
        # The internal progress a focal point reads is what the progress queue shows them: on their
        # entity's actions, sent on for review, or drafts written in their entity; never a draft
        # someone of another entity wrote.
        assert DRAFT.encode() not in response.content
        assert b"PLANTED-SUBMITTED-PROGRESS" in response.content
        other = headers_for(role, entity_id=world.ids["social"])
        elsewhere = anonymous_client.get(STAFF, headers=other).content
        assert b"PLANTED-SUBMITTED-PROGRESS" not in elsewhere and DRAFT.encode() not in elsewhere
        assert PUBLISHED_PROGRESS.encode() in elsewhere and NOTES.encode() in elsewhere
    else:
        assert DRAFT.encode() in response.content


def test_focal_point_without_entity_reads_the_staff_report(
    anonymous_client: TestClient, headers_for: Headers, world: ReportWorld
) -> None:
    response = anonymous_client.get(STAFF, headers=headers_for("focal_point"))
    assert response.status_code == 200
    assert NOTES.encode() in response.content


def test_staff_report_needs_credentials(anonymous_client: TestClient, world: ReportWorld) -> None:
    assert anonymous_client.get(STAFF).status_code == 401


def test_public_report_is_open_to_anyone_in_open_mode(
    anonymous_client: TestClient, headers_for: Headers, world: ReportWorld
) -> None:
    response = anonymous_client.get(PUBLIC)
    assert response.status_code == 200
    assert PUBLISHED_PROGRESS.encode() in response.content
    assert response.headers["cache-control"] == "public, max-age=60"
    assert response.headers["etag"]
    # A reader (or staff) gets the same public report: no internal data for anyone there.
    staff = anonymous_client.get(PUBLIC, headers=headers_for("coordinator"))
    assert staff.status_code == 200
    assert NOTES.encode() not in staff.content


def test_public_report_by_access_mode(make_app: MakeApp, world: ReportWorld, headers_for: Headers) -> None:
    for mode, anonymous, reader in (("key", 401, 200), ("off", 404, 404)):
        with TestClient(make_app(public_access=mode)) as client:
            assert client.get(PUBLIC).status_code == anonymous
            assert client.get(PUBLIC, headers=headers_for("reader")).status_code == reader


def test_filters_are_the_recommendation_list_filters(client: TestClient, world: ReportWorld) -> None:
    assert [text[:3] for text in texts(client, PUBLIC, mechanism="UPR")] == ["111"]
    assert [text[:3] for text in texts(client, PUBLIC, status="in_progress")] == ["12."]
    assert [text[:3] for text in texts(client, STAFF, entity=world.ids["justice"])] == ["12."]
    assert [text[:3] for text in texts(client, PUBLIC, q="optional protocol")] == ["13."]
    assert [text[:3] for text in texts(client, PUBLIC, theme="Right to justice")] == ["12.", "13."]
    assert [text[:3] for text in texts(client, PUBLIC, published_to="2023-12-31")] == ["111"]
    cluster = world.ids["cluster:PLANTED-UNPUBLISHED-CLUSTER"]
    assert [text[:3] for text in texts(client, STAFF, cluster=cluster)] == ["13."]
    response = client.get(PUBLIC, params={"format": "xlsx", "mechanism": "UPR", "status": "not_started"})
    about = load_workbook(BytesIO(response.content))["About this report"]
    filters = {row[0]: row[1] for row in about.iter_rows(values_only=True)}
    assert filters["Filter: Mechanism"] == "Universal Periodic Review"
    assert filters["Filter: Status"] == "Not started"


def test_withdrawn_recommendations_are_left_out(
    client: TestClient, db: Connection, world: ReportWorld
) -> None:
    with session_on(db) as session, session.begin():
        session.execute(
            update(Recommendation).where(Recommendation.id == world.ids["rep-3"]).values(withdrawn=True)
        )
    for path in (STAFF, PUBLIC):
        assert [text[:3] for text in texts(client, path)] == ["12.", "13."]


@pytest.mark.parametrize(
    ("path", "params", "field"),
    [
        (STAFF, {"group_by": "ministry"}, "group_by"),
        (STAFF, {"withdrawn": "true"}, "withdrawn"),
        (STAFF, {"cursor": "abc"}, "cursor"),
        (STAFF, {"sdg": "99"}, "sdg"),
        (PUBLIC, {"needs_review": "true"}, "needs_review"),
        (PUBLIC, {"issue": "Torture"}, "issue"),
        (PUBLIC, {"published_from": "0.0"}, "published_from"),
        (STAFF, {"published_to": "2025-02-30"}, "published_to"),
        (PUBLIC, {"lang": "de"}, "lang"),
        (PUBLIC, {"responsibility": "lead"}, "responsibility"),
    ],
)
def test_invalid_options_are_422(
    client: TestClient, world: ReportWorld, path: str, params: dict[str, str], field: str
) -> None:
    response = client.get(path, params=params)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert field in response.text


@pytest.mark.parametrize("path", [STAFF, PUBLIC])
def test_the_list_s_order_is_refused_as_the_exports_refuse_it(
    client: TestClient, world: ReportWorld, path: str
) -> None:
    """A report has its own order (by document, then paragraph). The portal's search carries
    ``sort=relevance`` in its address: put after the report's route, it was taken, changed nothing,
    and was shown as a filter, its bare English name in the title, the file name and "Filters used"
    ("... — CAT, sort : relevance" in French). It is now refused naming it, as the exports do."""
    response = client.get(path, params={"mechanism": "CRC", "sort": "relevance", "lang": "fr"})
    assert response.status_code == 422, response.text
    assert [error["field"] for error in response.json()["errors"]] == ["sort"]
    export = client.get("/api/v1/public/exports/recommendations.csv?sort=relevance")
    assert export.status_code == 422 and export.json()["errors"][0]["field"] == "sort"


@pytest.mark.parametrize("path", [STAFF, PUBLIC])
@pytest.mark.parametrize(
    ("field", "value"),
    [("mechanism", "XYZ"), ("theme", "Nope"), ("country", "Atlantis"), ("entity", "99999")],
)
def test_values_that_name_nothing_are_422(
    client: TestClient, world: ReportWorld, path: str, field: str, value: str
) -> None:
    # As the list, the exports and the statistics answer: never an empty report.
    response = client.get(path, params={field: value})
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    [error] = response.json()["errors"]
    assert error["field"] == field
    assert error["reason"].startswith(f"{value!r} is not a known")


def test_public_report_answers_a_cluster_it_does_not_show_as_one_that_does_not_exist(
    client: TestClient, world: ReportWorld
) -> None:
    # Once an empty report titled with the cluster's bare id ("— 7"), where a missing id was an empty
    # report too: both are now the 422 naming ``cluster`` the staff report gives a missing one, and
    # the two answers are the same but for the id.
    unknown = client.get(PUBLIC, params={"cluster": "99999"})
    assert unknown.status_code == 422
    assert [error["field"] for error in unknown.json()["errors"]] == ["cluster"]
    assert "'99999' is not a known cluster id" in unknown.json()["detail"]
    for name in ("PLANTED-UNPUBLISHED-CLUSTER", "PLANTED-ARCHIVED-CLUSTER"):
        cluster = str(world.ids[f"cluster:{name}"])
        for fmt in ("html", "xlsx"):
            hidden = client.get(PUBLIC, params={"cluster": cluster, "format": fmt})
            assert hidden.status_code == 422, name
            assert hidden.json() == json.loads(unknown.text.replace("99999", cluster)), name
            assert name not in hidden.text
            assert client.head(PUBLIC, params={"cluster": cluster, "format": fmt}).status_code == 422
    shown = client.get(PUBLIC, params={"cluster": world.ids["cluster:Access to justice"]})
    assert shown.status_code == 200 and "Access to justice" in shown.text


def test_cluster_filter_refused_for_staff_too(client: TestClient, world: ReportWorld) -> None:
    assert client.get(STAFF, params={"cluster": "99999"}).status_code == 422
    assert texts(client, STAFF, mechanism="crc") == texts(client, STAFF, mechanism="CRC") != []


def test_staff_filter_on_needs_review(client: TestClient, world: ReportWorld) -> None:
    assert texts(client, STAFF, needs_review="true") == []


def test_more_than_the_cap_is_422(
    client: TestClient, world: ReportWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(service, "MAX_RECOMMENDATIONS", 2)
    for path in (STAFF, PUBLIC):
        response = client.get(path)
        assert response.status_code == 422
        problem = response.json()
        assert problem["errors"][0]["field"] == "filters"
        assert "3 recommendations match" in problem["detail"]
        assert "at most 2" in problem["detail"]
        # Narrowed below the cap: the report.
        assert client.get(path, params={"mechanism": "CRC"}).status_code == 200


@contextmanager
def counted(engine: Engine) -> Iterator[list[str]]:
    statements: list[str] = []

    def count(*args: Any) -> None:
        statements.append(args[2])

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


def test_a_report_costs_the_same_statements_whatever_its_size(
    client: TestClient, world: ReportWorld, engine: Engine
) -> None:
    """Committed mode: the import commits, and the statements are counted on the app's own engine."""
    app_engine: Engine = client.app.state.engine  # type: ignore[attr-defined]
    sizes = []
    for extra in (0, 40):
        if extra:
            import_records(
                app_engine,
                [record(f"more-{n}", f"<p>{n}. More.</p>", themes=[f"Theme {n}"]) for n in range(extra)],
            )
        for path in (STAFF, PUBLIC):
            with counted(app_engine) as statements:
                assert client.get(path, params={"group_by": "theme", "format": "docx"}).status_code == 200
            sizes.append((path, len(statements)))
    assert sizes[:2] == sizes[2:]
    assert all(count <= 15 for _, count in sizes)


def test_xlsx_keeps_formulas_as_text(client: TestClient, db: Connection, world: ReportWorld) -> None:
    with session_on(db) as session, session.begin():
        session.execute(
            update(Cluster)
            .where(Cluster.name == "Access to justice")
            .values(name='=HYPERLINK("http://evil.example","x")')
        )
    response = client.get(PUBLIC, params={"format": "xlsx"})
    sheet = load_workbook(BytesIO(response.content))["Recommendations"]
    cell = sheet["A2"]
    assert cell.data_type == "s"
    assert cell.value == '=HYPERLINK("http://evil.example","x")'
    formulas = [c.coordinate for row in sheet.iter_rows() for c in row if c.data_type == "f"]
    assert formulas == []


def test_public_report_answers_if_none_match_with_304(
    anonymous_client: TestClient, world: ReportWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    class Frozen(datetime):
        @classmethod
        def now(cls, tz: tzinfo | None = None) -> Frozen:
            return cls(2026, 11, 26, 12, 0, tzinfo=tz)

    monkeypatch.setattr(service, "datetime", Frozen)
    first = anonymous_client.get(PUBLIC)
    assert "Generated Nov 26, 2026 12:00 UTC" in first.text
    # The ETag was the body's: every revalidation built the whole report (a PDF: a LibreOffice
    # conversion) to compare, and "generated at" changed it every minute. It is now the data
    # version's, and a revalidation builds nothing.
    monkeypatch.setattr(service, "datetime", Later)
    monkeypatch.setattr(router, "report_file", _never_built)
    again = anonymous_client.get(PUBLIC, headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 304
    assert again.content == b"" and again.headers["etag"] == first.headers["etag"]


class Later(datetime):
    @classmethod
    def now(cls, tz: tzinfo | None = None) -> Later:
        return cls(2026, 11, 26, 12, 7, tzinfo=tz)


def _never_built(*args: object, **kwargs: object) -> Any:
    raise AssertionError("a revalidation builds no report")


@pytest.mark.parametrize(
    ("path", "fmt"), [(STAFF, "html"), (STAFF, "docx"), (PUBLIC, "html"), (PUBLIC, "xlsx")]
)
def test_a_head_answers_the_gets_headers_and_builds_nothing(
    client: TestClient, world: ReportWorld, monkeypatch: pytest.MonkeyPatch, path: str, fmt: str
) -> None:
    """A link checker's or `curl -I`'s HEAD built the whole report (a PDF: a LibreOffice conversion)
    and dropped it."""
    params = {"format": fmt, "group_by": "theme"}
    got = client.get(path, params=params)
    for module in (router, download):  # the public report's and the staff report's
        monkeypatch.setattr(module, "report_file", _never_built)
    head = client.head(path, params=params)
    assert head.status_code == 200 and head.content == b""
    for name in ("content-type", "content-disposition", "content-security-policy", "cache-control", "etag"):
        assert head.headers.get(name) == got.headers.get(name), name
    assert "content-length" not in head.headers  # not 0: the GET's length is not known
    # The GET's refusals still: a value naming nothing, more than a report holds.
    refused = client.head(path, params={"mechanism": "XYZ"})
    assert refused.status_code == 422
    monkeypatch.setattr(service, "MAX_RECOMMENDATIONS", 2)
    assert client.head(path).status_code == 422
    assert client.head(path, params={"mechanism": "CRC"}).status_code == 200


def test_a_report_says_when_it_was_made_in_the_instances_time_zone(
    make_app: MakeApp, world: ReportWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    # 02:00 UTC on 26 November is 21:00 on the 25th in Lima: a ministry there read "Generated Nov 26,
    # 2026 02:00 UTC" and a file named for the 26th, a day that had not begun for it.
    class Frozen(datetime):
        @classmethod
        def now(cls, tz: tzinfo | None = None) -> Frozen:
            return cls(2026, 11, 26, 2, 0, tzinfo=tz)

    monkeypatch.setattr(service, "datetime", Frozen)
    with TestClient(make_app(time_zone="America/Lima")) as lima:
        page = lima.get(PUBLIC)
    assert page.status_code == 200, page.text
    assert "Generated Nov 25, 2026 21:00 America/Lima" in page.text
    assert '-2026-11-25.html"; filename*=' in page.headers["content-disposition"]


def test_a_focal_point_s_report_shows_the_progress_the_api_lets_them_read(
    anonymous_client: TestClient, headers_for: Headers, world: ReportWorld, db: Connection
) -> None:
    # Another ministry's published update of an unpublished action is a 404 to a focal point in the
    # API: their report leaves it out too. Its own entity's focal points and the managers see it.
    narrative = "PLANTED-PROGRESS-OF-UNPUBLISHED-ACTION"
    update_id = db.scalars(select(ProgressUpdate.id).where(ProgressUpdate.narrative == narrative)).one()
    justice = headers_for("focal_point", entity_id=world.ids["justice"])
    social = headers_for("focal_point", entity_id=world.ids["social"])
    assert anonymous_client.get(f"/api/v1/progress/{update_id}", headers=justice).status_code == 404
    assert anonymous_client.get(f"/api/v1/progress/{update_id}", headers=social).status_code == 200
    for fmt, text in (("html", bytes.decode), ("xlsx", xlsx_text)):
        params = {"format": fmt}
        assert narrative not in text(anonymous_client.get(STAFF, params=params, headers=justice).content)
        assert narrative in text(anonymous_client.get(STAFF, params=params, headers=social).content)
    # What the public reads, a focal point of another entity reads too.
    assert PUBLISHED_PROGRESS.encode() in anonymous_client.get(STAFF, headers=social).content
    assert narrative.encode() in anonymous_client.get(STAFF, headers=headers_for("coordinator")).content
