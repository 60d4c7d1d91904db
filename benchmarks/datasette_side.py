"""Datasette's side of ``bench_datasette.py``: its throw-away virtualenv (never a dependency of this
project), its database built from ours with SQL alone, and its server."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from benchmarks.server import HOST, BenchError, ensure_port_free, log_tail, stop

DATASETTE = "datasette==0.65.1"
PAGE_SIZE = 50
DB_NAME = "bench"  # Datasette names an immutable database after its file: /bench/recommendations.json
TABLE_PATH = f"/{DB_NAME}/recommendations.json"


# --------------------------------------------------------------------------------------------------
# Datasette: its virtualenv, its database, its server
# --------------------------------------------------------------------------------------------------


def _own_env() -> dict[str, str]:
    """The environment for Datasette's virtualenv (its pip, its server): without our PYTHONPATH,
    through which its interpreter would see this checkout's packages (pip then reports our
    project's requirements as missing)."""
    return {name: value for name, value in os.environ.items() if name not in ("PYTHONPATH", "PYTHONHOME")}


def datasette_venv(work: Path) -> Path:
    """The datasette executable of a virtualenv under ``work``, made and installed on first use."""
    venv = work / "datasette-venv"
    exe = venv / "bin" / "datasette"
    version = DATASETTE.split("==")[1]
    if exe.exists():
        done = subprocess.run(
            [str(exe), "--version"], capture_output=True, text=True, check=False, env=_own_env()
        )
        if done.stdout.split()[-1:] == [version]:
            return exe
    print(f"installing {DATASETTE} into {venv} (from the package registry)", file=sys.stderr)
    subprocess.run([sys.executable, "-m", "venv", "--clear", str(venv)], check=True)
    subprocess.run([str(venv / "bin" / "pip"), "install", "--quiet", DATASETTE], check=True, env=_own_env())
    return exe


def build_datasette_db(source: Path, target: Path) -> int:
    """Copy our current recommendations into Datasette's flat, full-text-indexed table; the row count."""
    tmp = target.with_suffix(".tmp")
    tmp.unlink(missing_ok=True)
    con = sqlite3.connect(tmp, uri=False)
    try:
        con.execute("ATTACH DATABASE ? AS ours", (f"file:{source}?mode=ro",))
        con.executescript(
            """
            CREATE TABLE recommendations (
                id INTEGER PRIMARY KEY, mechanism TEXT, family TEXT, symbol TEXT, paragraph TEXT,
                type TEXT, position TEXT, cycle INTEGER, session INTEGER, sort_date TEXT,
                publication_date TEXT, text TEXT
            );
            INSERT INTO recommendations
            SELECT r.id, m.code, m.family, r.symbol, r.paragraph, r.type, r.position, r.upr_cycle,
                   r.upr_session, r.sort_date, r.publication_date, t.text
            FROM ours.recommendations AS r
            JOIN ours.mechanisms AS m ON m.id = r.mechanism_id
            JOIN ours.recommendation_texts AS t ON t.recommendation_id = r.id AND t.lang = 'en'
            WHERE NOT r.withdrawn
            ORDER BY r.id;
            CREATE INDEX idx_recommendations_mechanism ON recommendations (mechanism);
            CREATE INDEX idx_recommendations_position ON recommendations (position);
            CREATE INDEX idx_recommendations_sort_date ON recommendations (sort_date);
            CREATE VIRTUAL TABLE recommendations_fts USING fts5(
                text, content="recommendations", content_rowid="id",
                tokenize='unicode61 remove_diacritics 2'
            );
            INSERT INTO recommendations_fts (recommendations_fts) VALUES ('rebuild');
            ANALYZE main;
            """
        )
        con.commit()
        con.execute("DETACH DATABASE ours")
        count: int = con.execute("SELECT count(*) FROM recommendations").fetchone()[0]
        con.execute("VACUUM")
    finally:
        con.close()
    tmp.replace(target)
    return count


@contextmanager
def running_datasette(exe: Path, db: Path, port: int, log: Path) -> Iterator[subprocess.Popen[bytes]]:
    ensure_port_free(port)
    with log.open("wb") as out:
        server = subprocess.Popen(
            [
                str(exe),
                "serve",
                "-i",
                str(db),
                "--host",
                HOST,
                "--port",
                str(port),
                "--setting",
                "suggest_facets",
                "off",
                "--setting",
                "default_page_size",
                str(PAGE_SIZE),
                # Its default 1 s limit fails page 100 on a loaded machine: its keyset condition
                # ("sort_date < :v or sort_date is null or ...") cannot use the index. Let it finish.
                "--setting",
                "sql_time_limit_ms",
                "20000",
            ],
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            env=_own_env(),
        )
        try:
            yield server
        finally:
            stop(server)


def wait_datasette(client: httpx.Client, server: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise BenchError(f"datasette exited with code {server.returncode}:\n{log_tail(log)}")
        try:
            if client.get("/-/versions.json", timeout=5.0).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise BenchError(f"datasette not ready after 60 s:\n{log_tail(log)}")
