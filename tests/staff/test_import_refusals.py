# ruff: noqa: RUF001 (the French apostrophe in the expected texts)
"""Why an import refused a whole file or run, on the staff pages in the page's language: what is inside
the file (a zip bomb, merged cells, a UHRI JSON export cut short), another import running, a full export
withdrawing too much, a feed that could not be downloaded. The importers write these in English (what
the database keeps); the pages read them back into their catalogue messages (app/feed/file_refusals.py,
app/feed/download_refusals.py, app/import_runs/lock.py). Uploads commit: committed mode."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import Engine, select

from app.core.config import Settings
from app.import_runs.lock import import_lock
from app.models import ImportRun
from importers.run import import_uhri
from tests.fake_uhri import fake_uhri
from tests.importers.test_hostile_files import _bomb
from tests.importers.test_uhri_xlsx import crc_row, upr_row
from tests.staff.conftest import StaffLogin
from tests.staff.import_reasons import failed_run
from tests.staff.import_support import runs, upload, workbook


@pytest.mark.usefixtures("catalogues")
def test_a_file_refused_for_what_is_inside_it_in_the_page_s_language(
    committed_staff_login: StaffLogin, engine: Engine, tmp_path: Path
) -> None:
    """A zip bomb, merged cells: refused on the French page in French; an old run of the UHRI JSON
    export cut short, on the Spanish run page in Spanish."""
    staff = committed_staff_login("coordinator")
    bomb = _bomb(tmp_path / "bomb.xlsx", 17 << 20).read_bytes()
    refused = upload(staff, bomb, headers={"Accept-Language": "fr"})
    assert refused.status_code == 422
    assert (
        "Impossible d’importer le fichier : refusé : xl/worksheets/sheet1.xml décompresserait "
        in refused.text
    )
    assert "fois, plus que 100) : une bombe de décompression" in refused.text

    path = tmp_path / "merged.xlsx"
    path.write_bytes(workbook(tmp_path, [upr_row(), upr_row(), upr_row()]))
    merged = load_workbook(path)
    merged.active.merge_cells("B2:B4")
    merged.active.merge_cells("C2:C3")
    merged.save(path)
    refused = upload(staff, path.read_bytes(), headers={"Accept-Language": "fr"})
    assert refused.status_code == 422
    assert (
        "cellules fusionnées C2:C3 (colonne &#39;Reccomending Body&#39;) et 1 de plus : la valeur d’une "
        "cellule fusionnée"
    ) in refused.text
    assert runs(engine) == [("failed", 0, 0)] * 2  # each recorded, as `nrtd import uhri` records it

    message = (
        "input rejected: export-full-en.json: invalid JSON at record 3: the file ends inside it (premature "
        "EOF): it was cut short, by a download or a copy that did not finish; download or copy it again"
    )
    page = staff.get(f"/staff/imports/{failed_run(engine, message)}", headers={"Accept-Language": "es"}).text
    assert (
        "archivo rechazado: export-full-en.json: JSON no válido en el registro 3: el archivo termina en "
        "medio de ella (fin de archivo prematuro)"
    ) in page
    assert "invalid JSON" not in page


@pytest.mark.usefixtures("catalogues")
def test_an_import_refused_for_what_is_stored_or_running_in_french(
    committed_staff_login: StaffLogin, engine: Engine, tmp_path: Path
) -> None:
    """Another import holding the lock, a full export that would withdraw too much: in French."""
    staff = committed_staff_login("coordinator")
    with import_lock(engine, ttl_seconds=60):
        answer = upload(staff, workbook(tmp_path, [crc_row()]), headers={"Accept-Language": "fr"})
    assert answer.status_code == 409
    assert "une autre importation est en cours (verrou " in answer.text
    assert "another import" not in answer.text

    message = (
        "refused: the export would withdraw 60 of the 61 recommendations stored for Peru (98%, more than "
        "NRTD_IMPORT_MAX_WITHDRAW_SHARE=10%); nothing was written. If they really left the feed, run the "
        "import again with --allow-withdraw"
    )
    page = staff.get(f"/staff/imports/{failed_run(engine, message)}", headers={"Accept-Language": "fr"}).text
    assert (
        "refusé : l’export retirerait 60 des 61 recommandations enregistrées pour Peru (98%, plus que "
        "NRTD_IMPORT_MAX_WITHDRAW_SHARE=10%) ; rien n’a été écrit. Si elles ont vraiment quitté le flux, "
        "demandez à l’administrateur du serveur"
    ) in page
    assert "--allow-withdraw" not in page


@pytest.mark.usefixtures("catalogues")
def test_a_feed_that_could_not_be_downloaded_in_french(
    committed_staff_login: StaffLogin, engine: Engine, settings: Settings, tmp_path: Path
) -> None:
    with fake_uhri(tmp_path / "served") as server:
        run = import_uhri(engine, settings.model_copy(update={"http_retries": 0}), server.url("gone.json"))
    assert run.outcome == "failed"
    with engine.connect() as conn:
        stored = conn.execute(select(ImportRun.message)).scalar_one()
    assert stored is not None and stored.startswith("download failed: HTTP 404 Not Found for http://")
    assert stored.endswith("/gone.json (no such file at this URL); not retried")
    page = committed_staff_login("coordinator").get(
        f"/staff/imports/{run.run_id}", headers={"Accept-Language": "fr"}
    )
    assert "échec du téléchargement : HTTP 404 Not Found pour http://" in page.text
    assert "/gone.json (aucun fichier à cette URL) ; pas de nouvelle tentative" in page.text


def test_a_mass_withdrawal_refused_says_whom_to_ask_not_the_commands_option(
    committed_staff_login: StaffLogin, engine: Engine
) -> None:
    """A full export refused for withdrawing too much (run by `nrtd import uhri`, which names its
    --allow-withdraw) told the coordinator reading it on the run page and the dashboard to "run the
    import again with --allow-withdraw", an option of a command they do not run: the pages say whom
    to ask."""
    staff = committed_staff_login("coordinator")
    message = (
        "refused: the export would withdraw 60 of the 61 recommendations stored for Peru (98%, more than "
        "NRTD_IMPORT_MAX_WITHDRAW_SHARE=10%); nothing was written. If they really left the feed, run the "
        "import again with --allow-withdraw"
    )
    run_id = failed_run(engine, message)
    for page in (staff.get(f"/staff/imports/{run_id}").text, staff.get("/staff/").text):
        shown = page.replace("&#39;", "'")
        assert "would withdraw 60 of the 61 recommendations stored for Peru" in shown
        assert "--allow-withdraw" not in shown
        assert (
            "If they really left the feed, ask the server's administrator: only they can run the import "
            "allowing the withdrawals"
        ) in shown
