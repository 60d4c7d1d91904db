"""A report in French or Spanish names what it can in that language, as the portal does: its words,
the columns of its matrix, the filters used, themes and mechanisms; Arabic texts read right to left."""

from __future__ import annotations

from io import BytesIO
from urllib.parse import unquote

import pytest
from docx import Document
from docx.oxml.ns import qn
from fastapi.testclient import TestClient
from markupsafe import escape
from openpyxl import load_workbook
from sqlalchemy import Connection, update

from app.models import Term
from app.reports.formats import render
from app.reports.sample import sample_report
from app.taxonomies.service import sdg_titles
from tests.builder import building
from tests.conftest import session_on
from tests.reports.conftest import ReportWorld, docx_text, xlsx_rows
from tests.reports.test_report_formats import get, parse

PUBLIC = "/api/v1/public/reports/implementation"
STAFF = "/api/v1/reports/implementation"
JUSTICE = {"fr": "Droit à la justice", "es": "Derecho a la justicia"}


def test_themes_are_named_in_the_reports_language(
    client: TestClient, db: Connection, world: ReportWorld
) -> None:
    """The names a French or Spanish UHRI export gave the themes (``Term.titles``): the portal shows
    them on its French and Spanish pages, and so does the report, in its groups, rows and filters."""
    with session_on(db) as session, session.begin():
        session.execute(
            update(Term).where(Term.kind == "theme", Term.label == "Right to justice").values(titles=JUSTICE)
        )
    portal = client.get(f"/recommendations/{world.ids['rep-1']}", params={"lang": "fr"}).text
    assert "Droit à la justice" in portal
    params = {"group_by": "theme", "theme": "Right to justice"}
    page = client.get(PUBLIC, params={**params, "lang": "fr"}).text
    assert "Thème : Droit à la justice" in page and "<dd>Droit à la justice</dd>" in page
    assert "Right to justice" not in page
    # A theme the export gave no French name keeps its English one, marked English for screen readers.
    assert 'Thèmes : <span lang="en">Children: definition</span>; Droit à la justice' in page
    text = docx_text(client.get(STAFF, params={**params, "lang": "es", "format": "docx"}).content)
    assert "Derecho a la justicia" in text and "Right to justice" not in text
    english = xlsx_rows(client.get(PUBLIC, params={**params, "format": "xlsx"}).content)
    assert {row[0] for row in english[1:]} == {"Children: definition", "Right to justice"}


def test_grouping_by_mechanism_names_them_in_the_reports_language(
    client: TestClient, world: ReportWorld
) -> None:
    """As the report's filters and the portal name them: the stored names are the feed's English."""
    body = get(client, PUBLIC, format="xlsx", group_by="mechanism", lang="fr")
    rows = xlsx_rows(body, load_workbook(BytesIO(body)).sheetnames[0])[1:]
    assert [row[0] for row in rows] == [
        "Comité des droits de l'enfant (CRC)",
        "Comité des droits de l'enfant (CRC)",
        "Examen périodique universel (UPR)",
    ]
    page = get(client, PUBLIC, format="html", group_by="mechanism", lang="es").decode()
    assert "Comité de los Derechos del Niño (CRC)" in page and "Examen Periódico Universal (UPR)" in page
    assert "Committee on the Rights of the Child" not in page
    text = docx_text(get(client, STAFF, format="docx", group_by="mechanism", lang="fr"))
    assert "Examen périodique universel (UPR)" in text and "Universal Periodic Review" not in text


@pytest.mark.parametrize(
    ("lang", "lead", "published", "unpublished"),
    [
        ("fr", "Entité chef de file", "Publiée", "Non publiée"),
        ("es", "Entidad principal", "Publicada", "No publicada"),
    ],
)
def test_each_column_of_the_matrix_has_its_own_name_in_french_and_spanish(
    client: TestClient, world: ReportWorld, lang: str, lead: str, published: str, unpublished: str
) -> None:
    # "Lead entity" read as "Responsible entity", and "Published" (a yes/no column) as "Published on";
    # an action is published (« Publiée », "Publicada"), where a cluster is « Publié ».
    body = get(client, STAFF, format="xlsx", group_by="entity", lang=lang)
    workbook = load_workbook(BytesIO(body))
    actions = workbook.worksheets[1]  # the group (a responsible entity), then each action's lead entity
    action_headers = [cell.value for cell in actions[1]]
    assert len(set(action_headers)) == len(action_headers), action_headers
    assert action_headers[4] == lead and action_headers[-1] == published
    # Its values agree with the action too: "Publicada: publicado / no publicado" read as a slip.
    assert {row[-1].value for row in actions.iter_rows(min_row=2)} == {published, unpublished}
    # The notice of what the report holds is a note, not a table of contents ("Sommaire").
    about = {
        row[0]: row[1]
        for row in workbook["À propos de ce rapport" if lang == "fr" else "Acerca de este informe"].iter_rows(
            values_only=True
        )
    }
    assert about[{"fr": "Note", "es": "Nota"}[lang]].startswith(
        "Rapport interne" if lang == "fr" else "Informe interno"
    )


@pytest.mark.parametrize(
    ("lang", "title", "grouped", "header"),
    [
        (
            "fr",
            "Mise en œuvre des recommandations des mécanismes des droits de l’homme",  # noqa: RUF001
            "Regroupé par",
            "Recommandation",
        ),
        (
            "es",
            "Aplicación de las recomendaciones de los mecanismos de derechos humanos",
            "Agrupado por",
            "Recomendación",
        ),
    ],
)
def test_the_report_speaks_the_language_asked_for(
    client: TestClient, world: ReportWorld, lang: str, title: str, grouped: str, header: str
) -> None:
    body = get(client, PUBLIC, lang=lang)
    page = parse(body)
    assert page.html_lang == lang
    text = "".join(page.text)
    assert title in text and grouped in text
    # The UPR recommendation's source names its session as the UN's Spanish does.
    assert {"fr": "session 37", "es": "37.º período de sesiones"}[lang] in text
    assert f'<th scope="col">{header}</th>'.encode() in body
    docx = Document(BytesIO(get(client, PUBLIC, lang=lang, format="docx")))
    assert docx.paragraphs[0].text == title
    assert docx.core_properties.language == lang
    assert docx.tables[0].rows[0].cells[0].text == header
    workbook = load_workbook(BytesIO(get(client, PUBLIC, lang=lang, format="xlsx")))
    assert workbook.worksheets[0]["B1"].value == header
    assert workbook.worksheets[-1]["A1"].value == title


def test_arabic_texts_are_marked_right_to_left(client: TestClient, world: ReportWorld) -> None:
    body = get(client, PUBLIC, lang="ar")
    page = parse(body)
    assert page.html_lang == "en"  # the report's own words: English, the catalogue has no Arabic
    assert '<div class="text" lang="ar" dir="rtl">111.5. جمع البيانات المصنفة.</div>' in body.decode()
    assert '<div class="text">12. Guarantee access' in body.decode()  # no Arabic text: English, ltr


def test_filters_used_are_named_in_the_reports_language(client: TestClient, world: ReportWorld) -> None:
    # Not the parameters' names and codes: the labels and values as the report words them, the
    # mechanism and the entity by their names, a State by its name in the report's language.
    params = {
        "mechanism": "crc",
        "status": ["not_started", "in_progress"],
        "entity": str(world.ids["justice"]),
        "responsibility": "lead",
        "published_from": "2020-01-01",
        "country": "Peru",
    }
    page = client.get(PUBLIC, params={**params, "lang": "fr"}).content.decode()
    assert (
        "<dt>Mécanisme</dt><dd>Comité des droits de l&#39;enfant</dd><dt>Pays</dt><dd>Pérou</dd>"
        "<dt>État</dt><dd>Non commencée, "
        "En cours</dd><dt>Entité responsable</dt><dd>Ministry of Justice (MOJ)</dd><dt>Responsabilité"
        "</dt><dd>Chef de file</dd><dt>Publiée le ou après le</dt><dd>1 janv. 2020</dd>"
    ) in page
    text = docx_text(client.get(PUBLIC, params={**params, "lang": "es", "format": "docx"}).content)
    assert (
        "Mecanismo: Comité de los Derechos del Niño; País: Perú; Estado: No iniciada, En curso; "
        "Entidad responsable: "
        "Ministry of Justice (MOJ); Responsabilidad: Principal; Publicada el o después del: 1 ene 2020"
    ) in text
    english = client.get(
        STAFF, params={**params, "cluster": str(world.ids["cluster:Access to justice"])}
    ).text
    assert "<dt>Cluster</dt><dd>Access to justice</dd>" in english
    hidden = str(world.ids["cluster:PLANTED-UNPUBLISHED-CLUSTER"])
    # A cluster the public report does not show is refused as an unknown one, never named (nor
    # shown as a bare id, a filter the report could not name).
    public = client.get(PUBLIC, params={"cluster": hidden})
    assert public.status_code == 422 and "PLANTED-UNPUBLISHED-CLUSTER" not in public.text


def test_sections_are_in_alphabetical_order_whatever_the_accents(
    client: TestClient, db: Connection, world: ReportWorld
) -> None:
    # "Éducation" among the E's, not after "Water"; "égalité" between them whatever its case.
    with building(db) as build:
        for name in ("Water", "Éducation pour tous", "égalité des genres"):
            build.cluster(name, [world.ids["rep-1"]], published=True)
    page = parse(get(client, PUBLIC, lang="fr", group_by="cluster"))
    assert page.h2[-1] == "Sans groupe"  # last
    titles = [title.split(" : ", 1)[-1] for title in page.h2 if title.startswith("Groupe :")]
    assert titles == [
        "Access to justice",
        "Children's rights",
        "Éducation pour tous",
        "égalité des genres",
        "Water",
    ]


@pytest.mark.parametrize(
    ("lang", "cut"),
    [
        ("en", "[truncated: the Word document and the web page of this report hold the whole text]"),
        ("fr", "[tronqué : le document Word et la page web de ce rapport contiennent le texte entier]"),
        ("es", "[truncado: el documento Word y la página web de este informe contienen el texto completo]"),
    ],
)
def test_a_text_too_long_for_an_excel_cell_is_cut_saying_so_in_the_reports_language(
    lang: str, cut: str
) -> None:
    """A text beyond the 32,767 characters an Excel cell holds ended with " [truncated]" in English
    in a French or Spanish matrix, without saying where the rest is."""
    sample = sample_report(staff=False, lang=lang)
    group = sample.groups[0]
    long_text = "12. " + "Garantizar el acceso a la justicia de los pueblos indígenas. " * 700
    rec = group.recommendations[0].model_copy(update={"text": long_text})
    report = sample.model_copy(update={"groups": [group.model_copy(update={"recommendations": [rec]})]})
    workbook = load_workbook(BytesIO(render(report, "xlsx").body))
    cell = workbook.worksheets[0]["B2"].value
    assert len(long_text) > 32_767 and len(cell) == 32_767
    assert cell.startswith(long_text[:1000]) and cell.endswith(f" {cut}")
    assert long_text in docx_text(render(report, "docx").body)  # what the marker promises


def test_the_cycle_filter_none_is_named_not_given_as_its_code(client: TestClient, world: ReportWorld) -> None:
    """``cycle=none`` (the recommendations of every mechanism but the UPR) was written as the code:
    "Cycle de l'EPU : none" in a French report, "Ciclo del EPU: none" in a Spanish one."""
    params = {"cycle": ["none", "3"]}
    text = docx_text(client.get(PUBLIC, params={**params, "lang": "fr", "format": "docx"}).content)
    assert "Cycle de l’EPU : Hors EPU, 3" in text  # noqa: RUF001
    workbook = client.get(PUBLIC, params={**params, "lang": "es", "format": "xlsx"}).content
    about = xlsx_rows(workbook, "Acerca de este informe")
    assert ["Filtro: Ciclo del EPU", "Fuera del EPU, 3"] in about
    page = client.get(STAFF, params=params).text
    assert "<dt>UPR cycle</dt><dd>Not a UPR recommendation, 3</dd>" in page


BEGINNINGS = {
    "en": "public-implementation-report-grouped-by-theme-",
    "fr": "rapport-public-de-mise-en-œuvre-regroupé-par-thème-",
    "es": "informe-público-de-aplicación-agrupado-por-tema-",
}


def test_each_language_of_a_report_is_a_file_of_its_own_name(client: TestClient, world: ReportWorld) -> None:
    """The English, French and Spanish reports a State sends a treaty body were all named
    implementation-report-public-by-theme-<day>.docx: saved one after the other, each replaced (or
    became "(1)", "(2)" of) the one before."""
    names = set()
    for lang in ("en", "fr", "es"):
        for fmt in ("docx", "xlsx", "html"):
            params = {"lang": lang, "format": fmt, "group_by": "theme"}
            answer = client.get(PUBLIC, params=params)
            disposition = answer.headers["content-disposition"]
            assert client.head(PUBLIC, params=params).headers["content-disposition"] == disposition
            name = unquote(disposition.split("filename*=UTF-8''")[1])
            assert name.startswith(BEGINNINGS[lang]) and f"-{lang}-" in name, name
            assert name.endswith(f".{fmt}")
            names.add(name)
    assert len(names) == 9


def test_a_theme_heading_left_in_the_feeds_language_is_marked_with_it(
    client: TestClient, world: ReportWorld
) -> None:
    """Grouped by theme, a French page titles a section with a theme the feed named in English only:
    the heading and its entry in the contents say so (``lang="en"``), as the rows' themes already did,
    so that a screen reader does not read "Children: definition" with French sounds."""
    page = get(client, PUBLIC, format="html", group_by="theme", lang="fr").decode()
    assert 'Thème : <span lang="en">Children: definition</span></h2>' in page
    assert '"><span lang="en">Children: definition</span></a>' in page
    # The last section's own words are the page's language.
    assert '<h2 id="group-' in page and 'lang="en">Sans thème' not in page


def test_a_theme_filter_left_in_the_feeds_language_is_marked_with_it(
    client: TestClient, world: ReportWorld
) -> None:
    """The section headings and the rows marked a theme the feed named in English only with
    ``lang="en"``; the "Filters used" row naming the same theme on a French or Spanish page did not."""
    for lang in ("fr", "es"):
        params = {"format": "html", "theme": ["Children: definition", "Right to justice"], "lang": lang}
        page = client.get(PUBLIC, params=params).text
        marked = '<span lang="en">Children: definition</span>, <span lang="en">Right to justice</span>'
        assert f"<dd>{marked}</dd>" in page
    english = get(client, PUBLIC, format="html", theme="Children: definition", lang="en").decode()
    assert "<dd>Children: definition</dd>" in english


def _run_languages(body: bytes) -> dict[str, set[str | None]]:
    """Each text run of a Word document (body, tables, headings), with the spelling languages it was
    given (``w:lang w:val``; None: the document's own)."""
    languages: dict[str, set[str | None]] = {}
    for run in Document(BytesIO(body)).element.body.iter(qn("w:r")):
        text = "".join(node.text or "" for node in run.iter(qn("w:t")))
        language = run.find(f"{qn('w:rPr')}/{qn('w:lang')}")
        languages.setdefault(text, set()).add(language.get(qn("w:val")) if language is not None else None)
    return languages


def test_a_theme_left_in_the_feeds_language_is_marked_with_it_in_word(
    client: TestClient, db: Connection, world: ReportWorld
) -> None:
    """The HTML report marks a theme the feed named in English only ``lang="en"``; the Word document
    gave it the report's language, so Word underlined it as misspelt French and a screen reader read
    it with French sounds. Its runs now have its language, the French around it the document's."""
    with session_on(db) as session, session.begin():
        session.execute(
            update(Term).where(Term.kind == "theme", Term.label == "Right to justice").values(titles=JUSTICE)
        )
    themes = ["Children: definition", "Right to justice"]
    for group_by in ("theme", "mechanism"):
        params = {"format": "docx", "group_by": group_by, "lang": "fr", "theme": themes}
        response = client.get(PUBLIC, params=params)
        assert response.status_code == 200
        runs = _run_languages(response.content)
        english = {text: tags for text, tags in runs.items() if "Children: definition" in text}
        assert english and all(tags == {"en-US"} for tags in english.values()), english
        french = {text: tags for text, tags in runs.items() if "Droit à la justice" in text}
        assert french and all(tags == {None} for tags in french.values()), french
        # The words around the theme are French, and stay the document's.
        assert runs.get("Thèmes : ", {None}) == {None}
        assert not any("\ue000" <= char <= "\ue0ff" for text in runs for char in text)


def test_the_sdg_filter_names_the_goal_by_its_title_in_the_reports_language(
    client: TestClient, world: ReportWorld
) -> None:
    """A report filtered by an SDG named the goal by its number alone ("Objetivo de Desarrollo
    Sostenible: 4"): it names it with its title in the report's language, as the SDG sections do."""
    params = {"sdg": ["4", "16.2"]}
    titles = sdg_titles("es")
    text = docx_text(client.get(PUBLIC, params={**params, "lang": "es", "format": "docx"}).content)
    assert f"4. {titles['4']}, 16.2 {titles['16.2']}" in text
    page = client.get(PUBLIC, params={**params, "lang": "fr"}).text
    assert f"<dd>4. {escape(sdg_titles('fr')['4'])}, 16.2 " in page
