"""The CSV imports: a UPR Info export and the manual template. Neither is a full export of
anything, so neither withdraws; each takes the import lock and runs through ``run_record.execute_run``.
The UHRI import is ``importers/run.py``'s."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from sqlalchemy import Engine

from app.core.config import Settings
from app.feed import refusals
from app.feed.countries import CountryMatcher, closest_states, misspelt_state
from app.feed.records import Rejection, Skipped, SourceRecord
from app.feed.row_problems import joined, with_problems
from app.import_runs.lock import import_lock
from app.models.imports import TEMPLATE_WORKBOOK
from importers.progress import Progress, count_csv_rows
from importers.run_record import RunSpec, RunSummary, execute_run
from importers.scope import country_filter, known_country, scope_country
from importers.template_xlsx import is_workbook, read_template
from importers.upr_info_csv import read_upr_info_csv


def import_upr_info(
    engine: Engine,
    settings: Settings,
    path: Path,
    *,
    country: str | None = None,
    all_countries: bool = False,
    encoding: str | None = None,
    allow_empty: bool = False,
    progress: Progress | None = None,
    shown_as: str | None = None,
) -> RunSummary:
    """A UPR Info CSV: never a full export of anything, so it never withdraws."""
    country_name = scope_country(settings, country, all_countries)
    spec = RunSpec(
        "upr-info", "csv", str(path), country_name, False, ["en"], allow_empty=allow_empty, shown_as=shown_as
    )
    notes: list[str] = []  # the encoding assumed, when it had to be guessed; the rows above the header
    with import_lock(engine, ttl_seconds=settings.import_lock_ttl):
        if progress is not None:
            progress.expect(lambda: count_csv_rows(path))
        return execute_run(
            engine,
            spec,
            lambda up: up.consume(
                _states_checked(read_upr_info_csv(path, encoding, on_note=notes.append), country_name)
            ),
            progress=progress,
            notes=notes,
        )


def _states_checked(
    records: Iterable[SourceRecord | Rejection], country: str | None
) -> Iterator[SourceRecord | Rejection | Skipped]:
    """UPR Info rows whose State under review (``To``) or recommending State (``From``) is misspelt
    are rejected, naming the closest States: as written, "Norwya" would be a State of its own beside
    Norway, and "Peur" another State than Peru. A run of one State checks its own rows only (another
    State's row is passed over, typos and all), and rejects a row of another State only when that
    State is a misspelling of its own. A row rejected for its fields has its States checked too, by
    the same rule, and names them beside its other problems."""
    keep = country_filter(country)
    for record in records:
        if isinstance(record, Rejection):
            named = dict(record.states)
            found = _misspelt_upr_states(named.get("To", ""), [named.get("From", "")], keep, country)
            yield with_problems(record, found or [])
            continue
        if not isinstance(record, SourceRecord):
            yield record
            continue
        under_review = record.countries[0] if record.countries else ""
        found = _misspelt_upr_states(under_review, record.recommending_states, keep, country)
        if found is None:
            yield Skipped()
        else:
            yield Rejection(record.input_position, joined(found)) if found else record


def _misspelt_upr_states(
    under_review: str, recommending: list[str], keep: Callable[[list[str]], bool] | None, country: str | None
) -> list[str] | None:
    """Why a UPR Info row's States are refused (each misspelt one), or None for a row of another
    State than the run's, which is passed over."""
    if keep is not None and under_review and not keep([under_review]):
        if country in closest_states(under_review):
            return [misspelt_state(under_review, "To") or ""]
        return None
    named = [(under_review, "To")] + [(state, "From") for state in recommending if state]
    # Each misspelt State of the row, so that both are corrected in one go.
    return [why for label, field in named if (why := misspelt_state(label, field))]


def import_csv_template(
    engine: Engine,
    settings: Settings,
    path: Path,
    *,
    country: str | None = None,
    allow_empty: bool = False,
    progress: Progress | None = None,
    shown_as: str | None = None,
) -> RunSummary:
    """Manual recommendations, from the CSV template or the template saved as a workbook. An explicit
    ``country`` keeps that State's rows and skips the others.
    Without it, on an instance of one State (``NRTD_COUNTRY``), a row naming other States only is
    rejected with the reason (stored beside the instance's own, it would show on the portal and in
    the reports for good); a row naming no State is the instance's own. The template is never a
    full export: it never withdraws."""
    country_name = known_country(country, "--country") if country else None
    tracked = known_country(settings.country, "NRTD_COUNTRY") if settings.country.strip() else None
    if country_name is not None and country_name == tracked:
        # The instance's own State typed out (a cron line): its rule, not another State's filter, so
        # that the file imports as it does without the option.
        country_name = country = None
    workbook = is_workbook(path)  # the template saved as an .xlsx workbook
    own = tracked if not country else None
    spec = RunSpec(
        "manual",
        TEMPLATE_WORKBOOK if workbook else "csv",
        str(path),
        country_name,
        False,
        ["en"],
        allow_empty=allow_empty,
        shown_as=shown_as,
        own_state=own,
    )

    notes: list[str] = []  # the template's example rows passed over, the workbook's sheet read

    def rows() -> Iterator[SourceRecord | Rejection]:
        records = read_template(path, on_note=notes.append)
        return records if own is None else _own_state_only(records, own)

    with import_lock(engine, ttl_seconds=settings.import_lock_ttl):
        if progress is not None:
            # A translation on a row of its own counts too; a workbook is not counted before it is read.
            progress.expect(lambda: None if workbook else count_csv_rows(path))
        return execute_run(engine, spec, lambda up: up.consume(rows()), progress=progress, notes=notes)


def _own_state_only(
    records: Iterable[SourceRecord | Rejection], own: str
) -> Iterator[SourceRecord | Rejection]:
    """On an instance of one State, a row naming other States only is rejected, naming its misspelt
    States (a typo of the instance's own, most likely) or, when none is, the States it is about. A
    row rejected for its fields has its States checked too, by the same rule, and names them beside
    its other problems, so that the file is corrected in one go."""
    matches = CountryMatcher(own)
    for record in records:
        if isinstance(record, Rejection):
            countries = [label for column, label in record.states if column == "countries"]
            yield with_problems(record, _other_states(countries, matches, own))
        elif isinstance(record, SourceRecord) and (found := _other_states(record.countries, matches, own)):
            yield Rejection(record.input_position, joined(found), record.external_id)
        else:
            yield record


def _other_states(countries: list[str], matches: CountryMatcher, own: str) -> list[str]:
    """Why a template row's States keep it out of the instance's: each misspelt State, else the other
    States it is about; nothing for a row naming no State, or the instance's own."""
    if not countries or matches(countries):
        return []
    # A name close to a State's but none (a typo) is named as such, not as "another State".
    misspelt = [why for label in countries if (why := misspelt_state(label, "countries"))]
    return misspelt or [refusals.refusal(refusals.ANOTHER_STATE, states=", ".join(countries), own=own)]
