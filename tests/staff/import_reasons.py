# ruff: noqa: RUF001 (the French apostrophe in the stand-in translations)
"""What the tests of an import's reasons on the staff pages share (test_import_reasons.py,
test_import_refusals.py): the catalogues' French and Spanish stood in for the messages they read, a
failed run as an import stored it, a run's page."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine, insert, select

from app.feed import download_refusals, file_refusals, refusals
from app.models import ImportRun, RejectedRecord
from app.web.i18n import translations
from tests.staff.conftest import StaffClient

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
        "row %(number)s": "ligne %(number)s",
        "record %(number)s": "fiche %(number)s",
        (
            "the file is not UTF-8: it was read as %(encoding)s (%(why)s); if its accented letters look "
            "wrong, save it as 'CSV UTF-8' and import it again"
        ): (
            "le fichier n’est pas en UTF-8 : il a été lu en %(encoding)s (%(why)s) ; si ses lettres "
            "accentuées sont fausses, enregistrez-le en « CSV UTF-8 » et importez-le à nouveau"
        ),
        "its accented letters read as Windows-1252": "ses lettres accentuées se lisent en Windows-1252",
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
        file_refusals.WITHDRAW_TOO_MANY_FOR_ASK: (
            "l’export retirerait %(gone)s des %(live)s recommandations enregistrées pour %(state)s "
            "(%(share)s, plus que NRTD_IMPORT_MAX_WITHDRAW_SHARE=%(limit)s) ; rien n’a été écrit. Si elles "
            "ont vraiment quitté le flux, demandez à l’administrateur du serveur : lui seul peut lancer "
            "l’importation en autorisant les retraits"
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
        "%(another)s is running (held by %(holder)s until %(until)s)": (
            "%(another)s est en cours (verrou détenu par %(holder)s jusqu’au %(until)s)"
        ),
        "February": "février",
        "December": "décembre",
    },
    "es": {
        "row %(number)s": "fila %(number)s",
        "record %(number)s": "registro %(number)s",
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
        (
            "the file is not UTF-8: it was read as %(encoding)s (%(why)s); if its accented letters look "
            "wrong, save it as 'CSV UTF-8' and import it again"
        ): (
            "el archivo no está en UTF-8: se leyó como %(encoding)s (%(why)s); si sus letras acentuadas "
            "se ven mal, guárdelo como «CSV UTF-8» e impórtelo de nuevo"
        ),
        "its accented letters read as Windows-1252": "sus letras acentuadas se leen como Windows-1252",
    },
}


def stand_in_catalogues(monkeypatch: pytest.MonkeyPatch) -> None:
    """The ``STAND_IN`` translations in the catalogues the pages read, for the test only."""
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
