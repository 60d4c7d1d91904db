from __future__ import annotations

from alembic.script import ScriptDirectory
from sqlalchemy import Engine, text

from app.core.migrations import alembic_config


def head_revision() -> str | None:
    return ScriptDirectory.from_config(alembic_config("")).get_current_head()


def known_revision(revision: str) -> bool:
    """Whether ``revision`` is one of this release's migrations (a database migrated by a newer
    release, or by another application, holds one it does not know)."""
    return any(
        script.revision == revision
        for script in ScriptDirectory.from_config(alembic_config("")).walk_revisions()
    )


def database_status(engine: Engine) -> dict[str, str | None]:
    head = head_revision()
    try:
        with engine.connect() as conn:
            current = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
    except Exception as exc:
        return {
            "status": "unavailable",
            "detail": f"database unreachable or not migrated: {type(exc).__name__}",
        }
    if current != head:
        return {"status": "migrations-pending", "current": current, "head": head}
    return {"status": "ready", "current": current, "head": head}
