"""Themes' and affected persons' labels in another language, learnt from that language's export."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select

from app.core.config import Settings
from app.feed.keys import label_key
from app.models import Term
from importers.pipeline.term_labels import TermLabels
from importers.run import import_uhri
from tests.importers.test_import_runs import count_writes

SAMPLE = Path(__file__).resolve().parents[2] / "app" / "data" / "sample"

# The French labels the test gives the sample's French export (the sample itself keeps English ones).
FRENCH = {
    "Right to health": "Droit à la santé",
    "Indigenous peoples": "Peuples autochtones",
    "Children": "Enfants",
    "Women & girls": "Femmes et filles",
    "Persons deprived of their liberty": "Personnes privées de liberté",
}


def _french(label: str) -> str:
    stripped = label.strip()
    return FRENCH.get(stripped, f"{stripped} (fr)")


def french_export(path: Path) -> Path:
    """The sample's French export with its labels translated, each record's labels listed in reverse
    (the learning must not depend on the order)."""
    records: list[dict[str, Any]] = json.loads((SAMPLE / "export-full-fr.json").read_text("utf-8"))
    for record in records:
        for key in ("Themes", "AffectedPersons"):
            record[key] = [_french(label) for label in reversed(record[key])]
    path.write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")
    return path


def _titles(engine: Engine) -> dict[tuple[str, str], dict[str, str]]:
    with engine.connect() as conn:
        rows = conn.execute(select(Term.kind, Term.label, Term.titles).where(Term.kind != "sdg")).all()
    return {(kind, label): titles or {} for kind, label, titles in rows}


def test_the_french_export_teaches_the_terms_french_labels(
    engine: Engine, settings: Settings, tmp_path: Path
) -> None:
    (tmp_path / "export-en.json").write_bytes((SAMPLE / "export-full-en.json").read_bytes())
    french_export(tmp_path / "export-fr.json")
    location = str(tmp_path / "export-{lang}.json")

    run = import_uhri(engine, settings, location, languages=["en", "fr"])
    assert run.outcome == "succeeded", run.message

    titles = _titles(engine)
    assert titles[("theme", "Right to health")] == {"fr": "Droit à la santé"}
    assert titles[("theme", "Indigenous peoples")]["fr"] == "Peuples autochtones"
    assert titles[("affected_person", "Indigenous peoples")]["fr"] == "Peuples autochtones"
    assert titles[("affected_person", "Children")]["fr"] == "Enfants"
    assert titles[("affected_person", "Women & girls")]["fr"] == "Femmes et filles"
    # Whatever was learnt is the term's own translation, never a neighbour's.
    learnt = {key: value["fr"] for key, value in titles.items() if "fr" in value}
    assert len(learnt) >= len(titles) // 2
    for (kind, label), french in learnt.items():
        assert label_key(french) == label_key(_french(label)), (kind, label, french)
    # States and regions are not translated by the exports.
    assert not any(value for (kind, _), value in titles.items() if kind in ("state", "region"))

    # The next run of the same exports learns nothing new and writes no term.
    with count_writes(engine) as writes:
        again = import_uhri(engine, settings, location, languages=["en", "fr"])
    assert again.outcome == "succeeded", again.message
    assert not [w for w in writes if "terms" in w.split("SET")[0]], writes
    assert _titles(engine) == titles


def test_an_export_that_keeps_the_english_labels_teaches_nothing(
    engine: Engine, settings: Settings, tmp_path: Path
) -> None:
    for lang in ("en", "fr"):
        (tmp_path / f"export-{lang}.json").write_bytes((SAMPLE / f"export-full-{lang}.json").read_bytes())
    with count_writes(engine) as writes:
        run = import_uhri(engine, settings, str(tmp_path / "export-{lang}.json"), languages=["en", "fr"])
    assert run.outcome == "succeeded", run.message
    assert not any(_titles(engine).values())
    assert not [w for w in writes if w.lstrip().upper().startswith("UPDATE TERMS")], writes


def test_labels_learnt_in_one_statement_per_language(
    engine: Engine, settings: Settings, tmp_path: Path
) -> None:
    (tmp_path / "export-en.json").write_bytes((SAMPLE / "export-full-en.json").read_bytes())
    french_export(tmp_path / "export-fr.json")
    with count_writes(engine) as writes:
        run = import_uhri(engine, settings, str(tmp_path / "export-{lang}.json"), languages=["en", "fr"])
    assert run.outcome == "succeeded", run.message
    assert len([w for w in writes if w.lstrip().upper().startswith("UPDATE TERMS")]) == 1


def test_a_label_that_goes_with_two_terms_alike_is_not_learnt() -> None:
    labels = TermLabels()
    # Terms 1 and 2 are always together, and so are their labels: which is which cannot be told.
    for _ in range(3):
        labels.count("theme", [1, 2], ["Santé", "Eau"])
    labels.count("theme", [3], ["Logement"])
    labels.count("theme", [3], ["Logement"])
    labels.count("theme", [3], ["Habitat"])  # a stray translation on one record of three
    assert labels.learnt() == {3: "Logement"}
