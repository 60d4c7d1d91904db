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
    assert example["external_id"] == "ACHPR-LSO-2023-17"
    assert example["mechanism"] == "African Commission on Human and Peoples' Rights"
    assert example["publication_date"] == "2023-05-10"
    assert example["sdgs"] == "5.2; 16.3"
    assert example["position"] == ""
    assert response.content.count(b"\r\n") == 2  # CRLF, as the export writes


def test_downloaded_template_imports_cleanly(
    client: TestClient, engine: Engine, settings: Settings, tmp_path: Path
) -> None:
    path = tmp_path / "nrtd-recommendations-template.csv"
    path.write_bytes(client.get(URL).content)

    # Its example row is about Lesotho: an instance of one other State would reject it, saying why.
    run = import_csv_template(engine, settings.model_copy(update={"country": ""}), path)

    assert run.outcome == "succeeded", run.message
    assert (run.counts.read, run.counts.created, run.counts.rejected) == (1, 1, 0)
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
    assert row.source == "manual" and row.external_id == "ACHPR-LSO-2023-17"
    assert str(row.publication_date) == "2023-05-10" and row.paragraph == "17"
    assert (row.code, row.family) == ("ACHPR", "regional")
    assert text.lang == "en" and text.text.startswith("17. Criminalise marital rape")

    # The run shows up in the API like any other.
    runs = client.get("/api/v1/import-runs", params={"source": "manual"}).json()
    assert [item["id"] for item in runs["items"]] == [run.run_id]


def test_template_is_what_the_export_writes_for_its_example(client: TestClient, tmp_path: Path) -> None:
    """The app's copy of the example row and the importer's writer agree."""
    path = tmp_path / "template.csv"
    path.write_bytes(client.get(URL).content)
    records = [item for item in read_csv_template(path) if isinstance(item, SourceRecord)]
    assert len(records) == 1
    out = io.StringIO(newline="")
    write_template_rows(records, out)
    assert out.getvalue().encode("utf-8-sig") == path.read_bytes()
