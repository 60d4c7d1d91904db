"""A UHRI AnnotationId is a UUID, which is case-insensitive: the same record spelt in capitals (a
spreadsheet's upper-case formula, a hand-made file) or with spaces around it is the same record on
every import, never a second recommendation."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, func, select, update
from sqlalchemy.orm import Session

from app.core.config import Settings
from app.models import Cluster, ClusterRecommendation, Recommendation
from app.models.local import RecommendationEntity, RecommendationLocal, StatusChange
from app.models.plan import Action, ActionRecommendation
from importers.run import import_uhri
from tests.accounts import create_entity
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


OTHER = "5d1c3a0e-7f7e-4b8a-9c61-2f1e5b7a9d20"


def _stored_twice(engine: Engine, settings: Settings, tmp_path: Path) -> tuple[Path, int, int]:
    """The same UHRI record stored twice, as an older release could leave it: once under its id in
    lower case, once in capitals (a second record renamed so, since a release that matches ids in
    any case stores no such pair). Returns the export of the lower-case one, and the two rows' ids."""
    both = write_export(
        tmp_path / "both.json",
        [uhri_record(1, AnnotationId=LOWER), uhri_record(2, AnnotationId=OTHER)],
    )
    assert import_uhri(engine, settings, str(both), country="Peru").outcome == "succeeded"
    with engine.begin() as conn:
        conn.execute(
            update(Recommendation)
            .where(Recommendation.external_id == OTHER)
            .values(external_id=LOWER.upper())
        )
        ids = dict(conn.execute(select(Recommendation.external_id, Recommendation.id)).all())
    return (
        write_export(tmp_path / "export-full-en.json", [uhri_record(1, AnnotationId=LOWER)]),
        ids[LOWER],
        ids[LOWER.upper()],
    )


def test_a_record_stored_twice_in_two_spellings_is_merged_keeping_its_work(
    engine: Engine, settings: Settings, tmp_path: Path
) -> None:
    """The next import keeps one record (the one spelt as the feed spells it), with the work done on
    the other (status, priority, clusters, actions, ministries); the other is withdrawn, not deleted."""
    export, kept, twin = _stored_twice(engine, settings, tmp_path)
    health = create_entity(engine, "Ministry of Health")
    with Session(engine) as session, session.begin():
        session.add(RecommendationLocal(recommendation_id=twin, priority="high", status="in_progress"))
        session.add(StatusChange(recommendation_id=twin, old_status=None, new_status="in_progress"))
        cluster = Cluster(name="Health")
        action = Action(title="Train health workers")
        session.add_all([cluster, action])
        session.flush()
        session.add(ClusterRecommendation(cluster_id=cluster.id, recommendation_id=twin))
        session.add(ActionRecommendation(action_id=action.id, recommendation_id=twin))
        session.add(RecommendationEntity(recommendation_id=kept, entity_id=health, responsibility="lead"))

    run = import_uhri(engine, settings, str(export), country="Peru")

    assert run.outcome == "succeeded", run.message
    assert live_count(engine) == 1
    assert "1 record stored twice under ids differing only in case merged" in (run.message or "")
    with engine.connect() as conn:
        live = conn.execute(select(Recommendation.id).where(Recommendation.withdrawn.is_(False))).scalar_one()
        local = conn.execute(select(RecommendationLocal.recommendation_id, RecommendationLocal.status)).one()
        clusters = conn.execute(select(ClusterRecommendation.recommendation_id)).scalars().all()
        actions = conn.execute(select(ActionRecommendation.recommendation_id)).scalars().all()
        entities = conn.execute(select(RecommendationEntity.recommendation_id)).scalars().all()
        history = conn.execute(select(StatusChange.recommendation_id)).scalars().all()
        twin_row = conn.execute(select(Recommendation).where(Recommendation.id == twin)).one()
    assert live == kept
    assert tuple(local) == (kept, "in_progress")
    assert clusters == actions == entities == history == [kept]
    assert twin_row.withdrawn and twin_row.external_id == LOWER.upper()  # kept, hidden

    # Nothing left to merge: the next run says nothing of it.
    again = import_uhri(engine, settings, str(export), country="Peru")
    assert again.outcome == "succeeded" and "twice" not in (again.message or "")
    assert live_count(engine) == 1


def test_two_spellings_both_worked_on_stay_for_a_person_to_settle(
    engine: Engine, settings: Settings, tmp_path: Path
) -> None:
    """When both rows hold a status of their own, neither is overwritten: the memberships move, the
    twin stays listed, both marked for review, and the run names them."""
    export, kept, twin = _stored_twice(engine, settings, tmp_path)
    with Session(engine) as session, session.begin():
        session.add(RecommendationLocal(recommendation_id=twin, priority="high", status="in_progress"))
        session.add(RecommendationLocal(recommendation_id=kept, priority="low", status="implemented"))

    run = import_uhri(engine, settings, str(export), country="Peru")

    assert run.outcome == "succeeded", run.message
    assert live_count(engine) == 2
    assert f"record {twin} (id '{LOWER.upper()}') is record {kept} stored twice" in (run.message or "")
    with engine.connect() as conn:
        statuses = dict(
            conn.execute(select(RecommendationLocal.recommendation_id, RecommendationLocal.status)).all()
        )
        review = (
            conn.execute(
                select(Recommendation.id)
                .where(Recommendation.needs_review.is_(True))
                .order_by(Recommendation.id)
            )
            .scalars()
            .all()
        )
    assert statuses == {kept: "implemented", twin: "in_progress"}
    assert review == sorted([kept, twin])
