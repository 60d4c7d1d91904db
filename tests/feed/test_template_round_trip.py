"""The CSV template: the example file, and export -> import round trips that give the same records."""

# Typographic quotes and dashes are the point here: they are where legacy encodings differ.

from __future__ import annotations

import io
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.feed.fields import html_to_text
from app.feed.records import SourceRecord
from app.feed.template.columns import TEMPLATE_COLUMNS, template_csv, template_header
from app.feed.template.writer import guard_formula, write_template_rows
from app.feed.values import clean_labels, spreadsheet_error
from tests.feed.template_support import ACHPR, export, read_all, rich_records, without_position


def test_template_csv_is_a_valid_example(tmp_path: Path) -> None:
    content = template_csv()
    assert content.startswith(template_header())
    assert template_header() == ",".join(TEMPLATE_COLUMNS) + "\r\n"
    path = tmp_path / "template.csv"
    # The example row, given an id of its own (as its EXAMPLE id it is passed over), is a valid row.
    path.write_text(content.replace("\r\nEXAMPLE,", "\r\nLSO-17,"), encoding="utf-8", newline="")

    (record,) = read_all(path)
    assert isinstance(record, SourceRecord)
    assert record.source == "manual"
    assert record.external_id == "LSO-17"
    assert record.mechanism == ACHPR
    assert record.texts["en"].startswith("17. Criminalise marital rape")
    assert record.countries == ["Lesotho"]
    assert record.sdgs == ["5.2", "16.3"]
    assert record.publication_date == date(2023, 5, 10)


def test_round_trip_of_rich_records(tmp_path: Path) -> None:
    records = rich_records()
    path = export(records, tmp_path / "export.csv")
    raw = path.read_text(encoding="utf-8")
    assert "'=HYPERLINK" in raw  # a spreadsheet must not run it as a formula
    assert '"Lesotho; Côte d\'Ivoire"' not in raw  # no needless quoting
    assert "Lesotho; Côte d'Ivoire" in raw

    results = read_all(path)
    assert without_position(results) == records
    assert [result.input_position for result in results] == ["row 2", "row 4", "row 5"]


@pytest.mark.parametrize("start", ["\t", "\r"])
def test_a_leading_tab_or_carriage_return_is_guarded_as_a_formula_start(tmp_path: Path, start: str) -> None:
    # A spreadsheet skips the tab or carriage return and runs what follows as a formula.
    assert guard_formula(start + "=1+1") == "'" + start + "=1+1"
    assert guard_formula("'" + start + "x") == "''" + start + "x"
    record = replace(rich_records()[1], texts={"en": start + "=Act now"})
    path = export([record], tmp_path / "guarded.csv")
    assert "'" + start + "=Act now" in path.read_bytes().decode("utf-8")
    # The reader removes the apostrophe again: the text comes back as it was.
    assert without_position(read_all(path)) == [record]


def test_import_export_import_is_stable(tmp_path: Path) -> None:
    first = read_all(export(rich_records(), tmp_path / "one.csv"))
    second = read_all(export(without_position(first), tmp_path / "two.csv"))
    assert second == first


# ";" separates labels; "&" and "-" are left out because clean_label decodes entities and drops a
# "- " prefix, so a label like "- - x" is not what any reader yields. NUL and U+FFFF are not text:
# a reader rejects them (see test_hostile_files).
_NOT_TEXT = "\x00\uffff"
_label = st.text(st.characters(codec="utf-8", exclude_characters=";&-" + _NOT_TEXT), min_size=1, max_size=20)


@settings(max_examples=150, deadline=None)
@given(
    text=st.text(st.characters(codec="utf-8", exclude_characters=_NOT_TEXT), min_size=1, max_size=200),
    countries=st.lists(_label, max_size=3),
)
def test_round_trip_of_any_text(
    tmp_path_factory: pytest.TempPathFactory, text: str, countries: list[str]
) -> None:
    text = text.strip()
    if not html_to_text(text) or spreadsheet_error(text):
        return  # no text, or a spreadsheet's error ("#CALC!"), which a reader refuses as a value
    if any(spreadsheet_error(label.strip()) for label in countries):
        return  # a State named "#NULL!" is refused as such too (clean_labels raises for it)
    record = SourceRecord(
        source="manual",
        external_id="X-1",
        input_position="",
        type="recommendation",
        mechanism="ECRI",
        texts={"en": text},
        countries=clean_labels(countries),
    )
    path = export([record], tmp_path_factory.mktemp("rt") / "x.csv")
    assert without_position(read_all(path)) == [record]


def test_writer_refuses_what_would_not_read_back(tmp_path: Path) -> None:
    record = rich_records()[1]
    with pytest.raises(ValueError, match="contains ';'"):
        write_template_rows([replace(record, themes=["a; b"])], io.StringIO())
    with pytest.raises(ValueError, match="has no text"):
        write_template_rows([replace(record, texts={})], io.StringIO())
