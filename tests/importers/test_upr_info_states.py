"""A UPR Info row whose State is misspelt: as written, "Norwya" was stored as a recommending State of
its own beside Norway, and "Peur" passed over as another State's row, silently. The import rejects
such a row, naming the value and the closest States, among the rows it keeps; another State's rows
are none of a one-State run's business, typos included."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, select

from app.core.config import Settings
from app.models import Term
from importers.csv_runs import import_upr_info
from tests.importers.upr_info_files import upr_row, write_csv

NORWYA = (
    "From: 'Norwya' is no State this import knows (closest: Norway; Andorra): write the State as UHRI "
    "spells it, in a UN language, or as its ISO code (NO for Norway)"
)
PEUR = (
    "To: 'Peur' is no State this import knows (closest: Peru): write the State as UHRI spells it, in a "
    "UN language, or as its ISO code (PE for Peru)"
)


def states(engine: Engine) -> set[str]:
    with engine.connect() as conn:
        return set(conn.execute(select(Term.label).where(Term.kind == "state")).scalars())


def test_a_misspelt_state_rejects_its_row_naming_the_closest(
    engine: Engine, settings: Settings, tmp_path: Path
) -> None:
    rows = [
        upr_row(text="Ratify the OPCAT", from_="Norwya"),
        upr_row(text="Ratify the CED", to="Peur"),
        upr_row(text="Ratify the ICRMW", from_="&#40;Unknown&#41;"),  # no State's name: kept as written
        upr_row(text="Ratify the Istanbul Convention", to="Chlie", from_="Norwya"),  # another State's
        upr_row(text="Abolish the death penalty", from_="Korea (Republic of)"),
    ]
    path = write_csv(tmp_path / "upr-info.csv", rows)

    run = import_upr_info(engine, settings, path, country="Peru")

    assert run.outcome == "succeeded", run.message
    assert [(r.input_position, r.reason) for r in run.rejections] == [("row 2", NORWYA), ("row 3", PEUR)]
    assert (run.counts.created, run.counts.rejected, run.counts.skipped) == (2, 2, 1)
    assert "Norwya" not in states(engine) and "Peur" not in states(engine)

    # A run of every State checks every row.
    everything = import_upr_info(
        engine, settings.model_copy(update={"country": ""}), path, all_countries=True
    )
    assert [r.input_position for r in everything.rejections] == ["row 2", "row 3", "row 5"]
    # A row with two misspelt States names both (it named the first only).
    (both,) = [r for r in everything.rejections if r.input_position == "row 5"]
    assert both.reason.split("\n") == [
        "To: 'Chlie' is no State this import knows (closest: China; Chile; Cyprus): write the State as UHRI "
        "spells it, in a UN language, or as its ISO code (CN for China)",
        NORWYA,
    ]
