"""A row rejected for its fields is checked for misspelt States too: a template row with a date typed
the spreadsheet's way and "Peur" for Peru named the date alone, and named "Peur" only once the date
was corrected and the file uploaded again. Its problems now name the State beside the others, by the
rule an accepted row meets (on an instance of one State; in a UPR Info file, for the rows the run
keeps), so the file is corrected in one go."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, select

from app.core.config import Settings
from app.feed.row_problems import problems_of
from app.models.imports import RejectedRecord
from importers.csv_runs import import_csv_template, import_upr_info
from tests.feed.template_support import write_rows
from tests.importers.test_template_xlsx import write_template_xlsx
from tests.importers.test_upr_info_states import NORWYA, PEUR
from tests.importers.upr_info_files import upr_row, write_csv

PEUR_COUNTRIES = PEUR.replace("To: ", "countries: ", 1)
DATE = "publication_date: '10/05/2023' is not a YYYY-MM-DD date"


def _stored(engine: Engine) -> dict[str, list[str]]:
    with engine.connect() as conn:
        rows = conn.execute(select(RejectedRecord.position, RejectedRecord.reason)).all()
    return {position: problems_of(reason) for position, reason in rows}


def test_a_template_row_rejected_for_its_fields_names_its_misspelt_state(
    engine: Engine, settings: Settings, tmp_path: Path
) -> None:
    rows = [
        {
            "mechanism": "ACHPR",
            "text": "Ensure access",
            "publication_date": "10/05/2023",
            "countries": "Peur",
        },
        {"mechanism": " ", "text": "Ensure water", "countries": "Peru; Peur"},
        {"mechanism": " ", "text": "Ensure roads", "countries": "Peru"},  # the instance's State: no more
        {"mechanism": "ACHPR", "text": "Other", "countries": "Peru"},
        {"mechanism": " ", "text": "Ensure schools", "countries": "Chile"},  # another State only
    ]
    peru = settings.model_copy(update={"country": "Peru"})

    run = import_csv_template(engine, peru, write_rows(tmp_path / "t.csv", rows))

    assert run.counts.created == 1
    reasons = {r.input_position: problems_of(r.reason) for r in run.rejections}
    assert reasons["row 2"][0].startswith(DATE) and reasons["row 2"][1:] == [PEUR_COUNTRIES]
    assert reasons["row 3"] == ["mechanism: empty"]  # it names Peru: the instance's own row
    assert reasons["row 4"] == ["mechanism: empty"]
    assert reasons["row 6"] == [
        "mechanism: empty",
        "about Chile, not Peru: this instance tracks Peru only "
        "(NRTD_COUNTRY); import it into a database of its own",
    ]
    assert _stored(engine)["row 2"][1:] == [PEUR_COUNTRIES]
    # The same from the template saved as a workbook.
    book = write_template_xlsx(
        tmp_path / "t.xlsx",
        [
            ["mechanism", "text", "publication_date", "countries"],
            ["ACHPR", "Ensure access", "10/05/2023", "Peur"],
        ],
    )
    (rejection,) = import_csv_template(engine, peru, book).rejections
    assert problems_of(rejection.reason)[1:] == [PEUR_COUNTRIES]
    # An instance of every State keeps any State a row names, as for an accepted row.
    everything = settings.model_copy(update={"country": ""})
    (alone,) = import_csv_template(engine, everything, write_rows(tmp_path / "one.csv", rows[:1])).rejections
    assert len(problems_of(alone.reason)) == 1


def test_a_upr_info_row_rejected_for_its_fields_names_its_misspelt_states(
    engine: Engine, settings: Settings, tmp_path: Path
) -> None:
    rows = [
        upr_row(text="Ratify the OPCAT", from_="Norwya", action="9"),
        upr_row(text="Ratify the CED", to="Peur", session=""),
        upr_row(text="Ratify the ICRMW", to="Chlie", from_="Norwya", action="9"),  # another State's
    ]
    path = write_csv(tmp_path / "upr-info.csv", rows)

    run = import_upr_info(engine, settings, path, country="Peru")

    reasons = {r.input_position: problems_of(r.reason) for r in run.rejections}
    assert reasons["row 2"] == ["Action: 9 is outside 1..5", NORWYA]
    assert reasons["row 3"] == ["Session: empty", PEUR]
    assert reasons["row 4"] == ["Action: 9 is outside 1..5"]  # another State's row: its States unchecked
    assert _stored(engine)["row 2"] == ["Action: 9 is outside 1..5", NORWYA]
