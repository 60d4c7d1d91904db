"""Staff and public exports: formats, columns, filters, what the public never gets (who may call them:
test_export_access.py)."""

from __future__ import annotations

import io
import pathlib
from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from sqlalchemy import Engine

from app.exports.schemas import PublicExportRow, StaffExportRow
from tests.exports.files import PUBLIC, STAFF, csv_header, csv_rows, json_rows, rows_of, xlsx_rows, xlsx_text
from tests.factories import import_records, record
from tests.public.conftest import MakeClient
from tests.public.world import SECRETS, World

FORMATS = ["csv", "xlsx", "json"]
INTERNAL = {
    "internal_notes",
    "priority_rationale",
    "needs_review",
    "source",
    "external_id",
    "withdrawn",
    "issues",
}


def _ids(rows: list[dict[str, Any]]) -> list[int]:
    return [int(row["id"]) for row in rows]


# --- formats -----------------------------------------------------------------------------------


def test_staff_csv_has_every_column_and_the_internal_fields(public: TestClient, world: World) -> None:
    response = public.get(f"{STAFF}.csv", headers=world.coordinator)

    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    disposition = response.headers["content-disposition"]
    assert disposition.startswith('attachment; filename="nrtd-recommendations-') and disposition.endswith(
        ".csv"
    )
    assert csv_header(response.content) == list(StaffExportRow.model_fields)
    head = public.head(f"{STAFF}.csv?format=template", headers=world.coordinator)  # nothing built
    assert head.status_code == 200 and head.content == b"" and "content-length" not in head.headers
    assert "nrtd-recommendations-template-" in head.headers["content-disposition"]
    assert head.headers["content-type"] == "text/csv; charset=utf-8"
    rows = csv_rows(response.content)
    # Newest first as the list; the withdrawn one is left out unless asked for.
    assert _ids(rows) == [world.rec["P2"], world.rec["P1"]]
    p1 = rows[1]
    assert p1["external_id"] == "P1" and p1["source"] == "uhri"
    assert p1["text"] == "1. Ensure free primary education for every child."
    assert (p1["status"], p1["priority"]) == ("in_progress", "high")
    assert p1["priority_rationale"] == "Because qz-priority-rationale"
    assert p1["internal_notes"] == "Call the minister qz-internal-notes"
    assert p1["lead_entity"] == "Ministry of Justice"
    assert p1["supporting_entities"] == "Ministry of Labour"
    assert p1["clusters"] == "Education; qz-hidden-cluster"  # not the archived one
    assert p1["action_count"] == "2"  # the published action and the unpublished one
    assert (p1["themes"], p1["sdgs"], p1["countries"]) == ("Right to education", "4.1", "Peru")
    assert (rows[0]["upr_cycle"], rows[0]["position"], rows[0]["recommending_states"]) == (
        "3",
        "supported",
        "Chile",
    )


def test_a_semicolon_csv_for_excel_where_it_expects_semicolons(public: TestClient, world: World) -> None:
    """Excel set to French or Spanish opens a CSV by double-click splitting on ';': the comma-separated
    file showed every row in column A. ``separator=semicolon`` gives the same table with ';'."""
    for path, headers in ((f"{PUBLIC}.csv", {}), (f"{STAFF}.csv", world.coordinator)):
        # The full public export is kept per data version: each separator has its own file.
        for _ in range(2):
            semicolons = public.get(path, params={"separator": "semicolon"}, headers=headers)
            commas = public.get(path, headers=headers)
            assert semicolons.status_code == commas.status_code == 200, semicolons.text
            assert semicolons.content.split(b"\r\n", 1)[0].count(b";") == len(csv_rows(commas.content)[0]) - 1
            assert csv_rows(semicolons.content, ";") == csv_rows(commas.content) != []
            assert semicolons.headers["content-disposition"] == commas.headers["content-disposition"]
        assert semicolons.headers.get("etag") != commas.headers.get("etag") or "etag" not in commas.headers
    template = public.get(f"{STAFF}.csv?format=template&separator=semicolon", headers=world.coordinator)
    assert template.status_code == 200 and b";text_en" in template.content.split(b"\r\n", 1)[0]
    for path, headers in ((f"{PUBLIC}.csv", {}), (f"{STAFF}.csv", world.coordinator)):
        refused = public.get(path, params={"separator": "tab"}, headers=headers)
        assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "separator"
    assert public.get(f"{PUBLIC}.xlsx", params={"separator": "semicolon"}).status_code == 422


def _as_csv_writes_it(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


def test_staff_xlsx_and_json_hold_the_same_rows(public: TestClient, world: World) -> None:
    csv_body = csv_rows(public.get(f"{STAFF}.csv", headers=world.coordinator).content)
    xlsx = public.get(f"{STAFF}.xlsx", headers=world.coordinator)
    document = public.get(f"{STAFF}.json", headers=world.coordinator)

    assert xlsx.headers["content-type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert xlsx.headers["content-disposition"].endswith(".xlsx")
    header, sheet = xlsx_rows(xlsx.content)
    assert header == list(StaffExportRow.model_fields)
    assert [{name: _as_csv_writes_it(value) for name, value in row.items()} for row in sheet] == [
        {**row, "publication_date": row["publication_date"] + " 00:00:00"} for row in csv_body
    ]
    assert sheet[1]["action_count"] == 2 and isinstance(sheet[1]["upr_cycle"], type(None))
    # Booleans are boolean cells (TRUE/FALSE, a filter's two values), as numbers are numbers: they
    # were the texts "true" and "false", which sort and count as words.
    for row in sheet:
        assert type(row["needs_review"]) is bool and type(row["withdrawn"]) is bool
    assert {row["withdrawn"] for row in sheet} == {False}

    assert document.headers["content-type"] == "application/json"
    items = json_rows(document.content)
    assert [list(item) for item in items] == [list(StaffExportRow.model_fields)] * 2
    p1 = items[1]
    assert p1["lead_entity"] == {"id": world.justice, "name": "Ministry of Justice", "acronym": "MOJ"}
    assert p1["clusters"] == [
        {"id": world.cluster, "name": "Education"},
        {"id": world.hidden_cluster, "name": "qz-hidden-cluster"},
    ]
    assert p1["sdgs"] == ["4.1"] and p1["internal_notes"] == "Call the minister qz-internal-notes"


def test_an_empty_export_is_still_a_valid_file(public: TestClient, world: World) -> None:
    empty = "?published_from=2099-01-01"
    assert csv_rows(public.get(f"{STAFF}.csv{empty}", headers=world.coordinator).content) == []
    assert json_rows(public.get(f"{PUBLIC}.json{empty}").content) == []
    header, rows = xlsx_rows(public.get(f"{PUBLIC}.xlsx{empty}").content)
    assert header == list(PublicExportRow.model_fields) and rows == []


def test_a_text_longer_than_a_cell_says_it_was_cut(client: TestClient, engine: Engine) -> None:
    """Excel holds 32,767 characters in a cell: a longer text is cut, and the cell says so rather
    than ending mid-sentence as if that were the whole text. The CSV and JSON keep it whole."""
    long = "Ensure " + "x" * 40_000 + " end."
    import_records(engine, [record("L", long)])
    _, (cell,) = xlsx_rows(client.get(f"{STAFF}.xlsx").content)
    assert len(cell["text"]) == 32_767 and cell["text"].startswith("Ensure x")
    assert cell["text"].endswith(" [truncated: the CSV and JSON exports hold the whole text]")
    assert csv_rows(client.get(f"{STAFF}.csv").content)[0]["text"] == long


def test_cells_a_spreadsheet_would_run_are_written_as_text(client: TestClient, engine: Engine) -> None:
    import_records(engine, [record("F", '=HYPERLINK("http://evil.example","x")', themes=["@SUM(A1)"])])

    (row,) = csv_rows(client.get(f"{STAFF}.csv").content)
    assert row["text"] == '\'=HYPERLINK("http://evil.example","x")'
    assert row["themes"] == "'@SUM(A1)"
    _, (cell,) = xlsx_rows(client.get(f"{STAFF}.xlsx").content)
    assert cell["text"] == '=HYPERLINK("http://evil.example","x")'  # a string cell, not a formula
    assert "<f>" not in xlsx_text(client.get(f"{STAFF}.xlsx").content)
    assert json_rows(client.get(f"{STAFF}.json").content)[0]["text"].startswith("=HYPERLINK")


def test_characters_xml_cannot_hold_are_left_out_of_the_xlsx(client: TestClient, engine: Engine) -> None:
    """U+FFFE and U+FFFF (noncharacters a pasted text may carry) are no more XML than control
    characters: kept in the workbook, they broke it half-way through, a 200 with a cut body."""
    import_records(engine, [record("N", "Ensure\ufffe access\uffff to justice\x0b.")])

    _, (cell,) = xlsx_rows(client.get(f"{STAFF}.xlsx").content)
    assert cell["text"] == "Ensure access to justice."


# --- the public exports ---------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_public_exports_hold_published_data_only(public: TestClient, world: World, fmt: str) -> None:
    response = public.get(f"{PUBLIC}.{fmt}")

    assert response.status_code == 200, response.text
    assert response.headers["cache-control"] == "public, max-age=60"
    text = xlsx_text(response.content) if fmt == "xlsx" else response.content.decode("utf-8-sig")
    leaked = {marker: where for marker, where in SECRETS.items() if marker in text}
    assert leaked == {}
    rows = rows_of(fmt, response.content)
    assert [list(row) for row in rows] == [list(PublicExportRow.model_fields)] * 2
    assert not INTERNAL & set(rows[0])
    assert _ids(rows) == [world.rec["P2"], world.rec["P1"]]  # never the withdrawn one
    p1 = rows[1]
    assert p1["status"] == "in_progress" and p1["priority"] == "high"
    assert str(p1["action_count"]) == "1"  # the published action only
    assert p1["clusters"] in ("Education", [{"id": world.cluster, "name": "Education"}])


@pytest.mark.parametrize("fmt", FORMATS)
def test_each_row_links_to_its_portal_page(
    make_client: MakeClient, world: World, fmt: str, tmp_path: pathlib.Path
) -> None:
    """An absolute link, starting with NRTD_BASE_URL, else the address the export was asked at: the full
    export, kept per data version, is kept per address too."""
    pages = [f"/recommendations/{world.rec[key]}" for key in ("P2", "P1")]
    for base_url, site in (
        (None, "http://testserver"),
        ("https://nrtd.example.org", "https://nrtd.example.org"),
    ):
        settings = {"export_cache_dir": str(tmp_path)} | ({"base_url": base_url} if base_url else {})
        client = make_client(**settings)
        for query in ("", "?status=in_progress&status=not_started"):  # the kept file, and one built
            rows = rows_of(fmt, client.get(f"{PUBLIC}.{fmt}{query}").content)
            assert [row["portal_url"] for row in rows] == [site + page for page in pages], (site, query)
        staff = rows_of(fmt, client.get(f"{STAFF}.{fmt}", headers=world.coordinator).content)
        assert [row["portal_url"] for row in staff] == [site + page for page in pages]
    # The portal shows no withdrawn recommendation: a staff export of one links nowhere.
    (withdrawn,) = json_rows(client.get(f"{STAFF}.json?withdrawn=true", headers=world.coordinator).content)
    assert withdrawn["id"] == world.rec["W"] and withdrawn["portal_url"] is None


def test_staff_credentials_get_the_same_public_export(public: TestClient, world: World) -> None:
    anonymous = public.get(f"{PUBLIC}.json").json()
    assert public.get(f"{PUBLIC}.json", headers=world.coordinator).json() == anonymous


# --- filters -------------------------------------------------------------------------------------


STAFF_FILTERS: list[tuple[str, Callable[[World], str], list[str]]] = [
    ("theme", lambda w: "theme=child labour", ["P2"]),
    ("status", lambda w: "status=in_progress", ["P1"]),
    ("not started", lambda w: "status=not_started", ["P2"]),
    ("mechanism", lambda w: "mechanism=UPR", ["P2"]),
    ("entity", lambda w: f"entity={w.justice}&responsibility=lead", ["P1"]),
    ("supporting", lambda w: f"entity={w.labour}&responsibility=supporting", ["P1"]),
    ("sdg goal", lambda w: "sdg=4", ["P1"]),
    ("search", lambda w: "q=mines", ["P2"]),
    ("cycle", lambda w: "cycle=3", ["P2"]),
    ("priority", lambda w: "priority=high", ["P1"]),
    ("position", lambda w: "position=supported", ["P2"]),
    ("hidden cluster", lambda w: f"cluster={w.hidden_cluster}", ["P2", "P1"]),
    ("withdrawn", lambda w: "withdrawn=true", ["W"]),
    ("country", lambda w: "country=peru", ["P1"]),
    ("combined", lambda w: "mechanism=CRC&status=not_started", []),
]


@pytest.mark.parametrize(("name", "query", "expected"), STAFF_FILTERS, ids=[f[0] for f in STAFF_FILTERS])
def test_staff_exports_honour_the_list_filters(
    public: TestClient, world: World, name: str, query: Callable[[World], str], expected: list[str]
) -> None:
    wanted = [world.rec[key] for key in expected]
    listed = public.get(f"/api/v1/recommendations?{query(world)}&limit=200", headers=world.coordinator)
    assert [item["id"] for item in listed.json()["items"]] == wanted  # the list agrees

    for fmt in FORMATS:
        response = public.get(f"{STAFF}.{fmt}?{query(world)}", headers=world.coordinator)
        assert response.status_code == 200, response.text
        assert _ids(rows_of(fmt, response.content)) == wanted, fmt


PUBLIC_FILTERS: list[tuple[str, Callable[[World], str], list[str]]] = [
    ("status", lambda w: "status=in_progress", ["P1"]),
    ("theme", lambda w: "theme=Child labour", ["P2"]),
    ("entity", lambda w: f"entity={w.justice}", ["P1"]),
    ("published cluster", lambda w: f"cluster={w.cluster}", ["P2", "P1"]),
    ("unpublished cluster", lambda w: f"cluster={w.hidden_cluster}", []),
    ("archived cluster", lambda w: f"cluster={w.archived_cluster}", []),
    ("search of a withdrawn text", lambda w: "q=withdrawn", []),
]


@pytest.mark.parametrize(("name", "query", "expected"), PUBLIC_FILTERS, ids=[f[0] for f in PUBLIC_FILTERS])
def test_public_exports_honour_the_filters_on_published_data(
    public: TestClient, world: World, name: str, query: Callable[[World], str], expected: list[str]
) -> None:
    for fmt in FORMATS:
        response = public.get(f"{PUBLIC}.{fmt}?{query(world)}")
        assert response.status_code == 200, response.text
        assert _ids(rows_of(fmt, response.content)) == [world.rec[key] for key in expected]


def test_lang_chooses_the_text_language_with_a_fallback(client: TestClient, engine: Engine) -> None:
    import_records(
        engine, [record("L", texts={"en": "<p>Adopt a law.</p>", "fr": "<p>Adopter une loi.</p>"})]
    )
    (fr,) = json_rows(client.get(f"{STAFF}.json?lang=fr").content)
    assert (fr["text"], fr["text_lang"], fr["languages"]) == ("Adopter une loi.", "fr", ["en", "fr"])
    (es,) = json_rows(client.get(f"{PUBLIC}.json?lang=es").content)
    assert (es["text"], es["text_lang"]) == ("Adopt a law.", "en")


@pytest.mark.parametrize(
    ("url", "field"),
    [
        (f"{STAFF}.csv?sdg=99", "sdg"),
        (f"{STAFF}.xlsx?responsibility=lead", "responsibility"),
        (f"{STAFF}.json?limit=5", "limit"),
        (f"{STAFF}.json?cursor=abc", "cursor"),
        (f"{STAFF}.csv?format=xml", "format"),
        (f"{STAFF}.json?format=template", "format"),
        (f"{STAFF}.csv?priority=urgent", "priority"),
        (f"{PUBLIC}.csv?withdrawn=true", "withdrawn"),
        (f"{PUBLIC}.json?needs_review=true", "needs_review"),
        (f"{PUBLIC}.csv?issue=Torture", "issue"),
        (f"{PUBLIC}.xlsx?sdg=5.99", "sdg"),
        (f"{PUBLIC}.csv?nonsense=1", "nonsense"),
    ],
)
def test_bad_filters_are_refused_before_anything_is_sent(
    public: TestClient, world: World, url: str, field: str
) -> None:
    response = public.get(url, headers=world.coordinator)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert field in {error["field"] for error in response.json()["errors"]}


def test_an_xlsx_export_opens_ready_to_read(public: TestClient, world: World) -> None:
    """Header frozen, bold and filterable; columns wide enough to read, long texts wrapped."""
    workbook = load_workbook(io.BytesIO(public.get(f"{STAFF}.xlsx", headers=world.coordinator).content))
    sheet = workbook["recommendations"]
    header = [cell.value for cell in sheet[1]]
    last = get_column_letter(len(header))
    assert sheet.freeze_panes == "A2"
    assert all(cell.font.bold for cell in sheet[1])
    assert sheet.auto_filter.ref == f"A1:{last}{sheet.max_row}"
    widths = {name: sheet.column_dimensions[get_column_letter(n)].width for n, name in enumerate(header, 1)}
    assert widths["text"] >= 50 and widths["internal_notes"] >= 30
    assert 8 <= widths["id"] <= 12 and all(width <= 60 for width in widths.values())
    text = header.index("text")
    assert all(row[text].alignment.wrap_text for row in sheet.iter_rows(min_row=2))
    assert not sheet.cell(row=2, column=header.index("symbol") + 1).alignment.wrap_text
    about = workbook["about"]
    assert about.freeze_panes == "A2" and about.column_dimensions["B"].width >= 40


def test_each_language_of_an_export_is_a_file_of_its_own_name(public: TestClient, world: World) -> None:
    """The English and French files of one list (their `text` differs) were both named
    nrtd-recommendations-public-<day>.csv: the second download replaced the first, or became "(1)"."""
    names = set()
    for fmt in ("csv", "xlsx", "json"):
        for lang in ("en", "fr", "es"):
            answer = public.get(f"{PUBLIC}.{fmt}", params={"lang": lang})
            assert answer.status_code == 200, answer.text
            disposition = answer.headers["content-disposition"]
            assert disposition.startswith(f'attachment; filename="nrtd-recommendations-public-{lang}-')
            head = public.head(f"{PUBLIC}.{fmt}", params={"lang": lang})
            assert head.headers["content-disposition"] == disposition
            names.add(disposition)
        staff = public.get(
            f"{STAFF}.{fmt}", params={"lang": "es", "status": "in_progress"}, headers=world.coordinator
        )
        assert 'filename="nrtd-recommendations-status-in_progress-es-' in staff.headers["content-disposition"]
    assert len(names) == 9
    # The full export, built by the first request, is served from the cache under the same name.
    cached = public.get(f"{PUBLIC}.csv", params={"lang": "fr"})
    assert cached.headers["content-length"] and cached.headers["content-disposition"] in names
