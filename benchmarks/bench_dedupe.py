"""Time the linking pass on the benchmark generator's data: a UHRI export imported for one State, then
a UPR Info CSV made from that State's UPR records (every one copied, its text rewritten the way UPR
Info writes it), imported beside it.

    .venv/bin/python benchmarks/bench_dedupe.py --work /tmp/nrtd-dedupe [--records 25000] \\
        [--country-records 3000] [--database-url URL]

Prints the import times, the pass's time (the pass at the end of the UPR Info import, and a second
``link_duplicates`` over the stored data with nothing left to link), and how many copies were linked.
"""

from __future__ import annotations

import argparse
import csv
import random
import re
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import create_engine, delete, select

ROOT = Path(__file__).resolve().parents[1]
COUNTRY = "Peru"
# What UPR Info does to UHRI's text (docs/sources.md).
_PARAGRAPH = re.compile(r"^\s*\d{1,3}(?:\.\d{1,3})*\.?\s*")
_BRACKETS = re.compile(r"(?:\s*\([^()]{1,120}\)[\s;,.]*)+$")


def upr_info_text(text: str, rng: random.Random) -> str:
    copy = _BRACKETS.sub("", _PARAGRAPH.sub("", text)).rstrip(" ;.")
    if rng.random() < 0.3:
        copy = copy.replace("measures", "steps", 1)
    if rng.random() < 0.3:
        copy = copy.replace(",", "", 1)
    if rng.random() < 0.2:
        copy = copy.replace(" ", "  ", 1)
    return copy + ("." if rng.random() < 0.5 else "")


def write_upr_info(database_url: str, out: Path) -> int:
    from app.models import Mechanism, Recommendation, RecommendationTerm, RecommendationText, Term

    engine = create_engine(database_url)
    rng = random.Random(1)
    rows = 0
    with engine.connect() as conn, out.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            ["To", "To-Rgrp", "Text", "From", "From-Rgrp", "Response", "Action", "Issue", "Session"]
        )
        upr = conn.execute(
            select(Recommendation.id, Recommendation.upr_session, RecommendationText.text)
            .join(Mechanism, Mechanism.id == Recommendation.mechanism_id)
            .join(RecommendationText, RecommendationText.recommendation_id == Recommendation.id)
            .where(Mechanism.code == "UPR", RecommendationText.lang == "en", Recommendation.source == "uhri")
            .order_by(Recommendation.id)
        ).all()
        states: dict[int, list[str]] = {}
        for rec_id, label in conn.execute(
            select(RecommendationTerm.recommendation_id, Term.label)
            .join(Term, Term.id == RecommendationTerm.term_id)
            .where(RecommendationTerm.role == "recommending_state")
        ):
            states.setdefault(rec_id, []).append(label)
        for rec_id, session, text in upr:
            for state in states.get(rec_id, []) or [""]:
                writer.writerow(
                    [COUNTRY, "GRULAC", upr_info_text(text, rng), state, "", "Accepted", 3, "", session]
                )
                rows += 1
    engine.dispose()
    return rows


def nrtd(args: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "app.cli", *args], check=True, env=env, cwd=ROOT)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--work", type=Path, default=Path("/tmp/nrtd-dedupe"))
    parser.add_argument("--records", type=int, default=25_000)
    parser.add_argument("--country-records", type=int, default=3000)
    parser.add_argument("--database-url")
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    export = args.work / f"export-{args.records}.json"
    if not export.exists():
        subprocess.run(
            [
                sys.executable,
                str(ROOT / "benchmarks" / "generate_uhri_export.py"),
                str(export),
                f"--records={args.records}",
                f"--country={COUNTRY}",
                f"--country-records={args.country_records}",
                "--seed=1",
            ],
            check=True,
        )
    database_url = args.database_url or f"sqlite:///{args.work / 'dedupe.db'}"
    if database_url.startswith("sqlite:///"):
        Path(database_url.removeprefix("sqlite:///")).unlink(missing_ok=True)
    env = {"NRTD_DATABASE_URL": database_url, "NRTD_COUNTRY": COUNTRY, "PYTHONPATH": str(ROOT), "PATH": ""}
    nrtd(["migrate"], env)
    uhri_seconds = nrtd(["import", "uhri", str(export), "--partial"], env)
    csv_path = args.work / "upr-info.csv"
    rows = write_upr_info(database_url, csv_path)
    upr_info_seconds = nrtd(["import", "upr-info", str(csv_path)], env)

    from app.models.source_link import SourceLink
    from app.recommendations.source_links import link_duplicates

    engine = create_engine(database_url)
    with engine.begin() as conn:
        linked = len(conn.execute(select(SourceLink.id)).all())
        started = time.perf_counter()
        again = link_duplicates(conn, actor="bench")
        second_pass = time.perf_counter() - started
        conn.execute(delete(SourceLink))
        started = time.perf_counter()
        fresh = link_duplicates(conn, actor="bench")
        fresh_pass = time.perf_counter() - started
    engine.dispose()
    print(f"UHRI import ({args.records} records, {args.country_records} for {COUNTRY}): {uhri_seconds:.1f} s")
    print(f"UPR Info import ({rows} rows, pass included): {upr_info_seconds:.1f} s; linked {linked}")
    print(f"pass over stored data, nothing to change: {second_pass:.2f} s ({again.line()})")
    print(f"pass over stored data, every link made: {fresh_pass:.2f} s ({len(fresh.linked)} linked)")


if __name__ == "__main__":
    main()
