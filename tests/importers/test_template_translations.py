"""A translation row of the template that cannot join the row above it is rejected, and so is the row
it translates, each with its own reason, in the file's order (docs/csv-template.md, "One row per
language"): which of the two is right is the file's to say."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from app.core.config import Settings
from app.models import ImportRun, Recommendation
from importers.csv_runs import import_csv_template

HEADER = "external_id,mechanism,text,language\n"
ABOVE = "its translation on row 4 was rejected: correct both rows and import again"


@pytest.mark.parametrize(
    ("translation", "reason"),
    [
        ("Y-1,ACHPR,Abolish it,en", "duplicate of row 2: a second 'en' text"),
        ("Y-1,ECRI,Abolir la pena de muerte,es", "a translation of row 2 but differs from it in: mechanism"),
    ],
)
def test_a_refused_translation_row_and_the_row_it_translates_are_rejected_each_for_its_reason(
    engine: Engine, settings: Settings, tmp_path: Path, translation: str, reason: str
) -> None:
    # Before: the translation's rejection came out of the reader before the record it belonged to,
    # so the record was rejected as "duplicate id, first seen at row 4", a row below it, listed after.
    path = tmp_path / "template.csv"
    rows = [
        "Y-1,ACHPR,Abolish the death penalty,en",
        "Y-1,ACHPR,Abolir la peine de mort,fr",
        translation,
        "Z-1,ACHPR,Ratify the Maputo Protocol,en",
    ]
    path.write_text(HEADER + "\n".join(rows) + "\n", encoding="utf-8")
    run = import_csv_template(engine, settings, path)
    assert run.ok, run.line()
    assert (run.counts.created, run.counts.rejected) == (1, 2), run.line()
    assert [(item.input_position, item.reason) for item in run.rejections] == [
        ("row 2", ABOVE),
        ("row 4", reason),
    ]
    with engine.connect() as conn:
        assert conn.execute(select(Recommendation.external_id)).scalars().all() == ["Z-1"]
        assert conn.execute(select(func.count()).select_from(Recommendation)).scalar_one() == 1


def test_the_run_lists_the_languages_its_rows_were_written_in(
    engine: Engine, settings: Settings, tmp_path: Path
) -> None:
    """A template of French and Spanish rows was recorded as a run in English ("Languages: en" on its
    page and in GET /api/v1/import-runs/{id}): the run now lists the languages of the texts it read."""
    path = tmp_path / "template.csv"
    rows = ["Y-1,ACHPR,Abolir la peine de mort,fr", "Z-1,IACHR,Ratificar el Protocolo,es"]
    path.write_text(HEADER + "\n".join(rows) + "\n", encoding="utf-8")
    run = import_csv_template(engine, settings, path)
    assert run.ok and run.counts.created == 2, run.line()
    with engine.connect() as conn:
        stored = conn.execute(select(ImportRun.languages).where(ImportRun.id == run.run_id)).scalar_one()
    assert stored == "es,fr"
    # Imported again, unchanged: the same languages, not the English the run started with.
    again = import_csv_template(engine, settings, path)
    assert again.counts.unchanged == 2, again.line()
    with engine.connect() as conn:
        stored = conn.execute(select(ImportRun.languages).where(ImportRun.id == again.run_id)).scalar_one()
    assert stored == "es,fr"
