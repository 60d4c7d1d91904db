"""The ``nrtd`` command and the State it imports for (issue 9, first section): a country name that
names no State, a schedule without one, contradictory options, ISO codes and UHRI's names, another
State than the instance's, a State with no record. Against the test database (SQLite file or
PostgreSQL), as processes of their own or run in this process (``tests.cli_runner``)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from app.models import ImportRun
from tests.cli.test_cli import nrtd
from tests.cli.test_cli_safety import UNREACHABLE, one_line_no_traceback, recommendation_count
from tests.cli_runner import run_cli
from tests.conftest import ROOT
from tests.uhri_records import uhri_record, write_export


@pytest.mark.slow
def test_unknown_country_exits_2_naming_the_closest(
    engine: Engine, database_url: str, tmp_path: Path
) -> None:
    export = write_export(tmp_path / "e.json", [uhri_record(1)])
    typo = nrtd(database_url, "import", "uhri", str(export), "--country", "Peruu")
    assert typo.returncode == 2
    assert one_line_no_traceback(typo) == "--country: unknown country 'Peruu' (closest: Peru)"
    narnia = nrtd(database_url, "import", "uhri", str(export), NRTD_COUNTRY="Narnia")
    assert narnia.returncode == 2 and one_line_no_traceback(narnia).startswith("NRTD_COUNTRY: unknown")
    template = nrtd(database_url, "import", "csv", str(export), "--country", "Atlantis")
    assert template.returncode == 2 and "unknown country 'Atlantis'" in template.stderr
    export_typo = nrtd(database_url, "export", "csv", "-", "--country", "Narnia")
    assert export_typo.returncode == 2 and "unknown country 'Narnia'" in export_typo.stderr
    assert recommendation_count(engine) == 0


@pytest.mark.slow
def test_a_schedule_with_an_unknown_or_no_country_stops_serve(own_database: str) -> None:
    schedule = "0 3 * * *"
    typo = nrtd(own_database, "serve", "--port", "1", NRTD_COUNTRY="Narnia", NRTD_IMPORT_SCHEDULE=schedule)
    assert typo.returncode == 2
    assert one_line_no_traceback(typo).startswith("NRTD_COUNTRY: unknown country 'Narnia' (closest: ")
    none = nrtd(own_database, "serve", "--port", "1", NRTD_COUNTRY="", NRTD_IMPORT_SCHEDULE=schedule)
    assert none.returncode == 2 and "NRTD_IMPORT_SCHEDULE needs NRTD_COUNTRY" in none.stderr
    one_file = nrtd(
        own_database,
        "serve",
        "--port",
        "1",
        NRTD_COUNTRY="Peru",
        NRTD_IMPORT_SCHEDULE=schedule,
        NRTD_UHRI_URL="https://uhri.example.org/export-full-en.json",
        NRTD_UHRI_LANGUAGES="en,fr",
    )
    assert one_file.returncode == 2
    assert one_line_no_traceback(one_file).startswith(
        "NRTD_IMPORT_SCHEDULE: NRTD_UHRI_LANGUAGES names en,fr but NRTD_UHRI_URL holds no {lang}"
    )


def test_serve_refuses_a_country_that_names_no_state_without_a_schedule() -> None:
    """NRTD_COUNTRY was checked only with an import schedule: "Peruu" without one served pages,
    reports and exports naming a State that does not exist. It is refused at start, before the
    database is opened, naming the setting and the closest State."""
    # A database that refuses connections: a server that got past the settings stops there at once.
    typo = run_cli(
        ["serve", "--port", "1"],
        env={"NRTD_DATABASE_URL": UNREACHABLE, "NRTD_COUNTRY": "Peruu", "NRTD_IMPORT_SCHEDULE": ""},
    )
    assert typo.returncode == 2
    assert one_line_no_traceback(typo) == "NRTD_COUNTRY: unknown country 'Peruu' (closest: Peru)"


@pytest.mark.slow
def test_missing_country_and_contradictory_options_exit_2(
    engine: Engine, database_url: str, tmp_path: Path
) -> None:
    export = write_export(tmp_path / "e.json", [uhri_record(1)])
    missing = nrtd(database_url, "import", "uhri", str(export), NRTD_COUNTRY="")
    assert missing.returncode == 2 and "no country to import" in one_line_no_traceback(missing)
    both = nrtd(database_url, "import", "uhri", str(export), "--country", "PE", "--all-countries")
    assert both.returncode == 2 and "exclude each other" in one_line_no_traceback(both)
    upr = ROOT / "app/data/sample/upr-info-peru.csv"
    both_upr = nrtd(database_url, "import", "upr-info", str(upr), "--country", "Peru", "--all-countries")
    assert both_upr.returncode == 2 and "exclude each other" in both_upr.stderr
    assert recommendation_count(engine) == 0


@pytest.mark.slow
def test_iso_codes_and_uhri_names_are_accepted(engine: Engine, database_url: str, tmp_path: Path) -> None:
    bolivia = "Bolivia (Plurinational State of)"
    export = write_export(tmp_path / "e.json", [uhri_record(1), uhri_record(2, Countries=[bolivia])])
    result = nrtd(database_url, "import", "uhri", str(export), "--country", "PER", "--partial")
    assert result.returncode == 0, result.stderr
    # An instance that tracks no one State (NRTD_COUNTRY empty) takes any.
    result = nrtd(
        database_url, "import", "uhri", str(export), "--country", "BOL", "--partial", NRTD_COUNTRY=""
    )
    assert result.returncode == 0, result.stderr
    with engine.connect() as conn:
        assert [run.country for run in conn.execute(select(ImportRun).order_by(ImportRun.id))] == [
            "Peru",
            bolivia,
        ]
    assert recommendation_count(engine) == 2


@pytest.mark.slow
def test_another_state_than_the_instances_is_refused(
    engine: Engine, database_url: str, tmp_path: Path
) -> None:
    """NRTD_COUNTRY names the State this instance tracks: --country naming another would store that
    State's recommendations beside its own, for good. Refused before anything is read."""
    chile = write_export(tmp_path / "e.json", [uhri_record(1, Countries=["Chile"])])
    template = tmp_path / "t.csv"
    template.write_text("external_id,mechanism,text\n", encoding="utf-8")
    upr = ROOT / "app/data/sample/upr-info-peru.csv"
    for args in (("uhri", str(chile)), ("upr-info", str(upr)), ("csv", str(template))):
        refused = nrtd(database_url, "import", *args, "--country", "CL")
        assert refused.returncode == 2, (args, refused.stderr)
        said = " ".join(refused.stderr.split())
        assert "--country CL: this instance tracks Peru (NRTD_COUNTRY), and Chile's recommendations" in said
    # Every State at once stored the other States' too: the sample's 33 beside Peru's 47, exit 0.
    for args in (("uhri", str(chile)), ("upr-info", str(upr))):
        every = nrtd(database_url, "import", *args, "--all-countries")
        assert every.returncode == 2, (args, every.stderr)
        said = " ".join(every.stderr.split())
        assert "--all-countries: this instance tracks Peru (NRTD_COUNTRY), and the other States'" in said
        assert "with NRTD_COUNTRY empty" in said
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(ImportRun)).scalar_one() == 0
    assert recommendation_count(engine) == 0
    same = nrtd(database_url, "import", "uhri", str(chile), "--country", "PE", "--allow-empty")
    assert same.returncode == 0, same.stderr  # Peru by its code: the instance's own State


@pytest.mark.slow
def test_a_known_country_with_no_record_fails_unless_allowed(
    engine: Engine, database_url: str, tmp_path: Path
) -> None:
    export = write_export(tmp_path / "e.json", [uhri_record(n) for n in range(1, 6)])
    nothing = nrtd(database_url, "import", "uhri", str(export), "--country", "Chile", NRTD_COUNTRY="Chile")
    assert nothing.returncode == 1
    assert "none of the 5 records read concerns Chile" in nothing.stderr
    assert "--allow-empty" in nothing.stderr
    with engine.connect() as conn:
        assert conn.execute(select(ImportRun.outcome)).scalar_one() == "failed"
    allowed = nrtd(
        database_url,
        "import",
        "uhri",
        str(export),
        "--country",
        "Chile",
        "--allow-empty",
        NRTD_COUNTRY="Chile",
    )
    assert allowed.returncode == 0, allowed.stderr
    assert "skipped 5, created 0" in allowed.stdout
