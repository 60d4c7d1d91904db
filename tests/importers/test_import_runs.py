"""The import run end to end on the real test database: upsert, revisions, withdrawals, failures."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, event, func, select

from app.core.config import Settings
from app.core.errors import ImportFailed, ImportLocked
from app.import_runs.lock import import_lock
from app.models import ImportRun, Recommendation, RecommendationText, RejectedRecord, Revision
from importers.csv_runs import import_csv_template, import_upr_info
from importers.pipeline.records import BATCH_SIZE
from importers.run import import_uhri
from tests.uhri_records import snapshot, uhri_record, write_export


@contextmanager
def count_writes(engine: Engine) -> Iterator[list[str]]:
    """Collect the data-changing statements issued on the engine."""
    writes: list[str] = []

    def before(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        verb = statement.lstrip().split(" ", 1)[0].upper()
        if verb in ("INSERT", "UPDATE", "DELETE"):
            writes.append(statement)

    event.listen(engine, "before_cursor_execute", before)
    try:
        yield writes
    finally:
        event.remove(engine, "before_cursor_execute", before)


def _count(engine: Engine, model: Any) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(model)).scalar_one())


def test_country_filter_and_idempotent_reimport(engine: Engine, settings: Settings, tmp_path: Path) -> None:
    records = [uhri_record(n) for n in range(1, 6)]
    records.append(uhri_record(6, Countries=["Chile"]))
    records.append(uhri_record(7, Countries=["PE"]))  # 2-letter stub of the tracked country
    records.append(uhri_record(8, Countries=[]))
    export = write_export(tmp_path / "export.json", records)

    first = import_uhri(engine, settings, str(export))
    assert first.outcome == "succeeded"
    assert (first.counts.read, first.counts.created, first.counts.skipped) == (8, 6, 2)

    before = snapshot(engine, skip=("import_leases", "import_runs"))
    with count_writes(engine) as writes:
        second = import_uhri(engine, settings, str(export))
    assert (second.counts.unchanged, second.counts.created, second.counts.updated) == (6, 0, 0)
    assert snapshot(engine, skip=("import_leases", "import_runs")) == before
    # Only the run's own record (and the SQLite lease) is written.
    assert all("import_runs" in w or "import_leases" in w for w in writes), writes


def test_change_keeps_revision_and_sets_needs_review(
    engine: Engine, settings: Settings, tmp_path: Path
) -> None:
    import_uhri(engine, settings, str(write_export(tmp_path / "a.json", [uhri_record(1), uhri_record(2)])))
    changed = uhri_record(
        1, Text="<p>1. The Committee urges the State party to act now.</p>", Themes=["Right to health"]
    )
    run = import_uhri(engine, settings, str(write_export(tmp_path / "b.json", [changed, uhri_record(2)])))
    assert (run.counts.updated, run.counts.unchanged) == (1, 1)
    with engine.connect() as conn:
        rec = conn.execute(
            select(Recommendation).where(Recommendation.external_id == changed["AnnotationId"])
        ).one()
        assert rec.needs_review is True
        revision = conn.execute(select(Revision.changes, Revision.import_run_id)).one()
        assert revision.import_run_id == run.run_id
        assert revision.changes["texts.en"]["new"] == changed["Text"]
        assert revision.changes["theme"]["old"] == [
            "Participation of women in political & public life",
            "Right to health",
        ]
        text = conn.execute(
            select(RecommendationText.text).where(RecommendationText.recommendation_id == rec.id)
        )
        assert text.scalar_one() == "1. The Committee urges the State party to act now."


def test_missing_record_is_withdrawn_then_restored(
    engine: Engine, settings: Settings, tmp_path: Path
) -> None:
    import_uhri(engine, settings, str(write_export(tmp_path / "a.json", [uhri_record(1), uhri_record(2)])))
    # 1 of 2 is more than NRTD_IMPORT_MAX_WITHDRAW_SHARE: the operator confirms it.
    run = import_uhri(
        engine, settings, str(write_export(tmp_path / "b.json", [uhri_record(1)])), allow_withdraw=True
    )
    assert run.counts.withdrawn == 1
    with engine.connect() as conn:
        gone = conn.execute(select(Recommendation).where(Recommendation.withdrawn.is_(True))).one()
        assert gone.external_id == uhri_record(2)["AnnotationId"]
        assert gone.needs_review is True
    assert _count(engine, Recommendation) == 2  # never deleted
    back = import_uhri(
        engine, settings, str(write_export(tmp_path / "c.json", [uhri_record(1), uhri_record(2)]))
    )
    assert back.counts.updated == 1
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).where(Recommendation.withdrawn.is_(True))).scalar_one() == 0


def test_partial_export_never_withdraws(engine: Engine, settings: Settings, tmp_path: Path) -> None:
    import_uhri(engine, settings, str(write_export(tmp_path / "a.json", [uhri_record(1), uhri_record(2)])))
    run = import_uhri(
        engine, settings, str(write_export(tmp_path / "b.json", [uhri_record(1)])), partial=True
    )
    assert run.counts.withdrawn == 0


def test_empty_export_is_refused_instead_of_withdrawing_everything(
    engine: Engine, settings: Settings, tmp_path: Path
) -> None:
    import_uhri(engine, settings, str(write_export(tmp_path / "a.json", [uhri_record(1), uhri_record(2)])))
    before = snapshot(engine, skip=("import_leases", "import_runs"))
    run = import_uhri(engine, settings, str(write_export(tmp_path / "b.json", [])))
    assert run.outcome == "failed"
    assert run.message and "refusing to withdraw 2" in run.message
    assert snapshot(engine, skip=("import_leases", "import_runs")) == before


@pytest.mark.parametrize(
    ("kind", "content"),
    [
        ("uhri", b"[]"),
        ("upr-info", b"To,To-Rgrp,To-Org,Text,From,From-Rgrp,From-Org,Response,Action,Issue,Session\r\n"),
        ("csv", b"mechanism,text,countries\r\n,,\r\n"),
    ],
)
def test_a_file_holding_no_record_fails_unless_allowed(
    engine: Engine, settings: Settings, tmp_path: Path, kind: str, content: bytes
) -> None:
    """A header row and nothing below it (an empty search, rows filtered out before saving), or an
    empty array: the run "succeeded" having read nothing, as if the file had been imported."""
    path = tmp_path / ("export.json" if kind == "uhri" else "rows.csv")
    path.write_bytes(content)

    def run(allow_empty: bool) -> Any:
        if kind == "uhri":
            return import_uhri(engine, settings, str(path), partial=True, allow_empty=allow_empty)
        if kind == "upr-info":
            return import_upr_info(engine, settings, path, allow_empty=allow_empty)
        return import_csv_template(engine, settings, path, allow_empty=allow_empty)

    refused = run(allow_empty=False)
    assert refused.outcome == "failed"
    assert refused.message is not None
    assert "the file holds no record: nothing was imported" in refused.message
    assert "--allow-empty" in refused.message
    assert run(allow_empty=True).outcome == "succeeded"


@pytest.mark.parametrize(
    "content",
    [
        b'[{"AnnotationId": "x", "Text": "<p>1. unfinished',  # truncated
        b'{"not": "an array"}',
        b"\xff\xfe not json at all",
    ],
)
def test_malformed_file_fails_and_writes_nothing(
    engine: Engine, settings: Settings, tmp_path: Path, content: bytes
) -> None:
    import_uhri(engine, settings, str(write_export(tmp_path / "a.json", [uhri_record(1)])))
    before = snapshot(engine, skip=("import_leases", "import_runs"))
    bad = tmp_path / "bad.json"
    bad.write_bytes(content)
    run = import_uhri(engine, settings, str(bad))
    assert run.outcome == "failed"
    assert snapshot(engine, skip=("import_leases", "import_runs")) == before
    with engine.connect() as conn:
        failed = conn.execute(select(ImportRun).where(ImportRun.id == run.run_id)).one()
    assert failed.outcome == "failed" and failed.message


def test_bad_records_are_rejected_and_the_run_goes_on(
    engine: Engine, settings: Settings, tmp_path: Path
) -> None:
    records = [
        uhri_record(1),
        uhri_record(2, AnnotationId=None),
        uhri_record(3, Text="   "),
        uhri_record(4, Countries="Peru"),  # a string where a list belongs
        uhri_record(5, Text="<p>5. Fine <script>alert('x')</script>text.</p>"),
        uhri_record(1),  # duplicate id
        uhri_record(6, Sdgs=["18 - NOT A GOAL"]),
    ]
    run = import_uhri(engine, settings, str(write_export(tmp_path / "a.json", records)))
    assert run.outcome == "succeeded"
    assert (run.counts.created, run.counts.rejected) == (2, 5)
    with engine.connect() as conn:
        reasons = dict(conn.execute(select(RejectedRecord.position, RejectedRecord.reason)).all())
        texts = conn.execute(select(RecommendationText.text)).scalars().all()
    assert set(reasons) == {"record 2", "record 3", "record 4", "record 6", "record 7"}
    assert "duplicate" in reasons["record 6"]
    assert "AnnotationId" in reasons["record 2"]
    assert "5. Fine text." in texts
    assert not any("alert" in text for text in texts)


def test_secondary_language_is_merged_on_annotation_id(
    engine: Engine, settings: Settings, tmp_path: Path
) -> None:
    write_export(tmp_path / "export-en.json", [uhri_record(1), uhri_record(2)])
    write_export(
        tmp_path / "export-fr.json",
        [uhri_record(1, Text="<p>1. Le Comité recommande aux élèves.</p>"), uhri_record(9)],
    )
    run = import_uhri(engine, settings, str(tmp_path / "export-{lang}.json"), languages=["en", "fr"])
    assert run.outcome == "succeeded", run.message
    with engine.connect() as conn:
        langs = conn.execute(select(RecommendationText.lang, RecommendationText.text)).all()
    assert ("fr", "1. Le Comité recommande aux élèves.") in langs
    assert sum(1 for lang, _ in langs if lang == "fr") == 1  # record 9 is not in the English export


def test_a_language_added_later_counts_its_records_as_updated(
    engine: Engine, settings: Settings, tmp_path: Path
) -> None:
    # The French texts added to records imported in English were counted "unchanged".
    write_export(tmp_path / "export-en.json", [uhri_record(1), uhri_record(2)])
    write_export(tmp_path / "export-fr.json", [uhri_record(1, Text="<p>1. Le Comité recommande.</p>")])
    assert import_uhri(engine, settings, str(tmp_path / "export-en.json")).outcome == "succeeded"
    write_export(tmp_path / "export-en.json", [uhri_record(1), uhri_record(2), uhri_record(3)])
    write_export(
        tmp_path / "export-fr.json",
        [uhri_record(1, Text="<p>1. Le Comité recommande.</p>"), uhri_record(3, Text="<p>3. Le Comité.</p>")],
    )
    both = import_uhri(engine, settings, str(tmp_path / "export-{lang}.json"), languages=["en", "fr"])
    # Record 3, created by the run with both its texts, is created only (not "updated, unchanged -1").
    counts = (both.counts.created, both.counts.updated, both.counts.unchanged)
    assert counts == (1, 1, 1), both.message
    again = import_uhri(engine, settings, str(tmp_path / "export-{lang}.json"), languages=["en", "fr"])
    assert (again.counts.created, again.counts.updated, again.counts.unchanged) == (0, 0, 3), again.message


def test_missing_country_setting_is_a_clear_error(engine: Engine, database_url: str, tmp_path: Path) -> None:
    settings = Settings(database_url=database_url, country="")
    with pytest.raises(ImportFailed, match="NRTD_COUNTRY"):
        import_uhri(engine, settings, str(write_export(tmp_path / "a.json", [uhri_record(1)])))


def test_only_one_import_at_a_time(engine: Engine, settings: Settings, tmp_path: Path) -> None:
    export = write_export(tmp_path / "a.json", [uhri_record(1)])
    with import_lock(engine, ttl_seconds=60), pytest.raises(ImportLocked):
        import_uhri(engine, settings, str(export))
    assert import_uhri(engine, settings, str(export)).outcome == "succeeded"


def test_a_run_failing_part_way_records_no_write(engine: Engine, settings: Settings, tmp_path: Path) -> None:
    """A file cut short after whole batches had been written in the run's transaction: the run
    recorded what it had written before the failure ("created 4000" for an export cut at record
    30,001), which the run's page and the command line showed though the transaction was rolled back.
    It now records how far it read and no write."""
    whole = write_export(tmp_path / "whole.json", [uhri_record(n) for n in range(1, BATCH_SIZE + 11)])
    cut = tmp_path / "cut.json"
    cut.write_bytes(whole.read_bytes()[:-200])
    run = import_uhri(engine, settings, str(cut))
    assert run.outcome == "failed"
    assert run.counts.read >= BATCH_SIZE
    assert (run.counts.created, run.counts.updated, run.counts.withdrawn, run.counts.unchanged) == (
        0,
        0,
        0,
        0,
    )
    assert _count(engine, Recommendation) == 0
    with engine.connect() as conn:
        stored = conn.execute(select(ImportRun).where(ImportRun.id == run.run_id)).one()
    assert stored.read == run.counts.read and stored.created == 0
    assert "created 0" in run.line()
