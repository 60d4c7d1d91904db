from __future__ import annotations

from pathlib import Path

from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, text


def migrations_dir() -> Path:
    """The Alembic folder: beside the package in a checkout, else in the working directory (image)."""
    beside = Path(__file__).resolve().parents[2] / "migrations"
    return beside if (beside / "env.py").is_file() else Path.cwd() / "migrations"


def alembic_config(database_url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(migrations_dir()))
    config.attributes["database_url"] = database_url
    return config


def head_revision() -> str | None:
    return ScriptDirectory.from_config(alembic_config("")).get_current_head()


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
