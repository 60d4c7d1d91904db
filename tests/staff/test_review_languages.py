"""The review queue counts imports, not revisions: one UHRI import of two languages that changes a
recommendation's English and Spanish texts writes a revision per language, and the queue said "2
imports changed it since it was last reviewed"; a second import does make it two."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine

from app.core.config import Settings
from importers.run import import_uhri
from tests.staff.conftest import StaffLogin
from tests.uhri_records import uhri_record, write_export

COMBINED = "imports changed it since it was last reviewed"


def _import(engine: Engine, settings: Settings, folder: Path, en: str, es: str) -> None:
    write_export(folder / "export-en.json", [uhri_record(1, Text=f"<p>18. {en}</p>")])
    write_export(folder / "export-es.json", [uhri_record(1, Text=f"<p>18. {es}</p>")])
    run = import_uhri(engine, settings, str(folder / "export-{lang}.json"), languages=["en", "es"])
    assert run.outcome == "succeeded", run.message


def test_one_import_changing_two_languages_is_one_import(
    engine: Engine, settings: Settings, tmp_path: Path, committed_staff_login: StaffLogin
) -> None:
    _import(engine, settings, tmp_path, "Protect children.", "Proteger a los niños.")
    _import(engine, settings, tmp_path, "Protect all children.", "Proteger a todos los niños.")
    staff = committed_staff_login("coordinator")
    page = staff.get("/staff/review").text
    assert "Waiting for review: 1" in page
    assert "Text (English)" in page and "Text (Spanish)" in page
    assert COMBINED not in page

    _import(engine, settings, tmp_path, "Protect every child.", "Proteger a todos los niños.")
    assert f"2 {COMBINED}" in staff.get("/staff/review").text


def test_an_arabic_text_and_its_change_are_shown_right_to_left(
    engine: Engine, settings: Settings, tmp_path: Path, committed_staff_login: StaffLogin
) -> None:
    for arabic in ("حماية الأطفال.", "حماية جميع الأطفال."):
        write_export(tmp_path / "export-ar.json", [uhri_record(1, Text=f"<p>18. {arabic}</p>")])
        run = import_uhri(engine, settings, str(tmp_path / "export-{lang}.json"), languages=["ar"])
        assert run.outcome == "succeeded", run.message
    page = committed_staff_login("coordinator").get("/staff/review").text
    assert "Text (Arabic)" in page
    assert '<dd lang="ar" dir="rtl"><p class="diff-text">' in page
