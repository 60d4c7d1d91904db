"""A rejected row names every problem it has, not only the first: whoever corrects a spreadsheet of
2,000 rows fixes each row once, not once per problem and upload. The readers (the template as CSV or
workbook, the UHRI search export, UPR Info, the UHRI JSON export), what is stored and what
``nrtd import`` prints."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select

from app.core.config import Settings
from app.feed.records import RecordError, Rejection
from app.feed.row_problems import MAX_PROBLEMS, MAX_REASON_CHARS, Problems, joined, problems_of
from importers.uhri_mapping import to_record
from importers.uhri_xlsx import read_uhri_xlsx
from importers.upr_info_csv import read_upr_info_csv
from tests.cli.test_cli import nrtd
from tests.feed.template_support import read_all, write_rows
from tests.importers.test_template_xlsx import write_template_xlsx
from tests.importers.test_uhri_xlsx import crc_row, upr_row, write_xlsx

UUID = "a9ceae8c-fe1c-40f9-a326-1529e0ab678f"
# A template row with four faults in four columns (and one good column between them).
BAD_TEMPLATE_ROW = {
    "external_id": "r1",
    "mechanism": " ",
    "type": "resolution",
    "text": "Ensure access",
    "language": "english!",
    "publication_date": "10/05/2023",
    "countries": "Peru",
    "upr_session": "abc",
}
TEMPLATE_PROBLEMS = [
    "mechanism: empty",
    "type: 'resolution' is neither 'recommendation' nor 'observation'",
    "language: 'english!' is not a language code such as en, fr or pt",
    "publication_date: '10/05/2023' is not a YYYY-MM-DD date",
    "upr_session: expected a whole number, got 'abc'",
]


def _rejections(results: Sequence[object]) -> list[Rejection]:
    return [result for result in results if isinstance(result, Rejection)]


def _problems_match(stored: str, expected: list[str]) -> None:
    problems = problems_of(stored)
    assert len(problems) == len(expected), problems
    for problem, start in zip(problems, expected, strict=True):
        assert problem.startswith(start), (problem, start)


def test_a_template_row_names_each_of_its_problems(tmp_path: Path) -> None:
    path = write_rows(tmp_path / "t.csv", [BAD_TEMPLATE_ROW, {**BAD_TEMPLATE_ROW, "external_id": "r2"}])
    (first, second) = _rejections(read_all(path))
    assert first.input_position == "row 2" and first.external_id == "r1"
    _problems_match(first.reason, TEMPLATE_PROBLEMS)
    _problems_match(second.reason, TEMPLATE_PROBLEMS)
    # A row with one problem reads as it always did.
    (single,) = _rejections(read_all(write_rows(tmp_path / "one.csv", [{"mechanism": "", "text": "x"}])))
    assert single.reason == "mechanism: empty"


def test_the_template_saved_as_a_workbook_names_each_problem(tmp_path: Path) -> None:
    from importers.template_xlsx import read_template

    columns = list(BAD_TEMPLATE_ROW)
    path = write_template_xlsx(tmp_path / "t.xlsx", [columns, list(BAD_TEMPLATE_ROW.values())])
    (rejection,) = _rejections(list(read_template(path)))
    _problems_match(rejection.reason, TEMPLATE_PROBLEMS)


def test_a_uhri_search_export_row_names_each_of_its_problems(tmp_path: Path) -> None:
    row = upr_row(
        Text="<p> </p>",
        Type="- Resolutions",
        **{"Document Publication Date": -3, "UPR Session": "- 43\n- 44", "UPR Position": "- Maybe"},
    )
    (rejection,) = _rejections(list(read_uhri_xlsx(write_xlsx(tmp_path / "e.xlsx", [crc_row(), row]))))
    _problems_match(
        rejection.reason,
        [
            "Text: empty",
            "Type: 'Resolutions' is neither Recommendations nor Concerns/Observations",
            "Document Publication Date: -3 is not an Excel date serial number",
            "UPR Session: several sessions [43, 44]",
            "UPR Position: unknown UPR position 'Maybe'",
        ],
    )
    assert rejection.external_id == UUID  # its id was readable: named beside its problems


def test_a_upr_info_row_names_each_of_its_problems(tmp_path: Path) -> None:
    path = tmp_path / "upr-info.csv"
    path.write_bytes(
        b"To,To-Rgrp,To-Org,Text,From,From-Rgrp,From-Org,Response,Action,Issue,Session\r\n"
        b",GRULAC,,  ,Norway,WEOG,,Accepted,9,Torture,\r\n"
    )
    (rejection,) = _rejections(list(read_upr_info_csv(path)))
    _problems_match(
        rejection.reason, ["To: empty", "Text: empty", "Action: 9 is outside 1..5", "Session: empty"]
    )


def test_a_uhri_json_record_names_each_of_its_problems() -> None:
    record: dict[str, Any] = {
        "AnnotationId": "12345",
        "Text": "<p>Ensure</p>",
        "AnnotationType": "- Resolutions",
    }
    record |= {"Body": None, "PublicationDate": "soon", "Sdgs": ["PEACE"]}
    try:
        to_record(record, "record 1", "en")
    except RecordError as exc:
        reason = str(exc)
    else:
        raise AssertionError("rejected")
    _problems_match(
        reason,
        [
            "AnnotationId: not a UUID: '12345'",
            "AnnotationType: unknown type 'Resolutions'",
            "Body: missing",
            "PublicationDate: not an ISO date: 'soon'",
            "Sdgs: no goal or target code in 'PEACE'",
        ],
    )


def test_the_problems_listed_are_capped_saying_how_many_more() -> None:
    many = [f"text_x{n}: empty" for n in range(MAX_PROBLEMS + 3)]
    problems = problems_of(joined(many))
    assert problems[:MAX_PROBLEMS] == many[:MAX_PROBLEMS]
    assert problems[MAX_PROBLEMS:] == ["and 3 more problems in this record"]
    long = ["symbol: " + "x" * 700 for _ in range(5)]
    reason = joined(long)
    assert len(reason) <= MAX_REASON_CHARS and reason.endswith("and 3 more problems in this record")
    assert problems_of(joined(many[: MAX_PROBLEMS + 1]))[MAX_PROBLEMS:] == [
        "and one more problem in this record"
    ]
    # A problem is one line, whatever a value held.
    collected = Problems()
    collected.add("symbol: 'a\nb'")
    assert problems_of(collected.reason()) == ["symbol: 'a b'"]


def test_nrtd_import_csv_prints_and_stores_every_problem(
    engine: Engine, database_url: str, tmp_path: Path
) -> None:
    from app.models.imports import RejectedRecord

    good = {**BAD_TEMPLATE_ROW, "external_id": "ok", "mechanism": "ACHPR", "type": "recommendation"}
    good |= {"language": "en", "publication_date": "2023-05-10", "upr_session": "43"}
    path = write_rows(tmp_path / "t.csv", [good, BAD_TEMPLATE_ROW])

    result = nrtd(database_url, "import", "csv", str(path))

    assert result.returncode == 0, result.stderr
    assert "row 3 (r1):\n    - mechanism: empty\n    - type: 'resolution' is neither" in result.stderr
    assert "    - upr_session: expected a whole number, got 'abc'" in result.stderr
    with engine.connect() as conn:
        (stored,) = conn.execute(select(RejectedRecord.reason)).scalars()
    _problems_match(stored, TEMPLATE_PROBLEMS)


def test_a_template_row_names_each_misspelt_state(engine: Engine, settings: Settings, tmp_path: Path) -> None:
    from importers.csv_runs import import_csv_template

    rows = [{"mechanism": "ACHPR", "text": "Ensure access", "countries": "Peur; Chlie"}]
    path = write_rows(
        tmp_path / "t.csv", [*rows, {"mechanism": "ACHPR", "text": "Other", "countries": "Peru"}]
    )

    run = import_csv_template(engine, settings.model_copy(update={"country": "Peru"}), path)

    (rejection,) = run.rejections
    _problems_match(
        rejection.reason,
        [
            "countries: 'Peur' is no State this import knows",
            "countries: 'Chlie' is no State this import knows",
        ],
    )
