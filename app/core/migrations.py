"""Where the Alembic migrations are and the configuration that runs them (CLI, health check, tests)."""

from __future__ import annotations

from pathlib import Path

from alembic.config import Config


def migrations_dir() -> Path:
    """The Alembic folder: beside the package in a checkout, else in the working directory (image)."""
    beside = Path(__file__).resolve().parents[2] / "migrations"
    return beside if (beside / "env.py").is_file() else Path.cwd() / "migrations"


def alembic_config(database_url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(migrations_dir()))
    config.attributes["database_url"] = database_url
    return config
