"""A UHRI AnnotationId is a UUID, which is case-insensitive: the same record spelt in capitals (a
spreadsheet's upper-case formula, a hand-made file) or with spaces around it is the same record on
every import, never a second recommendation."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, func, select, update

from app.core.config import Settings
from app.models import Recommendation
from importers.run import import_uhri
from tests.importers.test_uhri_xlsx import crc_row, write_xlsx
from tests.uhri_records import uhri_record, write_export

LOWER = "0b6f8f53-3c1d-4a8e-9a57-7d2f0f4b8f11"


def stored_ids(engine: Engine) -> list[str]:
    with engine.connect() as conn:
        return list(conn.execute(select(Recommendation.external_id).order_by(Recommendation.id)).scalars())


def live_count(engine: Engine) -> int:
    with engine.connect() as conn:
        query = select(func.count()).select_from(Recommendation).where(Recommendation.withdrawn.is_(False))
        return conn.execute(query).scalar_one()


def test_an_id_in_capitals_or_padded_is_the_same_record(
    engine: Engine, settings: Settings, tmp_path: Path
) -> None:
    export = write_export(tmp_path / "export-full-en.json", [uhri_record(1, AnnotationId=LOWER)])
    first = import_uhri(engine, settings, str(export), country="Peru")
    assert first.outcome == "succeeded", first.message
    assert stored_ids(engine) == [LOWER]

    shouted = write_export(tmp_path / "shouted.json", [uhri_record(1, AnnotationId=f" {LOWER.upper()}\t")])
    again = import_uhri(engine, settings, str(shouted), country="Peru")

    assert again.outcome == "succeeded", again.message
    assert (again.counts.created, again.counts.unchanged, again.counts.withdrawn) == (0, 1, 0)
    assert stored_ids(engine) == [LOWER]

    # The search page's workbook, its id in capitals: the same record too.
    workbook = write_xlsx(tmp_path / "search.xlsx", [crc_row(**{"OHCHR Annotation Id": LOWER.upper()})])
    xlsx = import_uhri(engine, settings, str(workbook), country="Peru")
    assert xlsx.outcome == "succeeded", xlsx.message
    assert xlsx.counts.created == 0
    assert stored_ids(engine) == [LOWER]


def test_an_id_first_stored_in_capitals_is_found_by_its_lower_case_spelling(
    engine: Engine, settings: Settings, tmp_path: Path
) -> None:
    """A record an earlier release stored as the file spelt it (capitals) is matched, not doubled
    and withdrawn, when the export spells it in lower case."""
    export = write_export(tmp_path / "export-full-en.json", [uhri_record(1, AnnotationId=LOWER)])
    assert import_uhri(engine, settings, str(export), country="Peru").outcome == "succeeded"
    with engine.begin() as conn:
        conn.execute(update(Recommendation).values(external_id=LOWER.upper()))

    again = import_uhri(engine, settings, str(export), country="Peru")

    assert again.outcome == "succeeded", again.message
    assert (again.counts.created, again.counts.withdrawn) == (0, 0)
    assert live_count(engine) == 1


def test_one_file_spelling_an_id_twice_is_a_duplicate(
    engine: Engine, settings: Settings, tmp_path: Path
) -> None:
    export = write_export(
        tmp_path / "export-full-en.json",
        [uhri_record(1, AnnotationId=LOWER), uhri_record(2, AnnotationId=LOWER.upper())],
    )
    run = import_uhri(engine, settings, str(export), country="Peru")
    assert run.outcome == "succeeded", run.message
    assert (run.counts.created, run.counts.rejected) == (1, 1)
    assert [(r.input_position, r.reason) for r in run.rejections] == [
        ("record 2", "duplicate id, first seen at record 1")
    ]
