"""Where the Alembic migrations are and the configuration that runs them (CLI, health check, tests)."""

from __future__ import annotations

from pathlib import Path

from alembic.config import Config


class MigrationsNotFound(Exception):
    """Neither beside the package nor in the working directory: Alembic's own error ("Path doesn't
    exist ... use the 'init' command") sent the operator to create a new migrations folder."""


def migrations_dir() -> Path:
    """The Alembic folder: beside the package in a checkout, else in the working directory (image)."""
    package_root = Path(__file__).resolve().parents[2]
    beside = package_root / "migrations"
    if (beside / "env.py").is_file():
        return beside
    here = Path.cwd()
    if (here / "migrations" / "env.py").is_file():
        return here / "migrations"
    raise MigrationsNotFound(
        f"the database migrations are neither beside the installed package ({package_root}) nor in the "
        f"working directory ({here}): run nrtd in the folder that holds migrations/ (the checkout, or "
        "/srv/nrtd in the image)"
    )


def alembic_config(database_url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(migrations_dir()))
    config.attributes["database_url"] = database_url
    return config
