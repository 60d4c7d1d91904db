"""The CSV imports: a UPR Info export and the manual template. Neither is a full export of
anything, so neither withdraws; each takes the import lock and runs through ``run_record.execute_run``.
The UHRI import is ``importers/run.py``'s."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

from sqlalchemy import Engine

from app.core.config import Settings
from app.feed import refusals
from app.feed.countries import CountryMatcher, closest_states, misspelt_state
from app.feed.records import Rejection, Skipped, SourceRecord
from app.feed.row_problems import joined
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
    notes: list[str] = []  # the encoding assumed, when it had to be guessed
    with import_lock(engine, ttl_seconds=settings.import_lock_ttl):
        if progress is not None:
            progress.expect(lambda: count_csv_rows(path))
        return execute_run(
            engine,
            spec,
            lambda up: up.consume(
                _states_checked(read_upr_info_csv(path, encoding, on_guess=notes.append), country_name)
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
    State is a misspelling of its own."""
    keep = country_filter(country)
    for record in records:
        if not isinstance(record, SourceRecord):
            yield record
            continue
        under_review = record.countries[0] if record.countries else ""
        if keep is not None and not keep(record.countries):
            if country in closest_states(under_review):
                yield Rejection(record.input_position, misspelt_state(under_review, "To") or "")
            else:
                yield Skipped()
            continue
        named = [(under_review, "To")] + [(state, "From") for state in record.recommending_states]
        # Each misspelt State of the row, so that both are corrected in one go.
        reasons = [why for label, field in named if (why := misspelt_state(label, field))]
        yield Rejection(record.input_position, joined(reasons)) if reasons else record


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
    workbook = is_workbook(path)  # the template saved as an .xlsx workbook
    spec = RunSpec(
        "manual",
        TEMPLATE_WORKBOOK if workbook else "csv",
        str(path),
        country_name,
        False,
        ["en"],
        allow_empty=allow_empty,
        shown_as=shown_as,
    )
    own = (
        known_country(settings.country, "NRTD_COUNTRY") if settings.country.strip() and not country else None
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
    matches = CountryMatcher(own)
    for record in records:
        if isinstance(record, SourceRecord) and record.countries and not matches(record.countries):
            # A name close to a State's but none (a typo) is named as such, not as "another State".
            misspelt = [why for label in record.countries if (why := misspelt_state(label, "countries"))]
            reason = joined(misspelt) if misspelt else None
            reason = reason or refusals.refusal(
                refusals.ANOTHER_STATE, states=", ".join(record.countries), own=own
            )
            yield Rejection(record.input_position, reason, record.external_id)
        else:
            yield record
