"""The staff CSV export in the template layout (as `nrtd export csv` writes it) imports back: nothing changes."""

# ruff: noqa: E501

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from app.core.config import Settings
from app.feed.records import MalformedInput
from app.feed.template.reader import read_csv_template
from importers.csv_export import export_template_csv
from importers.csv_runs import import_csv_template
from importers.run_record import RunSummary
from tests.exports.files import STAFF, csv_header, csv_rows
from tests.uhri_records import snapshot

WRITES = ("import_runs", "import_leases")  # what any run writes, even one that changes nothing

# Manual recommendations as a user's file brings them: translations, lists, quotes and line
# breaks in cells, a text a spreadsheet would run, a mechanism by alias and one by a new name.
MANUAL_CSV = """\
external_id,mechanism,type,symbol,text,language,publication_date,countries,regions,themes,affected_persons,sdgs,recommending_states,recommending_regions,upr_session,position
ACHPR-LSO-2023-17,African Commission on Human and Peoples' Rights,recommendation,ACHPR/Res.522,"17. Criminalise marital rape, in line with:
- Article 4 of the ""Maputo Protocol"".",en,2023-05-10,Lesotho; South Africa,Africa,Women's rights; Domestic violence; Égalité,Women & girls,5.2; 16.a,,,,
ACHPR-LSO-2023-17,,,,"17. Ériger le viol conjugal en infraction.",fr,,,,,,,,,,
,CIDH,observation,OEA/Ser.L/V/II,"La Comisión observa la falta de datos.",es,2024-02-01,PE,,Indigenous peoples,Women & girls,5.2,,,,
UPR-PER-42-118.7,UPR,recommendation,A/HRC/56/5,"=Ratify the Optional Protocol (Norway);",en,2024-07-01,Peru,,Torture,,16.3,Norway; Turkey,WEOG,42,accepted
DP-2024-3,Defensoría del Pueblo del Perú,recommendation,,"- Garantizar el acceso a la justicia.",es,,Peru,,Access to justice,,,,,,
"""
MANUAL_COUNT = 4


def _ok(summary: RunSummary) -> RunSummary:
    assert summary.ok and summary.counts.rejected == 0, summary.line()
    return summary


@pytest.fixture
def manual(engine: Engine, settings: Settings, tmp_path: Path, client: TestClient) -> Engine:
    """The file above imported, one manual recommendation made through the API, local work on one."""
    path = tmp_path / "manual.csv"
    path.write_text(MANUAL_CSV, encoding="utf-8")
    # An instance of every State: the file holds other States' recommendations (Lesotho's).
    every_state = settings.model_copy(update={"country": ""})
    assert _ok(import_csv_template(engine, every_state, path)).counts.created == MANUAL_COUNT
    body = {
        "mechanism": "NHRI-X",
        "mechanism_name": "National Human Rights Institution X",
        "mechanism_family": "other",
        "text": "Publish the prison inspection reports.",
        "themes": ["Detention"],
        "sdgs": ["16.3"],
    }
    created = client.post("/api/v1/recommendations", json=body)
    assert created.status_code == 201, created.text
    url = f"/api/v1/recommendations/{created.json()['id']}"
    patch = {"status": "in_progress", "internal_notes": "not in the template"}
    edited = client.patch(url, json=patch, headers={"If-Match": client.get(url).headers["ETag"]})
    assert edited.status_code == 200, edited.text
    return engine


def _header(*languages: str) -> list[str]:
    return [
        *("external_id", "mechanism", "type", "symbol"),
        *(f"text_{language}" for language in languages),
        *("publication_date", "countries", "regions", "themes", "affected_persons", "sdgs"),
        *("recommending_states", "recommending_regions", "upr_session", "position"),
    ]


def test_the_template_export_imports_back_without_changing_anything(
    manual: Engine, client: TestClient, settings: Settings, tmp_path: Path
) -> None:
    response = client.get(f"{STAFF}.csv?format=template&source=manual")

    assert response.status_code == 200, response.text
    assert response.headers["content-disposition"].startswith(
        'attachment; filename="nrtd-recommendations-template-'
    )
    assert csv_header(response.content) == _header("en", "fr", "es")
    rows = csv_rows(response.content)
    assert len(rows) == len({row["external_id"] for row in rows}) == MANUAL_COUNT + 1  # one row each
    path = tmp_path / "export.csv"
    path.write_bytes(response.content)
    before = snapshot(manual, skip=WRITES)

    summary = _ok(import_csv_template(manual, settings.model_copy(update={"country": ""}), path))

    assert (summary.counts.created, summary.counts.updated) == (0, 0)
    assert summary.counts.unchanged == MANUAL_COUNT + 1
    assert snapshot(manual, skip=WRITES) == before


def test_a_recommendation_s_languages_are_side_by_side_on_its_one_row(
    manual: Engine, client: TestClient
) -> None:
    rows = csv_rows(client.get(f"{STAFF}.csv?format=template&source=manual").content)

    achpr = [row for row in rows if row["external_id"] == "ACHPR-LSO-2023-17"]
    assert len(achpr) == 1
    assert achpr[0]["text_en"].startswith("17. Criminalise marital rape, in line with:\n- Article 4")
    assert achpr[0]["text_fr"] == "17. Ériger le viol conjugal en infraction."
    assert achpr[0]["text_es"] == ""
    assert achpr[0]["countries"] == "Lesotho; South Africa"
    assert achpr[0]["sdgs"] == "5.2; 16.a"
    # Alphabetical as everywhere else (accents and case ignored), not by code point.
    assert achpr[0]["themes"] == "Domestic violence; Égalité; Women's rights"
    (made,) = [row for row in rows if row["mechanism"] == "NHRI-X"]
    assert (made["text_en"], made["text_fr"], made["text_es"]) == (
        "Publish the prison inspection reports.",
        "",
        "",
    )


def test_the_template_export_is_the_cli_s_table(manual: Engine, client: TestClient) -> None:
    """The same columns and cells as `nrtd export csv` (the command lists oldest first and may
    prefer a mechanism's name: only the order and that cell may differ)."""
    body = client.get(f"{STAFF}.csv?format=template&source=manual").content
    out = io.StringIO(newline="")
    assert export_template_csv(manual, out, source="manual") == MANUAL_COUNT + 1
    cli = list(csv.DictReader(io.StringIO(out.getvalue(), newline="")))

    def by_id(rows: list[dict[str, str]]) -> dict[str, dict[str, str]]:
        return {row["external_id"]: {**row, "mechanism": ""} for row in rows}

    assert csv_header(body) == next(csv.reader(io.StringIO(out.getvalue(), newline="")))
    assert by_id(csv_rows(body)) == by_id(cli)


def test_the_template_export_honours_the_filters(manual: Engine, client: TestClient) -> None:
    body = client.get(f"{STAFF}.csv?format=template&source=manual&mechanism=UPR").content
    assert csv_header(body) == _header("en")  # the languages of the selection only
    rows = csv_rows(body)
    assert [row["external_id"] for row in rows] == ["UPR-PER-42-118.7"]
    assert (
        rows[0]["text_en"] == "'=Ratify the Optional Protocol (Norway);"
    )  # guarded, and read back unguarded
    assert (rows[0]["upr_session"], rows[0]["position"]) == ("42", "supported")
    body = client.get(f"{STAFF}.csv?format=template&source=manual&country=Peru").content
    assert csv_header(body) == _header("en", "es")  # the UN languages in UHRI's order
    assert {row["external_id"] for row in csv_rows(body)} >= {"UPR-PER-42-118.7", "DP-2024-3"}
    body = client.get(f"{STAFF}.csv?format=template&type=observation").content
    assert csv_header(body) == _header("es")
    assert [row["mechanism"] for row in csv_rows(body)] == ["CIDH"]
    rows = csv_rows(client.get(f"{STAFF}.csv?format=template&status=in_progress").content)
    assert [row["mechanism"] for row in rows] == ["NHRI-X"]


def test_an_empty_template_export_imports_as_nothing(
    manual: Engine, client: TestClient, settings: Settings, tmp_path: Path
) -> None:
    body = client.get(f"{STAFF}.csv?format=template&q=nothingsuchword").content
    assert csv_rows(body) == []
    assert csv_header(body) == ["external_id", "mechanism", "type", "symbol", "text", *_header()[4:]]
    path = tmp_path / "empty.csv"
    path.write_bytes(body)
    before = snapshot(manual, skip=WRITES)
    everywhere = settings.model_copy(update={"country": ""})

    # A file holding no record is refused (an empty search saved by mistake), and writes nothing...
    refused = import_csv_template(manual, everywhere, path)
    assert not refused.ok and "the file holds no record" in (refused.message or "")
    assert snapshot(manual, skip=WRITES) == before
    # ...unless it is expected: then it imports as nothing.
    summary = _ok(import_csv_template(manual, everywhere, path, allow_empty=True))
    assert (summary.counts.created, summary.counts.updated, summary.counts.unchanged) == (0, 0, 0)
    assert snapshot(manual, skip=WRITES) == before


def test_the_open_data_csv_is_not_the_import_template(
    manual: Engine, client: TestClient, tmp_path: Path
) -> None:
    """Its extra columns would stop the import (unknown columns are refused): hence `format=template`."""
    path = tmp_path / "open-data.csv"
    path.write_bytes(client.get(f"{STAFF}.csv?source=manual").content)
    with pytest.raises(MalformedInput) as refused:
        list(read_csv_template(path))
    # Named, with the export to download instead: it was refused for 21 unknown columns.
    assert str(refused.value) == (
        "this is the recommendation export (the open-data CSV or XLSX), not the template of manual "
        "recommendations: download the export in the import template's columns instead ('CSV in the import "
        "template's columns' on the staff workspace's Reports and exports page, or `nrtd export csv`), edit "
        "that and import it"
    )
