"""GET /api/v1/import-template.csv: the CSV template for manual recommendations."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from app.core.config import Settings
from app.feed.records import SourceRecord
from app.feed.template.columns import TEMPLATE_COLUMNS
from app.feed.template.reader import read_csv_template
from app.feed.template.writer import write_template_rows
from app.models import Mechanism, Recommendation, RecommendationText
from importers.csv_runs import import_csv_template

URL = "/api/v1/import-template.csv"


def test_template_is_a_csv_attachment(client: TestClient) -> None:
    response = client.get(URL)
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.headers["content-disposition"] == (
        'attachment; filename="nrtd-recommendations-template.csv"'
    )
    # A byte-order mark, so that Excel opens (and saves) it as UTF-8.
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"), newline="")))
    assert rows[0] == list(TEMPLATE_COLUMNS)
    assert len(rows) == 2
    example = dict(zip(rows[0], rows[1], strict=True))
    # Marked as the example in its first cell, where whoever fills the template in sees it.
    assert example["external_id"] == "EXAMPLE"
    assert example["mechanism"] == "African Commission on Human and Peoples' Rights"
    assert example["publication_date"] == "2023-05-10"
    assert example["sdgs"] == "5.2; 16.3"
    assert example["position"] == ""
    assert response.content.count(b"\r\n") == 2  # CRLF, as the export writes


def test_downloaded_template_imports_no_example(
    client: TestClient, engine: Engine, settings: Settings, tmp_path: Path
) -> None:
    """The example row is never imported as a recommendation: the template as downloaded is refused,
    saying so; filled in below the example, only the rows written import, the run saying the example
    was passed over."""
    template = client.get(URL).content
    path = tmp_path / "nrtd-recommendations-template.csv"
    path.write_bytes(template)
    instance = settings.model_copy(update={"country": ""})

    run = import_csv_template(engine, instance, path)

    assert run.outcome == "failed"
    assert "only the template's example row (row 2)" in (run.message or "")

    filled = template + (
        b"MY-1,ACHPR,recommendation,,3. Ratify the protocol.,en,2024-02-01,Lesotho,,,,,,,,\r\n"
        b"EXAMPLE,ACHPR,recommendation,,An example copied again.,en,,,,,,,,,,\r\n"
    )
    path.write_bytes(filled)
    run = import_csv_template(engine, instance, path)

    assert run.outcome == "succeeded", run.message
    assert (run.counts.read, run.counts.created, run.counts.rejected) == (1, 1, 0)
    assert run.message == "the template's example row (external_id 'EXAMPLE') was not imported: row(s) 2, 4"
    with engine.connect() as conn:
        row = conn.execute(
            select(
                Recommendation.source,
                Recommendation.external_id,
                Recommendation.publication_date,
                Recommendation.paragraph,
                Mechanism.code,
                Mechanism.family,
            ).join(Mechanism, Mechanism.id == Recommendation.mechanism_id)
        ).one()
        text = conn.execute(select(RecommendationText.lang, RecommendationText.text)).one()
    assert row.source == "manual" and row.external_id == "MY-1"
    assert str(row.publication_date) == "2024-02-01" and row.paragraph == "3"
    assert (row.code, row.family) == ("ACHPR", "regional")
    assert text.lang == "en" and text.text == "3. Ratify the protocol."

    # The run shows up in the API like any other, its note with it.
    runs = client.get("/api/v1/import-runs", params={"source": "manual"}).json()
    shown = next(item for item in runs["items"] if item["id"] == run.run_id)
    assert shown["message"] == run.message


def test_older_templates_example_row_is_passed_over(tmp_path: Path) -> None:
    """Templates downloaded before the example was marked held it under its own id: that exact row
    (its id and its text) is the example too; the same id with another text is a recommendation."""
    old = (
        "external_id,mechanism,text,countries\r\n"
        'ACHPR-LSO-2023-17,ACHPR,"17. Criminalise marital rape and adopt a comprehensive law on '
        'gender-based violence, in line with Article 4 of the Maputo Protocol.",Lesotho\r\n'
        "MY-1,ACHPR,3. Ratify the protocol.,Lesotho\r\n"
    )
    path = tmp_path / "old.csv"
    path.write_text(old, encoding="utf-8")
    notes: list[str] = []
    records = list(read_csv_template(path, on_note=notes.append))
    assert [getattr(item, "external_id", None) for item in records] == ["MY-1"]
    assert notes == [
        "the template's example row (external_id 'ACHPR-LSO-2023-17') was not imported: row(s) 2"
    ]

    path.write_text(old.replace("17. Criminalise", "17. Outlaw"), encoding="utf-8")
    records = list(read_csv_template(path))
    assert [getattr(item, "external_id", None) for item in records] == ["ACHPR-LSO-2023-17", "MY-1"]


def test_a_translation_row_of_the_older_example_is_passed_over_with_it(tmp_path: Path) -> None:
    """The older example with its French row directly below (as docs/csv-template.md's example printed
    it): the French row was imported alone, a recommendation of the example's with a French text only.
    Now passed over with the row it translates, and named with it."""
    path = tmp_path / "old.csv"
    path.write_text(
        "external_id,mechanism,text,language,countries\r\n"
        'ACHPR-LSO-2023-17,ACHPR,"17. Criminalise marital rape and adopt a comprehensive law on '
        'gender-based violence, in line with Article 4 of the Maputo Protocol.",en,Lesotho\r\n'
        "ACHPR-LSO-2023-17,ACHPR,17. Ériger le viol conjugal en infraction.,fr,Lesotho\r\n"
        "MY-1,ACHPR,3. Ratify the protocol.,en,Lesotho\r\n",
        encoding="utf-8",
    )
    notes: list[str] = []
    records = list(read_csv_template(path, on_note=notes.append))
    assert [getattr(item, "external_id", None) for item in records] == ["MY-1"]
    assert notes == [
        "the template's example row (external_id 'ACHPR-LSO-2023-17') was not imported: row(s) 2, 3"
    ]


def test_the_documented_example_imports_as_it_says(tmp_path: Path) -> None:
    """docs/csv-template.md, "Example": "the first two rows are one recommendation in English and
    French; the third ... gets a derived one". Its first row was the former template's example, so a
    copy of it imported the French row alone and said the example was not imported."""
    doc = (Path(__file__).parents[2] / "docs" / "csv-template.md").read_text(encoding="utf-8")
    block = doc.split("## Example", 1)[1].split("```csv\n", 1)[1].split("```", 1)[0]
    path = tmp_path / "example.csv"
    path.write_text(block, encoding="utf-8")
    notes: list[str] = []
    records = [item for item in read_csv_template(path, on_note=notes.append)]
    assert all(isinstance(item, SourceRecord) for item in records) and notes == []
    first, third = (item for item in records if isinstance(item, SourceRecord))
    assert sorted(first.texts) == ["en", "fr"] and first.countries == ["Lesotho"]
    assert third.texts["en"].startswith("The Commission is concerned") and third.external_id


def test_template_is_what_the_export_writes_for_its_example(client: TestClient, tmp_path: Path) -> None:
    """The app's copy of the example row and the importer's writer agree, the example's id aside."""
    path = tmp_path / "template.csv"
    downloaded = client.get(URL).content
    path.write_bytes(
        downloaded.replace(b"\xef\xbb\xbfexternal_id", b"external_id").replace(b"EXAMPLE,", b"X-1,")
    )
    records = [item for item in read_csv_template(path) if isinstance(item, SourceRecord)]
    assert len(records) == 1
    out = io.StringIO(newline="")
    write_template_rows(records, out)
    assert out.getvalue().replace("X-1,", "EXAMPLE,").encode("utf-8-sig") == downloaded
