"""The container deployment, checked without a Docker daemon: the files say what they must.

docker-compose.yml: PostgreSQL and Redis healthy before anything starts, the migrations run once by a
one-off service, the replicas start only after it succeeded and are healthy only when /readyz says so.
Dockerfile: every package from the hashed lock, the project without resolving dependencies. The lock
agrees with pyproject.toml, so a dependency added or bumped there without regenerating it fails here.
"""

from __future__ import annotations

import fnmatch
import re
import tomllib
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
LOCK = ROOT / "requirements.lock"


def _name(requirement: str) -> str:
    return re.sub(r"[-_.]+", "-", requirement.split("[")[0].strip()).lower()


def _locked() -> dict[str, tuple[str, list[str]]]:
    """name -> (version, hashes) of every entry in the lock."""
    entries: dict[str, tuple[str, list[str]]] = {}
    text = LOCK.read_text().replace("\\\n", " ")
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        requirement, *options = line.split()
        name, _, version = requirement.partition("==")
        assert version, f"not pinned in requirements.lock: {line}"
        hashes = [option.removeprefix("--hash=") for option in options if option.startswith("--hash=")]
        entries[_name(name)] = (version, hashes)
    return entries


def test_the_lock_pins_every_runtime_dependency_of_pyproject_with_hashes() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    locked = _locked()
    for requirement in project["project"]["dependencies"]:
        name, _, version = requirement.partition("==")
        assert version, f"pyproject.toml should pin {requirement!r} with =="
        assert _name(name) in locked, f"{name} is missing from requirements.lock: regenerate it"
        pinned = locked[_name(name)][0]
        assert pinned == version.split(";")[0].strip(), (
            f"{name}: pyproject.toml says {version}, requirements.lock {pinned}: regenerate it"
        )
    for name, (_version, hashes) in locked.items():
        assert hashes and all(h.startswith("sha256:") for h in hashes), f"{name} has no sha256 hash"
    # The build backend is locked too: the image builds the project without fetching anything.
    backend = project["build-system"]["requires"][0]
    assert _name(backend.split(">")[0]) == "setuptools" and "setuptools" in locked
    minimum = tuple(int(part) for part in backend.split(">=")[1].split("."))
    assert tuple(int(part) for part in locked["setuptools"][0].split(".")[:2]) >= minimum
    # Development tools stay out of the image.
    assert not {"pytest", "ruff", "mypy", "playwright"} & locked.keys()


def test_the_image_installs_only_what_the_lock_pins() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "pip install --require-hashes --no-deps -r requirements.lock" in dockerfile
    assert "pip install --no-deps --no-build-isolation ." in dockerfile
    assert "/readyz" in dockerfile.split("HEALTHCHECK", 1)[1].split("\n\n")[0]
    cmd = next(line for line in dockerfile.splitlines() if line.startswith("CMD"))
    assert "migrate" not in cmd, "each replica must not run the migrations at start"


def _compose() -> dict[str, Any]:
    document = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    assert isinstance(document, dict)
    return document


def test_compose_migrates_once_before_the_replicas_start() -> None:
    services = _compose()["services"]
    assert {"db", "redis", "migrate", "app"} <= services.keys()
    migrate, app = services["migrate"], services["app"]
    assert migrate["command"] == ["nrtd", "migrate"] and migrate["restart"] == "no"
    assert migrate["depends_on"]["db"]["condition"] == "service_healthy"
    assert "migrate" not in " ".join(app["command"])
    assert app["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    assert app["depends_on"]["db"]["condition"] == "service_healthy"
    assert app["depends_on"]["redis"]["condition"] == "service_healthy"
    assert app["deploy"]["replicas"] >= 2
    assert migrate["image"] == app["image"]  # the migrations of the release the replicas run


def test_compose_health_checks_and_shared_state() -> None:
    services = _compose()["services"]
    assert any("/readyz" in part for part in services["app"]["healthcheck"]["test"])
    assert "pg_isready" in " ".join(services["db"]["healthcheck"]["test"])
    assert "ping" in services["redis"]["healthcheck"]["test"]
    for name in ("migrate", "app"):
        env = services[name]["environment"]
        assert (
            env["NRTD_DATABASE_URL"].startswith("postgresql://") and "@db:5432/" in env["NRTD_DATABASE_URL"]
        )
        assert env["NRTD_REDIS_URL"] == "redis://redis:6379/0"  # one rate budget across the replicas
        # Links from the address people use, not a request's Host header; the staff cookie HTTPS-only.
        assert env["NRTD_BASE_URL"].startswith("${NRTD_BASE_URL:?")
        assert env["NRTD_STAFF_COOKIE_SECURE"] == "${NRTD_STAFF_COOKIE_SECURE:-always}"
    assert "UTF8" in services["db"]["environment"]["POSTGRES_INITDB_ARGS"]


def test_compose_passes_every_setting_of_env_to_the_nrtd_services() -> None:
    # Compose reads .env only to fill in the file's ${...}: an NRTD_NOTIFY_SCHEDULE, NRTD_SMTP_HOST or
    # NRTD_UHRI_LANGUAGES written there never reached the replicas, and nothing said so.
    services = _compose()["services"]
    for name in ("migrate", "app"):
        env_files = services[name].get("env_file", [])
        assert {"path": ".env", "required": False} in env_files, name
        # What the file sets itself (the database, Redis, the storage volume) still wins over .env.
        assert services[name]["environment"]["NRTD_STORAGE_DIR"] == "/data/storage"


def test_dockerignore_keeps_secrets_and_data_out_but_not_the_sources() -> None:
    patterns = [
        line.strip()
        for line in (ROOT / ".dockerignore").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]

    def ignored(path: str) -> bool:
        return any(
            fnmatch.fnmatch(path, pattern.removeprefix("**/"))
            or fnmatch.fnmatch(path.split("/")[0], pattern)
            or fnmatch.fnmatch(path.rsplit("/", 1)[-1], pattern.removeprefix("**/"))
            for pattern in patterns
        )

    for path in (".git/config", ".venv/bin/python", ".env", "nrtd.db", "tests/conftest.py", "demo.db-wal"):
        assert ignored(path), path
    needed = ["pyproject.toml", "README.md", "requirements.lock", "alembic.ini", "app/main.py"]
    needed += ["importers/run.py", "migrations/env.py", "app/data/sample/README.md"]
    needed += ["app/feed/data/mechanisms.csv", "app/feed/data/countries.csv"]
    for path in needed:
        assert not ignored(path), path
