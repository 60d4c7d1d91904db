# ruff: noqa: RUF001 (the French apostrophe in the expected texts)
"""Why an import rejected a record, on a run's page in the page's language: the readers write their
reasons in English (what the database keeps, and the API and the CLI show), and the page reads them
back into their catalogue messages (app/feed/record_refusals.py) to say them in French or Spanish.
Uploads commit on connections of their own: these tests are in committed mode."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import Engine, insert, select

from app.core.config import Settings
from app.feed import download_refusals, file_refusals, refusals
from app.import_runs.lock import import_lock
from app.models import ImportRun, RejectedRecord
from app.web.i18n import translations
from importers.run import import_uhri
from importers.uhri_xlsx import COLUMNS
from tests.fake_uhri import fake_uhri
from tests.importers.test_hostile_files import _bomb
from tests.importers.test_uhri_xlsx import crc_row, upr_row
from tests.staff.conftest import StaffClient, StaffLogin
from tests.staff.test_imports import runs, upload, workbook

# The French and Spanish of the messages these pages show, stood in for the catalogues' own (filled
# apart from the code): what a test reads is the page translating the message, whatever its words.
STAND_IN = {
    "fr": {
        "%(field)s: %(problem)s": "%(field)s : %(problem)s",
        "%(field)s: empty": "%(field)s : vide",
        "%(field)s: %(value)s is not a UUID": "%(field)s : %(value)s n’est pas un UUID",
        "%(field)s: %(label)s is neither Recommendations nor Concerns/Observations": (
            "%(field)s : %(label)s n’est ni Recommendations ni Concerns/Observations"
        ),
        "%(field)s: several sessions %(sessions)s": "%(field)s : plusieurs sessions %(sessions)s",
        "unknown UPR position %(key)s: expected supported or noted (also accepted, rejected, or these words "
        "in French or Spanish), or nothing": (
            "position EPU inconnue %(key)s : attendu supported ou noted (ou accepted, rejected, ou ces mots "
            "en français ou en espagnol), ou rien"
        ),
        "a label longer than %(limit)s characters": "un libellé de plus de %(limit)s caractères",
        "%(cells)s cells but the header has %(header)s (a stray comma or quote?)": (
            "%(cells)s cellules, mais l’en-tête en a %(header)s (une virgule ou un guillemet de trop ?)"
        ),
        "duplicate of row %(row)s": "doublon de la ligne %(row)s",
        refusals.FIRST_SHEET_OF_SEVERAL: (
            "la première feuille, %(title)s ; les autres feuilles du classeur : %(others)s : seule la "
            "première feuille est lue, mettez donc la feuille des résultats de l’UHRI en premier (ou "
            "enregistrez-la seule)"
        ),
        refusals.TWO_DATES: "%(first_date)s ou %(second_date)s",
        refusals.WHICH_DATE: "%(day)s %(month)s ou %(other_day)s %(other_month)s ?",
        file_refusals.ZIP_BOMB: (
            "%(member)s décompresserait %(compressed)s octets en %(size)s (%(ratio)s fois, plus que "
            "%(limit)s) : une bombe de décompression"
        ),
        file_refusals.MERGED_CELLS: (
            "cellules fusionnées %(ref)s (colonne %(column)s)%(more)s : la valeur d’une cellule fusionnée "
            "n’est que dans sa première ligne, les autres lignes seraient donc lues sans elle ; annulez la "
            "fusion (dans Excel : Fusionner et centrer, Annuler Fusionner cellules) et remplissez chaque "
            "ligne"
        ),
        file_refusals.AND_MORE: " et %(count)s de plus",
        file_refusals.WITHDRAW_TOO_MANY_FOR: (
            "l’export retirerait %(gone)s des %(live)s recommandations enregistrées pour %(state)s "
            "(%(share)s, plus que NRTD_IMPORT_MAX_WITHDRAW_SHARE=%(limit)s) ; rien n’a été écrit. Si elles "
            "ont vraiment quitté le flux, relancez l’importation avec --allow-withdraw"
        ),
        "another import": "une autre importation",
        download_refusals.DOWNLOAD_FAILED: "échec du téléchargement : %(reason)s",
        download_refusals.HTTP_REFUSED: (
            "HTTP %(status)s %(phrase)s pour %(url)s (%(hint)s) ; pas de nouvelle tentative"
        ),
        download_refusals.HINTS[404]: "aucun fichier à cette URL",
        "%(another)s is running (PostgreSQL advisory lock held)": (
            "%(another)s est en cours (verrou consultatif PostgreSQL détenu)"
        ),
        "%(another)s is running (held by %(holder)s until %(until)s UTC)": (
            "%(another)s est en cours (verrou détenu par %(holder)s jusqu’au %(until)s UTC)"
        ),
        "February": "février",
        "December": "décembre",
    },
    "es": {
        file_refusals.NOT_IN_ENCODING: (
            "no está en %(encoding)s: byte %(byte)s en la línea %(line)s (%(why)s); vuelva a guardar el "
            "archivo en UTF-8 (en Excel: 'CSV UTF-8')"
        ),
        file_refusals.WINDOWS_LETTER: "%(letter)s en Windows-1252, la codificación del 'CSV' simple de Excel",
        file_refusals.JSON_INVALID_AT: "%(name)s: JSON no válido en el registro %(number)s: %(reason)s",
        file_refusals.JSON_CUT_SHORT: (
            "el archivo termina en medio de ella (fin de archivo prematuro): quedó cortado por una descarga "
            "o una copia que no terminó; descárguelo o cópielo de nuevo"
        ),
        refusals.TEMPLATE_COLUMN_LIST: "%(names)s, text_<idioma> (text_fr, text_es ...)",
        "%(field)s: empty": "%(field)s: vacío",
        "%(cells)s cells but the header has %(header)s": (
            "%(cells)s celdas, pero el encabezado tiene %(header)s"
        ),
        "type: %(value)s is neither 'recommendation' nor 'observation'": (
            "type: %(value)s no es ni 'recommendation' ni 'observation'"
        ),
        "language: %(value)s is not a language code such as en, fr or pt": (
            "language: %(value)s no es un código de idioma como en, fr o pt"
        ),
        "sdgs: %(label)s has a comma: write a target with a point (%(target)s) and separate codes with ';' "
        "(%(goals)s), formatting the column as text": (
            "sdgs: %(label)s tiene una coma: escriba una meta con un punto (%(target)s) y separe los códigos "
            "con ';' (%(goals)s), dando a la columna formato de texto"
        ),
        "%(field)s: %(problem)s": "%(field)s: %(problem)s",
        "%(sdg)s is not an SDG goal or target": "%(sdg)s no es un objetivo ni una meta de los ODS",
        "%(field)s: %(value)s is outside %(low)s..%(high)s": (
            "%(field)s: %(value)s está fuera de %(low)s..%(high)s"
        ),
        "a translation of row %(row)s but differs from it in: %(columns)s": (
            "una traducción de la fila %(row)s, pero difiere de ella en: %(columns)s"
        ),
        "translation of row %(row)s, which was rejected": "traducción de la fila %(row)s, que fue rechazada",
        "duplicate id, first seen at %(position)s": "id duplicado, visto por primera vez en %(position)s",
    },
}


@pytest.fixture
def catalogues(monkeypatch: pytest.MonkeyPatch) -> None:
    for lang, entries in STAND_IN.items():
        catalogue = vars(translations(lang))["_catalog"]
        for message, translation in entries.items():
            monkeypatch.setitem(catalogue, message, translation)


def rejected_reasons(engine: Engine) -> list[str]:
    with engine.connect() as conn:
        return list(conn.execute(select(RejectedRecord.reason).order_by(RejectedRecord.id)).scalars())


def failed_run(engine: Engine, message: str) -> int:
    """A failed run of the UHRI JSON export, as an import (this version or an older one) stored it."""
    with engine.begin() as conn:
        run_id: int = conn.execute(
            insert(ImportRun)
            .values(
                source="uhri",
                format="json",
                location="export-full-en.json",
                languages="en",
                full_export=True,
                started_at=datetime(2025, 1, 1, tzinfo=UTC),
                finished_at=datetime(2025, 1, 1, tzinfo=UTC),
                outcome="failed",
                message=message,
            )
            .returning(ImportRun.id)
        ).scalar_one()
    return run_id


def run_page(staff: StaffClient, answer: object, lang: str) -> str:
    assert answer.status_code == 303, answer.text  # type: ignore[attr-defined]
    location = answer.headers["location"].split("?")[0]  # type: ignore[attr-defined]
    page: str = staff.get(location, headers={"Accept-Language": lang}).text
    return page.replace("&#39;", "'")


@pytest.mark.usefixtures("catalogues")
def test_a_uhri_export_s_rejected_rows_in_french(
    committed_staff_login: StaffLogin, engine: Engine, tmp_path: Path
) -> None:
    staff = committed_staff_login("coordinator")
    rows: list[dict[str, Any] | None] = [
        crc_row(),
        upr_row(Text="<p> </p>"),
        upr_row(**{"Reccomending Body": None}),
        upr_row(**{"OHCHR Annotation Id": "12345"}),
        upr_row(Type="- Resolutions"),
        upr_row(**{"UPR Session": "- 43\n- 44"}),
        upr_row(**{"UPR Position": "- Maybe"}),
        upr_row(Themes="- " + "x" * 300),
    ]
    page = run_page(staff, upload(staff, workbook(tmp_path, rows)), "fr")

    assert runs(engine) == [("succeeded", 1, 7)]
    for reason in (
        "Text : vide",
        "Reccomending Body : vide",
        "OHCHR Annotation Id : '12345' n’est pas un UUID",
        "Type : 'Resolutions' n’est ni Recommendations ni Concerns/Observations",
        "UPR Session : plusieurs sessions [43, 44]",
        "UPR Position : position EPU inconnue 'maybe' : attendu supported ou noted",
        "Themes : un libellé de plus de 255 caractères",
    ):
        assert f"<td>{reason}" in page, reason
    assert rejected_reasons(engine) == [
        "Text: empty",
        "Reccomending Body: empty",
        "OHCHR Annotation Id: '12345' is not a UUID",
        "Type: 'Resolutions' is neither Recommendations nor Concerns/Observations",
        "UPR Session: several sessions [43, 44]",
        "UPR Position: unknown UPR position 'maybe': expected supported or noted (also accepted, rejected, "
        "or these words in French or Spanish), or nothing",
        "Themes: a label longer than 255 characters",
    ]


@pytest.mark.usefixtures("catalogues")
def test_the_csv_template_s_rejected_rows_in_spanish(
    committed_staff_login: StaffLogin, engine: Engine
) -> None:
    staff = committed_staff_login("coordinator")
    header = b"external_id,mechanism,type,text,language,countries,sdgs,upr_session\n"
    rows = [
        b"a1,UPR,recommendation,Ensure access,en,Peru,,",
        b"a1,CRC,recommendation,Asegurar,es,Peru,,",  # a translation that names another mechanism
        b"b1,UPR,recommendation,Ensure access,en,Peru,,,extra",
        b"c1,UPR,resolution,Ensure access,en,Peru,,",
        b"c1,UPR,recommendation,Assurer,fr,Peru,,",  # the translation of a rejected row
        b"d1,UPR,recommendation,Ensure access,english!,Peru,,",
        b'e1,UPR,recommendation,Ensure access,en,Peru,"16,2",',
        b"f1,UPR,recommendation,Ensure access,en,Peru,99,",
        b"g1,UPR,recommendation,,en,Peru,,",
        b"h1,UPR,recommendation,Ensure access,en,Peru,,5000",
    ]
    content = header + b"\n".join(rows) + b"\n"
    page = run_page(staff, upload(staff, content, kind="csv-template", name="t.csv"), "es")

    # The record the rejected translation was of is rejected too, its id given twice.
    assert runs(engine) == [("succeeded", 0, 10)]
    for reason in (
        "una traducción de la fila 2, pero difiere de ella en: mechanism",
        "9 celdas, pero el encabezado tiene 8",
        "id duplicado, visto por primera vez en row 3",
        "type: 'resolution' no es ni 'recommendation' ni 'observation'",
        "traducción de la fila 5, que fue rechazada",
        "language: 'english!' no es un código de idioma como en, fr o pt",
        "sdgs: '16,2' tiene una coma: escriba una meta con un punto (16.2) y separe los códigos con ';' "
        "(16; 2)",
        "sdgs: '99' no es un objetivo ni una meta de los ODS",
        "text: vacío",
        "upr_session: 5000 está fuera de 1..999",
    ):
        assert f"<td>{reason}" in page, reason
    stored = rejected_reasons(engine)
    assert stored[:2] == [
        "a translation of row 2 but differs from it in: mechanism",
        "9 cells but the header has 8",
    ]
    assert stored[-2:] == ["text: empty", "upr_session: 5000 is outside 1..999"]


@pytest.mark.usefixtures("catalogues")
def test_a_upr_info_export_s_rejected_rows_in_french(
    committed_staff_login: StaffLogin, engine: Engine
) -> None:
    staff = committed_staff_login("coordinator")
    header = b"To,Text,From,Response,Action,Issue,Session,To-Rgrp,From-Rgrp\n"
    rows = [
        b"Peru,Ensure access,Chile,Supported,3,Health,43,GRULAC,GRULAC",
        b"Peru,Ensure access,Chile,Supported,3,Health,43,GRULAC,GRULAC",
        b',Ensure access,Chile,Supported,3,Health,43,"",',
        b'Peru,"",Chile,Supported,3,Health,43,,',
        b"Peru,Ensure access,Chile,Supported,3,Health,,,",
        b"Peru,Ensure access,Chile,Supported,3,Health,43,,,stray",
    ]
    content = header + b"\n".join(rows) + b"\n"
    page = run_page(staff, upload(staff, content, kind="upr-info-csv", name="upr.csv"), "fr")

    assert runs(engine) == [("succeeded", 1, 5)]
    for reason in (
        "doublon de la ligne 2",
        "To : vide",
        "Text : vide",
        "Session : vide",
        "10 cellules, mais l’en-tête en a 9 (une virgule ou un guillemet de trop ?)",
    ):
        assert f"<td>{reason}" in page, reason
    assert rejected_reasons(engine) == [
        "duplicate of row 2",
        "To: empty",
        "Text: empty",
        "Session: empty",
        "10 cells but the header has 9 (a stray comma or quote?)",
    ]


@pytest.mark.usefixtures("catalogues")
def test_the_parts_of_a_reason_in_the_page_s_language(
    committed_staff_login: StaffLogin, engine: Engine, tmp_path: Path
) -> None:
    """Within a translated reason, its parts too: the sheet read and the workbook's others, the dates a
    day and a month typed either way round may be, the template's columns."""
    staff = committed_staff_login("coordinator")
    notes = Workbook()
    notes.active.title = "Notes"
    notes.active.append(list(COLUMNS[1:]))
    notes.create_sheet("Results").append(list(COLUMNS))
    notes.save(tmp_path / "notes.xlsx")
    refused = upload(staff, (tmp_path / "notes.xlsx").read_bytes(), headers={"Accept-Language": "fr"})
    assert refused.status_code == 422
    assert (
        "dans la ligne d’en-tête de la première feuille, &#39;Notes&#39; ; les autres feuilles du classeur : "
        "&#39;Results&#39; : seule la première feuille est lue"
    ) in refused.text
    assert "the first sheet" not in refused.text

    dates = workbook(tmp_path, [crc_row(), upr_row(**{"Document Publication Date": "12/02/2025"})])
    page = run_page(staff, upload(staff, dates), "fr")
    assert (
        "<td>Document Publication Date : pas une date et heure ISO : '12/02/2025' : un tableur l’a écrite à "
        "sa façon (12 février ou 2 décembre ?) ; mettez la colonne au format texte et tapez 2025-02-12 ou "
        "2025-12-02</td>"
    ) in page
    assert rejected_reasons(engine) == [
        "Document Publication Date: not an ISO date-time: '12/02/2025': a spreadsheet wrote it its own way "
        "(12 February or December 2?); format the column as text and type 2025-02-12 or 2025-12-02"
    ]

    latin = b"external_id,mechanism,text\nx1,UPR,caf\xe9\n"
    refused = upload(staff, latin, kind="csv-template", name="t.csv", headers={"Accept-Language": "es"})
    assert refused.status_code == 422
    assert (
        "no está en UTF-8: byte b&#39;\\xe9&#39; en la línea 2 (&#39;é&#39; en Windows-1252, la codificación "
        "del &#39;CSV&#39; simple de Excel); vuelva a guardar el archivo en UTF-8"
    ) in refused.text

    unknown = b"name,text\nAna,x\n"
    spanish = upload(staff, unknown, kind="csv-template", name="t.csv", headers={"Accept-Language": "es"})
    assert spanish.status_code == 422
    assert (
        "recommending_regions, upr_session, position, text_&lt;idioma&gt; (text_fr, text_es ...)"
        in spanish.text
    )


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
    assert runs(engine) == []

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
        "NRTD_IMPORT_MAX_WITHDRAW_SHARE=10%) ; rien n’a été écrit."
    ) in page


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
