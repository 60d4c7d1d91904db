# ruff: noqa: RUF001 (the French apostrophe in the expected texts)
"""Why an import rejected a record, on a run's page in the page's language: the readers write their
reasons in English (what the database keeps, and the API and the CLI show), and the page reads them
back into their catalogue messages (app/feed/record_refusals.py) to say them in French or Spanish.
Uploads commit on connections of their own: these tests are in committed mode."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook
from sqlalchemy import Engine

from importers.uhri_xlsx_columns import COLUMNS
from tests.importers.test_template_encoding import FRENCH_EXCEL, last_message
from tests.importers.test_uhri_xlsx import crc_row, upr_row
from tests.staff.conftest import StaffLogin
from tests.staff.import_reasons import rejected_reasons, run_page
from tests.staff.import_support import runs, upload, workbook


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
        "UPR Position : position EPU inconnue 'Maybe' : attendu supported ou noted",
        "Themes : un libellé de plus de 255 caractères",
    ):
        assert f"<td>{reason}" in page, reason
    # Where each stands, in the page's language too ("row 3" as stored).
    assert '<th scope="row">ligne 3</th>' in page and '<th scope="row">ligne 9</th>' in page
    assert rejected_reasons(engine) == [
        "Text: empty",
        "Reccomending Body: empty",
        "OHCHR Annotation Id: '12345' is not a UUID",
        "Type: 'Resolutions' is neither Recommendations nor Concerns/Observations",
        "UPR Session: several sessions [43, 44]",
        "UPR Position: unknown UPR position 'Maybe': expected supported or noted (also accepted, rejected, "
        "or these words in French or Spanish), or nothing",
        "Themes: a label longer than 255 characters",
    ]


@pytest.mark.usefixtures("catalogues")
def test_the_states_of_another_state_s_row_are_named_in_the_page_s_language(
    committed_staff_login: StaffLogin, engine: Engine
) -> None:
    """A template row about another State than the instance's was rejected in Spanish as "se refiere a
    Guatemala; Brazil, no a Peru": the sentence translated, the States left as the database keeps
    them (UHRI's English names). Known States are now named as the page's language names them."""
    staff = committed_staff_login("coordinator")
    content = (
        b"external_id,mechanism,text,language,countries\nx1,IACHR,Adoptar una ley,es,Brazil; Guatemala\n"
    )
    answer = upload(staff, content, kind="csv-template", name="t.csv")
    assert runs(engine) == [("succeeded", 0, 1)]
    page = run_page(staff, answer, "es")
    assert "se refiere a Brasil, Guatemala, no a Perú: esta instancia solo sigue a Perú" in page
    assert "concerne Brésil, Guatemala, pas Pérou : cette instance ne suit que Pérou" in run_page(
        staff, answer, "fr"
    )
    # What the database keeps (and the API and the CLI show) stays in English.
    assert rejected_reasons(engine)[0].startswith("about Brazil, Guatemala, not Peru: ")


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

    # The record the rejected translation was of is rejected too, naming that row.
    assert runs(engine) == [("succeeded", 0, 10)]
    for reason in (
        "una traducción de la fila 2, pero difiere de ella en: mechanism",
        "9 celdas, pero el encabezado tiene 8",
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
    assert stored[:3] == [
        "its translation on row 3 was rejected: correct both rows and import again",
        "a translation of row 2 but differs from it in: mechanism",
        "9 cells but the header has 8",
    ]
    assert stored[-2:] == ["text: empty", "upr_session: 5000 is outside 1..999"]


@pytest.mark.usefixtures("catalogues")
def test_every_problem_of_a_row_on_the_run_s_page_in_spanish(
    committed_staff_login: StaffLogin, engine: Engine
) -> None:
    """A row with three faults listed only the first: the user had to upload the file three times."""
    staff = committed_staff_login("coordinator")
    content = (
        b"external_id,mechanism,type,text,language,countries,upr_session\n"
        b"a1,UPR,recommendation,Ensure access,en,Peru,\n"
        b"b1,,resolution,Ensure access,english!,Peru,5000\n"
    )
    page = run_page(staff, upload(staff, content, kind="csv-template", name="t.csv"), "es")

    assert runs(engine) == [("succeeded", 1, 1)]
    problems = (
        "mechanism: vacío",
        "type: 'resolution' no es ni 'recommendation' ni 'observation'",
        "language: 'english!' no es un código de idioma como en, fr o pt",
        "upr_session: 5000 está fuera de 1..999",
    )
    assert '<td><ul class="problems">' + "".join(f"<li>{problem}</li>" for problem in problems) in page
    assert rejected_reasons(engine) == [
        "mechanism: empty\ntype: 'resolution' is neither 'recommendation' nor 'observation'\n"
        "language: 'english!' is not a language code such as en, fr or pt\n"
        "upr_session: 5000 is outside 1..999"
    ]


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

    # A file in UTF-8 but for one Windows-1252 letter (a legacy one is read in its encoding).
    latin = b"external_id,mechanism,text\nx1,UPR,caf\xe9 na\xc3\xafve\n"
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
@pytest.mark.parametrize(
    ("lang", "said"),
    [
        (
            "fr",
            "le fichier n’est pas en UTF-8 : il a été lu en Windows-1252 (ses lettres accentuées se lisent "
            "en Windows-1252) ; si ses lettres accentuées sont fausses, enregistrez-le en « CSV UTF-8 » et "
            "importez-le à nouveau",
        ),
        (
            "es",
            "el archivo no está en UTF-8: se leyó como Windows-1252 (sus letras acentuadas se leen como "
            "Windows-1252); si sus letras acentuadas se ven mal, guárdelo como «CSV UTF-8» e impórtelo de "
            "nuevo",
        ),
    ],
)
def test_the_encoding_an_import_guessed_is_said_in_the_page_s_language(
    committed_staff_login: StaffLogin, engine: Engine, lang: str, said: str
) -> None:
    """A template saved by a French or Spanish Excel (Windows-1252) imports, and the run's page says
    which encoding was guessed: it said it in English on a French or Spanish page."""
    staff = committed_staff_login("coordinator")

    page = run_page(staff, upload(staff, FRENCH_EXCEL, kind="csv-template", name="recomendaciones.csv"), lang)

    assert f"<dd>{said}</dd>" in page
    assert last_message(engine) == (
        "the file is not UTF-8: it was read as Windows-1252 (its accented letters read as Windows-1252); if "
        "its accented letters look wrong, save it as 'CSV UTF-8' and import it again"
    )
