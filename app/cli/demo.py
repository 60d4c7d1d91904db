"""``nrtd demo load``: the bundled synthetic sample (app/data/sample/README.md), for the State the demo
instance tracks."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from app.cli.common import (
    EXIT_USAGE,
    Group,
    country_given,
    database,
    known_country,
    say,
    settings_or_exit,
    this_state_only,
)
from app.cli.imports import finish
from app.core.counts import count_of

demo_cli = typer.Typer(
    cls=Group, help="The demo instance of `make run` (NRTD_DEMO=true).", rich_markup_mode=None
)

# The bundled synthetic feed; `nrtd demo load` is its only way in.
SAMPLE_EXPORT = Path(__file__).resolve().parent.parent / "data" / "sample" / "export-full-{lang}.json"
# Its UPR Info rows (Peru's, Windows-1252 as UPR Info's own exports): the demo shows one
# recommendation from two sources, linked (docs/sources.md).
SAMPLE_UPR_INFO = SAMPLE_EXPORT.parent / "upr-info-peru.csv"
SAMPLE_UPR_INFO_STATE = "Peru"


def sample_states() -> list[str]:
    """The States the sample holds recommendations to, by their UHRI names, most records first."""
    from app.feed.countries import resolve_country_alias

    records = json.loads(Path(str(SAMPLE_EXPORT).format(lang="en")).read_text(encoding="utf-8"))
    counts: dict[str, int] = {}
    for item in records:
        for label in item.get("Countries") or []:
            state = resolve_country_alias(label)
            counts[state] = counts.get(state, 0) + 1
    return sorted(counts, key=lambda state: (-counts[state], state))


def _state_to_load(country: str | None, tracked: str) -> str:
    """The State whose sample records are loaded: ``--country``'s, else the instance's (NRTD_COUNTRY),
    else Peru, the sample's own; exit 2 when the sample holds none of its recommendations."""
    if country is not None:
        state, origin = known_country(country), f"--country {country}"
    elif tracked.strip():
        state, origin = known_country(tracked, "NRTD_COUNTRY"), "NRTD_COUNTRY"
    else:
        return SAMPLE_UPR_INFO_STATE
    held = sample_states()
    if state not in held:
        say(
            f"{origin}: the sample holds no recommendation to {state}, only to {', '.join(held)}. "
            "Load it into a demo instance of one of these (NRTD_COUNTRY and a database of its own), "
            f"or import {state}'s own records (nrtd import uhri)",
            "red",
        )
        raise typer.Exit(EXIT_USAGE)
    return state


@demo_cli.command("load", short_help="Load the bundled synthetic sample into a demo database.")
def demo_load_cmd(
    country: Annotated[
        str | None,
        typer.Option("--country", help="The sample's State to load (default: NRTD_COUNTRY's, else Peru)"),
    ] = None,
) -> None:
    """Load the bundled synthetic sample, only into a demo database (NRTD_DEMO=true) holding no
    recommendation yet; a database with records is left as it is (exit 0). The State loaded is
    ``--country``'s, else the instance's (NRTD_COUNTRY), else Peru. Checked first: a State no name of
    which is known, another than NRTD_COUNTRY's, or one the sample holds nothing for exits 2."""
    from sqlalchemy import func, select

    from app.cli.demo_work import add_demo_work, enter_deadlines
    from app.core.time_zone import local_today
    from app.models import Recommendation
    from importers.csv_runs import import_upr_info
    from importers.run import import_uhri

    settings = settings_or_exit()
    if not settings.demo:
        say(
            "the sample is synthetic and only for a demo instance: set NRTD_DEMO=true and a database of "
            "its own (make run uses sqlite:///./demo.db)",
            "red",
        )
        raise typer.Exit(EXIT_USAGE)
    country_given(country)
    if country is not None:
        known_country(country)  # an unknown State is named as such, whatever the database holds
        this_state_only(settings, country)
    state = _state_to_load(country, settings.country)
    engine = database()
    with engine.connect() as conn:
        stored = conn.execute(select(func.count()).select_from(Recommendation)).scalar_one()
    if stored:
        say(f"the database already holds {count_of(stored, 'recommendation')}: the sample is not loaded")
        return
    finish(
        lambda progress: import_uhri(
            engine, settings, str(SAMPLE_EXPORT), country=state, languages=["en", "fr"], progress=progress
        )
    )
    if state == SAMPLE_UPR_INFO_STATE:  # the same recommendations from UPR Info
        finish(
            lambda progress: import_upr_info(
                engine, settings, SAMPLE_UPR_INFO, country=state, encoding="cp1252", progress=progress
            )
        )
    today = local_today()  # where the instance is (settings_or_exit set the process's zone)
    followed = add_demo_work(engine, today)
    if followed:
        say(
            "added the demo's implementation work, published: 2 ministries, a cluster, an action with "
            f"its indicator and progress report, {count_of(followed, 'recommendation')} followed"
        )
    entered = enter_deadlines(engine, state, today)
    say(f"entered {count_of(entered, 'published deadline')} in the calendar")
