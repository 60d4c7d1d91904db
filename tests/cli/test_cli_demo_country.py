"""``nrtd demo load --country``: checked before anything else. ``--country Bolivia`` on a demo of Peru
(NRTD_COUNTRY=Peru) loaded Bolivia's sample records into it, and ``--country Narnia`` on a database
holding records said that it already held them, not that no State is called so."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from app.cli.demo import SAMPLE_EXPORT
from app.feed.countries import resolve_country_alias
from app.models import Recommendation, RecommendationTerm, Term
from tests.cli.test_cli import nrtd
from tests.uhri_records import snapshot, uhri_record, write_export


def test_another_state_than_the_instances_is_not_loaded(engine: Engine, database_url: str) -> None:
    before = snapshot(engine)
    result = nrtd(database_url, "demo", "load", "--country", "Bolivia", NRTD_DEMO="true")
    assert result.returncode == 2, result.stdout + result.stderr
    assert "--country Bolivia: this instance tracks Peru (NRTD_COUNTRY)" in result.stderr
    assert snapshot(engine) == before


def test_an_unknown_state_is_named_so_on_a_database_with_records(own_database: str, tmp_path: Path) -> None:
    export = write_export(tmp_path / "real.json", [uhri_record(1)])
    assert nrtd(own_database, "import", "uhri", str(export)).returncode == 0
    result = nrtd(own_database, "demo", "load", "--country", "Narnia", NRTD_DEMO="true", NRTD_COUNTRY="")
    assert result.returncode == 2, result.stdout + result.stderr
    assert result.stderr.startswith("--country: ")
    assert "already holds" not in result.stderr


def _sample_records_of(state: str) -> int:
    records = json.loads(Path(str(SAMPLE_EXPORT).format(lang="en")).read_text(encoding="utf-8"))
    return sum(1 for item in records if state in {resolve_country_alias(c) for c in item["Countries"]})


def test_without_country_the_instances_state_is_loaded(engine: Engine, database_url: str) -> None:
    """It loaded Peru's records into a demo of Chile (NRTD_COUNTRY=Chile): the portal of Chile showed
    Peru's recommendations."""
    result = nrtd(database_url, "demo", "load", NRTD_DEMO="true", NRTD_COUNTRY="Chile")
    assert result.returncode == 0, result.stdout + result.stderr
    with Session(engine) as session:
        stored = session.scalars(select(Recommendation.id)).all()
        chile = session.scalars(
            select(RecommendationTerm.recommendation_id)
            .join(Term, Term.id == RecommendationTerm.term_id)
            .where(RecommendationTerm.role == "country", Term.label == "Chile")
        ).all()
        sources = set(session.scalars(select(Recommendation.source)))
    assert len(stored) == _sample_records_of("Chile") > 0
    assert set(stored) == set(chile) and sources == {"uhri"}  # UPR Info's sample rows are Peru's


def test_a_state_the_sample_holds_nothing_for_is_refused_naming_those_it_has(
    engine: Engine, database_url: str
) -> None:
    before = snapshot(engine)
    result = nrtd(database_url, "demo", "load", NRTD_DEMO="true", NRTD_COUNTRY="Japan")
    assert result.returncode == 2, result.stdout + result.stderr
    assert result.stderr.startswith(
        "NRTD_COUNTRY: the sample holds no recommendation to Japan, only to Peru, "
    )
    assert snapshot(engine) == before
