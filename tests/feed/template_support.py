"""The CSV template's tests' helpers: writing rows, reading a file back, exporting records."""

# Typographic quotes and dashes are the point here: they are where legacy encodings differ.
# ruff: noqa: RUF001

from __future__ import annotations

import csv
import io
from dataclasses import replace
from datetime import date
from pathlib import Path

from app.feed.records import Rejection, SourceRecord
from app.feed.template.reader import read_csv_template
from app.feed.template.writer import write_template_rows

ACHPR = "African Commission on Human and Peoples' Rights"


def write_rows(
    path: Path, rows: list[dict[str, str]], *, encoding: str = "utf-8", delimiter: str = ","
) -> Path:
    columns = list(dict.fromkeys(name for row in rows for name in row)) or ["mechanism", "text"]
    out = io.StringIO(newline="")
    writer = csv.DictWriter(out, columns, delimiter=delimiter, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_bytes(out.getvalue().encode(encoding))
    return path


def read_all(path: Path) -> list[SourceRecord | Rejection]:
    return list(read_csv_template(path))


def export(records: list[SourceRecord], path: Path) -> Path:
    with path.open("w", encoding="utf-8", newline="") as out:
        write_template_rows(records, out)
    return path


def without_position(results: list[SourceRecord | Rejection]) -> list[SourceRecord]:
    assert all(isinstance(result, SourceRecord) for result in results), results
    return [replace(result, input_position="") for result in results if isinstance(result, SourceRecord)]


def rich_records() -> list[SourceRecord]:
    return [
        SourceRecord(
            source="manual",
            external_id="ACHPR-LSO-2023-17",
            input_position="",
            type="recommendation",
            mechanism=ACHPR,
            texts={
                "en": '17. Adopt a law "on violence", with budget; see:\n- para. 3\r\n- Maputo Protocol',
                "fr": "17. Adopter une loi « sur la violence » à Maseru, Côte d’Ivoire — 中文 عربي",
            },
            symbol="ACHPR/CO/LSO/2023",
            publication_date=date(2023, 5, 10),
            countries=["Lesotho", "Côte d'Ivoire"],
            regions=["Africa"],
            themes=["Women's rights", "Domestic violence, incl. marital rape"],
            affected_persons=["Women & girls"],
            sdgs=["5.2", "16.a"],
            recommending_states=["Norway", "Chile"],
            recommending_regions=["WEOG", "GRULAC"],
            upr_session=43,
            upr_cycle=4,
            position="supported",
        ),
        SourceRecord(
            source="manual",
            external_id="IACHR-1",
            input_position="",
            type="observation",
            mechanism="IACHR",
            texts={"es": '=HYPERLINK("http://evil") no es una fórmula'},
        ),
        SourceRecord(
            source="manual",
            external_id="-dash-id",
            input_position="",
            type="recommendation",
            mechanism="ECRI",
            texts={"en": "'=already quoted", "de": "@mention +plus"},
            position="noted",
        ),
    ]
