"""The schema comes only from the migrations, and they agree with the models."""

from __future__ import annotations

import ast
import json
import unicodedata
from datetime import UTC, datetime
from pathlib import Path

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, func, inspect, select, text
from sqlalchemy.orm import Session

from app.core.migrations import alembic_config
from app.feed.sdg import sdg_entries
from app.models import Base, Cluster, DeadlineCompletion, FollowUpReply, Recommendation
from app.models.base import include_object
from app.models.local import RecommendationLocal
from tests.accounts import create_user
from tests.factories import ids_by_external_id, import_records, record
from tests.followup.documents import CRC, crc_document


def test_models_and_migrations_agree(migrated_engine: Engine) -> None:
    with migrated_engine.connect() as conn:
        context = MigrationContext.configure(
            conn,
            opts={"include_object": include_object, "compare_type": True, "target_metadata": Base.metadata},
        )
        diff = compare_metadata(context, Base.metadata)
    assert diff == []


def test_search_index_exists_for_the_dialect(migrated_engine: Engine) -> None:
    inspector = inspect(migrated_engine)
    if migrated_engine.dialect.name == "sqlite":
        assert "recommendation_fts" in inspector.get_table_names()
    else:
        names = {index["name"] for index in inspector.get_indexes("recommendation_search")}
        assert "ix_recommendation_search_tsv" in names


VERSIONS = Path(__file__).resolve().parents[1] / "migrations" / "versions"


def _assigned(tree: ast.Module, name: str) -> str | None:
    for node in tree.body:
        if isinstance(node, ast.AnnAssign | ast.Assign) and node.value is not None:
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if any(isinstance(t, ast.Name) and t.id == name for t in targets):
                value = ast.literal_eval(node.value)
                assert value is None or isinstance(value, str)
                return value
    raise AssertionError(f"no {name} in the migration")


def test_migration_files_sort_in_revision_order() -> None:
    files = sorted(VERSIONS.glob("*.py"))
    chain: list[str] = []
    down: str | None = None
    for path in files:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        revision = _assigned(tree, "revision")
        assert revision is not None
        assert _assigned(tree, "down_revision") == down, f"{path.name} does not follow {down}"
        assert path.name.startswith(f"{revision}_"), f"{path.name} is not named after revision {revision}"
        chain.append(revision)
        down = revision
    assert chain == sorted(chain) and len(chain) == len(set(chain))


def test_no_migration_imports_application_code() -> None:
    # An old migration must keep doing what it did, whatever app/ becomes later.
    for path in sorted(VERSIONS.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                modules = [node.module or ""]
            else:
                continue
            assert not [m for m in modules if m == "app" or m.startswith("app.")], path.name


def test_values_recorded_before_the_review_stay_public(tmp_path: Path) -> None:
    """0009: the indicator values that existed (all public at once then) become approved, with
    updated_at = created_at; new ones start as drafts. Its own SQLite file, stepped from 0007."""
    url = f"sqlite:///{tmp_path / 'steps.db'}"
    config = alembic_config(url)
    command.upgrade(config, "0007")
    engine = create_engine(url)
    created = "2025-07-01 08:00:00.000000"
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO actions (id, title, status, published, version, created_at, updated_at) "
                "VALUES (1, 'a', 'planned', 1, 1, :t, :t)"
            ),
            {"t": created},
        )
        conn.execute(
            text(
                "INSERT INTO indicators (id, action_id, name, version, created_at, updated_at) "
                "VALUES (1, 1, 'i', 1, :t, :t)"
            ),
            {"t": created},
        )
        conn.execute(
            text(
                "INSERT INTO indicator_values (id, indicator_id, measured_on, value, created_at) "
                "VALUES (1, 1, '2025-06-30', 9999, :t)"
            ),
            {"t": created},
        )
    command.upgrade(config, "0009")
    with engine.begin() as conn:
        row = conn.execute(
            text("SELECT state, version, updated_at, superseded_by_id FROM indicator_values")
        ).one()
        assert tuple(row) == ("approved", 1, created, None)
        conn.execute(
            text(
                "INSERT INTO indicator_values (id, indicator_id, measured_on, value, created_at, "
                "updated_at) VALUES (2, 1, '2025-06-30', 199, :t, :t)"
            ),
            {"t": created},
        )
        assert conn.scalar(text("SELECT state FROM indicator_values WHERE id = 2")) == "draft"
    command.downgrade(config, "0007")
    engine.dispose()


def test_upgrading_publishes_the_existing_statuses_as_they_stand(engine: Engine, database_url: str) -> None:
    """docs/publishing.md: an upgrade does not change what the public saw before the publish step."""
    config = alembic_config(database_url)
    script = ScriptDirectory.from_config(config)
    [revision] = [r for r in script.walk_revisions() if r.path.endswith("_published_status.py")]
    import_records(engine, [record("A"), record("B")])
    ids = ids_by_external_id(engine)
    engine.dispose()
    command.downgrade(config, str(revision.down_revision))
    try:
        with engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO recommendation_local (recommendation_id, priority, status, version, "
                    "updated_at) VALUES (:id, 'high', 'in_progress', 3, :at)"
                ),
                {"id": ids["A"], "at": datetime(2026, 1, 2, tzinfo=UTC)},
            )
    finally:
        engine.dispose()
        command.upgrade(config, "head")
    with Session(engine) as session:
        row = session.get(RecommendationLocal, ids["A"])
        assert row is not None
        assert (row.published_status, row.published_priority) == ("in_progress", "high")
        assert row.published_at is not None and row.published_at.replace(tzinfo=UTC) == datetime(
            2026, 1, 2, tzinfo=UTC
        )
        assert session.get(RecommendationLocal, ids["B"]) is None  # never edited: not started, as before


def test_upgrading_names_each_follow_up_reply_as_the_calendar_named_it(
    engine: Engine, database_url: str
) -> None:
    """0023: a follow-up reply published before the upgrade (named then by the smallest id of its
    recommendations) keeps its name, so it stays published."""
    config = alembic_config(database_url)
    import_records(engine, crc_document())
    with Session(engine) as session:
        selected = session.scalars(
            select(Recommendation.id).where(
                Recommendation.symbol == CRC, Recommendation.paragraph.in_(["10", "20", "32"])
            )
        ).all()
    engine.dispose()
    command.downgrade(config, "0022")
    try:
        command.upgrade(config, "head")
    finally:
        engine.dispose()
    with Session(engine) as session:
        [reply] = session.scalars(select(FollowUpReply)).all()
        assert (reply.id, reply.symbol, str(reply.due)) == (min(selected), CRC, "2027-02-12")
        assert reply.held == ",".join(f"{rec_id}:" for rec_id in sorted(selected))  # what it follows


def test_upgrading_dates_each_sent_mark_with_the_date_it_answers(engine: Engine, database_url: str) -> None:
    """The sent marks made before the date they answer was kept answer the date their deadline has."""
    config = alembic_config(database_url)
    import_records(engine, crc_document())
    with Session(engine) as session:
        [reply] = session.scalars(select(FollowUpReply)).all()
        anchor = session.scalar(select(func.min(Recommendation.id)).where(Recommendation.symbol == CRC))
    engine.dispose()
    command.downgrade(config, "0025")
    try:
        with engine.begin() as conn:
            for kind, object_id, sent_on in (
                ("follow_up_reply", reply.id, "2026-01-10"),
                ("periodic_report", anchor, "2026-01-11"),
                ("periodic_report", 999_999, None),  # marked, then not
            ):
                conn.execute(
                    text(
                        "INSERT INTO deadline_completions (kind, object_id, sent_on, version, marked_at) "
                        "VALUES (:kind, :id, :sent_on, 1, :at)"
                    ),
                    {
                        "kind": kind,
                        "id": object_id,
                        "sent_on": sent_on,
                        "at": datetime(2026, 1, 12, tzinfo=UTC),
                    },
                )
    finally:
        engine.dispose()
        command.upgrade(config, "head")
    with Session(engine) as session:
        marks = session.execute(select(DeadlineCompletion.object_id, DeadlineCompletion.answered_due)).all()
    assert sorted((object_id, str(due)) for object_id, due in marks) == sorted(
        [(reply.id, "2027-02-12"), (anchor, "2030-10-03"), (999_999, "None")]
    )


def test_upgrading_unpublishes_the_clusters_archived_while_published(
    engine: Engine, database_url: str
) -> None:
    """0027: a cluster archived before archiving withdrew the publication is not published any more
    (unarchived, it would be back on the portal unasked); the others keep theirs."""
    config = alembic_config(database_url)
    with Session(engine) as session, session.begin():
        archived = Cluster(name="Archived while published", published=True, archived=True)
        current = Cluster(name="Published", published=True)
        session.add_all([archived, current])
        session.flush()
        ids = (archived.id, current.id)
    engine.dispose()
    command.downgrade(config, "0026")
    try:
        command.upgrade(config, "head")
    finally:
        engine.dispose()
    with Session(engine) as session:
        rows = [session.get_one(Cluster, cluster_id) for cluster_id in ids]
        assert [(row.published, row.version) for row in rows] == [(False, 2), (True, 1)]


def test_upgrading_renames_the_api_keys_one_admin_named_alike(engine: Engine, database_url: str) -> None:
    """0027: before the unique index, one admin's keys in use could share a name: the oldest keeps it,
    the others get " (2)", " (3)"... (a name none of their keys has); revoked keys and another admin's
    keep theirs."""
    config = alembic_config(database_url)
    admin = create_user(engine, "keys@example.org", "admin")
    other = create_user(engine, "other@example.org", "admin")
    engine.dispose()
    command.downgrade(config, "0026")
    try:
        keys = [
            ("dashboard", admin, None),
            ("dashboard", admin, None),
            ("dashboard (2)", admin, None),
            ("dashboard", admin, None),
            ("dashboard", admin, datetime(2026, 1, 1, tzinfo=UTC)),
            ("dashboard", other, None),
        ]
        with engine.begin() as conn:
            for number, (name, creator, revoked_at) in enumerate(keys):
                conn.execute(
                    text(
                        "INSERT INTO api_keys (id, name, prefix, key_hash, role, scope, created_by_id, "
                        "created_at, revoked_at) VALUES (:id, :name, 'nrtd_x', :hash, 'reader', 'read', "
                        ":creator, :at, :revoked_at)"
                    ),
                    {
                        "id": number + 1,
                        "name": name,
                        "hash": f"{number:064d}",
                        "creator": creator,
                        "at": datetime(2026, 1, 1, tzinfo=UTC),
                        "revoked_at": revoked_at,
                    },
                )
    finally:
        engine.dispose()
        command.upgrade(config, "head")
    with engine.connect() as conn:
        names = conn.execute(text("SELECT name FROM api_keys ORDER BY id")).scalars().all()
    assert names == ["dashboard", "dashboard (3)", "dashboard (2)", "dashboard (4)", "dashboard", "dashboard"]


def test_upgrading_composes_the_accents_of_the_stored_sdg_titles(engine: Engine, database_url: str) -> None:
    """0028: the SDG titles the first migration stored from the bundled files had their accents as
    separate combining characters (NFD): they are stored composed (NFC), as a client types them; a
    second run changes nothing. The data version moves with the rewrite, and only then."""
    config = alembic_config(database_url)
    engine.dispose()
    command.downgrade(config, "0027")
    try:
        with engine.begin() as conn:  # as the bundled files gave them, whatever 0028 did on the way up
            rows = conn.execute(text("SELECT id, label, titles FROM terms WHERE kind = 'sdg'")).all()
            for term_id, label, titles in rows:
                loaded = json.loads(titles) if isinstance(titles, str) else titles
                decomposed = {lang: unicodedata.normalize("NFD", title) for lang, title in loaded.items()}
                conn.execute(
                    text("UPDATE terms SET label = :label, titles = :titles WHERE id = :id"),
                    {
                        "id": term_id,
                        "label": unicodedata.normalize("NFD", label),
                        "titles": json.dumps(decomposed),
                    },
                )
            before = conn.execute(text("SELECT counter FROM data_versions WHERE id = 1")).scalar_one()
    finally:
        engine.dispose()
        command.upgrade(config, "head")
    command.downgrade(config, "0027")
    command.upgrade(config, "head")  # again: nothing left to change
    engine.dispose()
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT key, label, titles FROM terms WHERE kind = 'sdg'")).all()
        after = conn.execute(text("SELECT counter FROM data_versions WHERE id = 1")).scalar_one()
    assert after == before + 1  # once: by the rewrite, not by the second run
    titles = {key: json.loads(t) if isinstance(t, str) else t for key, _label, t in rows}
    assert len(titles) == 186
    assert all(
        unicodedata.is_normalized("NFC", title) for by_lang in titles.values() for title in by_lang.values()
    )
    assert all(unicodedata.is_normalized("NFC", label) for _key, label, _titles in rows)
    assert (
        titles["5"]["fr"]
        == "Parvenir à l\u2019égalité des sexes et autonomiser toutes les femmes et les filles"
    )
    assert titles["5"] == sdg_entries()["5"].titles
