"""The action pages of the portal (/actions, /actions/{id}): published actions only, their filters, the
indicator chart with its table, the links to and from the recommendation and cluster pages and the evidence
files of an update (the Atom feed: test_action_feed.py). (Their HTML in every language and the absence of
internal data: test_pages.py, which checks every page.)"""

from __future__ import annotations

import re
from html import unescape
from types import SimpleNamespace

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Connection

from app.portal import action_views
from app.portal.pages import PageContext, fragment
from app.public.schemas import PublicAction
from app.web.paragraphs import paragraphs
from tests.builder import building
from tests.conftest import MakeApp, session_on
from tests.portal.seed import (
    ENTITY,
    INDICATOR,
    PUBLISHED_ACTION,
    PUBLISHED_CLUSTER,
    PUBLISHED_PROGRESS,
    PUBLISHED_PROGRESS_MORE,
    SECRETS,
    SUPPORTING_ENTITY,
    Seeded,
)
from tests.portal.test_pages import check_html


def _titles(html: str) -> list[str]:
    return re.findall(r'<h3[^>]*><a href="/actions/\d+">([^<]*)</a></h3>', html)


def test_the_list_shows_published_actions_with_their_filters(portal: TestClient, seeded: Seeded) -> None:
    page = portal.get("/actions").text
    assert _titles(page) == [PUBLISHED_ACTION]
    assert 'aria-current="page">Actions</a>' in page  # the nav's section
    ministry = re.search(r'<option value="(\d+)">' + ENTITY, page)
    assert ministry and f"{SUPPORTING_ENTITY}</option>" in page  # the entities of published actions
    for query, found in (
        ({"q": "secondary SCHOOLS"}, True),
        ({"q": "hospital"}, False),
        ({"status": "in_progress"}, True),
        ({"status": "completed"}, False),
        ({"entity": ministry.group(1)}, True),
        ({"cluster": str(seeded.cluster_id)}, True),
        ({"cluster": str(seeded.unpublished_cluster_id)}, False),
        ({"recommendation": str(seeded.education_id)}, True),
        ({"recommendation": str(seeded.withdrawn_id)}, False),
    ):
        response = portal.get("/actions", params=query)
        assert response.status_code == 200, query
        assert _titles(response.text) == ([PUBLISHED_ACTION] if found else []), query
    assert "No published action matches these filters." in portal.get("/actions?q=hospital").text


def test_words_in_the_title_are_read_without_quotes_or_punctuation(
    portal: TestClient, seeded: Seeded
) -> None:
    """Typed as in the recommendations' search box (a quoted phrase), or pasted from a text (a
    comma, brackets, a full stop), the words found nothing: each was looked for with its quote or
    punctuation ("\"secondary" in the title)."""
    for typed in ('"secondary schools"', "«rural districts»", "schools,", "(rural)", f"{PUBLISHED_ACTION}."):
        response = portal.get("/actions", params={"q": typed})
        assert _titles(response.text) == [PUBLISHED_ACTION], typed
    assert _titles(portal.get("/actions", params={"q": '"hospital"'}).text) == []


def test_a_refused_filter_is_named_and_kept(portal: TestClient, seeded: Seeded) -> None:
    response = portal.get("/actions", params={"status": "secret", "entity": "abc", "q": "schools"})
    assert response.status_code == 422
    assert response.headers["cache-control"] == "no-store"
    text = response.text
    assert '<a href="#status">Action status: &#34;secret&#34; is not one of the choices</a>' in text
    assert '<a href="#entity">Responsible entity: &#34;abc&#34; is not one of the choices</a>' in text
    assert 'id="q" name="q" value="schools"' in text
    assert '<option value="secret" selected>secret</option>' in text
    assert 'id="results"' not in text
    check_html(text)
    # A link's hidden filter that is refused becomes a field of its own, to correct or empty.
    linked = portal.get("/actions", params={"cluster": "abc"})
    assert linked.status_code == 422
    check_html(linked.text)
    assert 'id="cluster" name="cluster" value="abc" aria-invalid="true"' in linked.text
    # A client that asks for JSON gets problem+json naming the fields.
    problem = portal.get("/actions?status=secret", headers={"Accept": "application/json"})
    assert problem.status_code == 422
    assert problem.json()["errors"][0]["field"] == "status"


def test_the_action_page_shows_what_is_public(portal: TestClient, seeded: Seeded) -> None:
    response = portal.get(f"/actions/{seeded.action_id}")
    assert response.status_code == 200
    assert response.headers["etag"]
    page = response.text
    assert f'<h1 dir="auto">{PUBLISHED_ACTION}</h1>' in page
    for shown in ("Schools in the highlands.", ENTITY, SUPPORTING_ENTITY, PUBLISHED_PROGRESS, "In progress"):
        assert shown in page, shown
    assert '<time datetime="2025-01-01">Jan 1, 2025</time>' in page  # the start date, localised
    heading = "Committee on the Rights of the Child · CRC/C/PER/CO/6 · para. 12"
    assert f'<a href="/recommendations/{seeded.education_id}">{heading}</a>' in page
    assert f'<a href="/clusters/{seeded.cluster_id}">{PUBLISHED_CLUSTER}</a>' in page
    assert "4.1: By 2030, ensure that all girls and boys complete free" in page
    # Only the published update, with its anchor (the feed's entries point at it) and its evidence link.
    assert page.count('<li id="progress-') == 1
    assert f'<li id="progress-{seeded.progress_id}">' in page
    assert 'href="https://example.org/evidence"' in page


def test_a_progress_narrative_keeps_its_paragraphs_and_lines(portal: TestClient, seeded: Seeded) -> None:
    """A focal point's narrative of several paragraphs was one run-on paragraph on the public pages,
    while the staff workspace showed it as written."""
    second, third = PUBLISHED_PROGRESS_MORE
    written = f"<p>{PUBLISHED_PROGRESS}</p><p>{second}<br>{third}</p>"
    for path in (f"/actions/{seeded.action_id}", f"/recommendations/{seeded.education_id}"):
        page = re.sub(r">\s+<", "><", portal.get(path).text)
        assert written in page, path
    # Escaped as before, whatever the line endings the browser sent.
    assert paragraphs("a <b>\r\n\r\n\r\nc &\r\nd\n") == "<p>a &lt;b&gt;</p><p>c &amp;<br>d</p>"


def test_typed_texts_take_the_direction_of_their_own_script(portal: TestClient, seeded: Seeded) -> None:
    """A narrative or a description a Jordanian focal point writes in Arabic was laid out left to right
    on an English, French or Spanish page (its full stop and its numbers at the wrong end, its lines
    aligned left): each such text now takes its direction from its first letter (``dir="auto"``), as
    the recommendations' texts take theirs from their language."""
    for path in (f"/actions/{seeded.action_id}", f"/recommendations/{seeded.education_id}"):
        assert '<div class="narrative" dir="auto">' in portal.get(path).text, path
    action_page = portal.get(f"/actions/{seeded.action_id}").text
    assert '<div class="description" dir="auto"><p>Schools in the highlands.</p></div>' in action_page
    cluster_page = portal.get(f"/clusters/{seeded.cluster_id}").text
    assert '<div class="description" dir="auto"><p>Access to school.</p></div>' in cluster_page
    assert '<p dir="auto">Schools in the highlands.</p>' in portal.get("/actions").text
    # The titles and names typed beside them too: an action's or a cluster's heading, an indicator's.
    action, cluster = f"/actions/{seeded.action_id}", f"/clusters/{seeded.cluster_id}"
    titled = f' dir="auto"><a href="{action}">{PUBLISHED_ACTION}</a></h3>'
    for path, written in (
        (action, f'<h1 dir="auto">{PUBLISHED_ACTION}</h1>'),
        (action, f'-heading" dir="auto">{INDICATOR}</h3>'),
        (cluster, f'<h1 dir="auto">{PUBLISHED_CLUSTER}</h1>'),
        (cluster, titled),
        ("/actions", titled),
        (f"/recommendations/{seeded.education_id}", titled),
        ("/clusters", f'<a href="{cluster}" dir="auto">{PUBLISHED_CLUSTER}</a>'),
    ):
        assert written in portal.get(path).text, (path, written)


@pytest.mark.parametrize(
    ("lang", "name"), [("fr", "Comité des droits de l&#39;enfant"), ("es", "Comité de los Derechos del Niño")]
)
def test_the_action_page_names_the_mechanisms_in_the_readers_language(
    portal: TestClient, seeded: Seeded, lang: str, name: str
) -> None:
    # As the search page and a cluster's page name them (the mechanism table's official names).
    page = portal.get(f"/actions/{seeded.action_id}", params={"lang": lang}).text
    link = f'<a href="/recommendations/{seeded.education_id}?lang={lang}">{name} · CRC/C/PER/CO/6 · '
    assert link in page
    assert "Committee on the Rights of the Child" not in page


def test_the_indicator_has_a_chart_and_the_same_numbers_in_a_table(
    portal: TestClient, seeded: Seeded
) -> None:
    page = portal.get(f"/actions/{seeded.action_id}").text
    chart = re.search(
        r'<svg class="chart" role="img" aria-labelledby="(indicator-\d+)-title \1-desc".*?</svg>', page
    )
    assert chart, "no chart"
    svg = chart.group(0)
    assert f'<title id="{chart.group(1)}-title">{INDICATOR} (schools)</title>' in svg
    assert "<title>Mar 31, 2025: 5</title>" in svg and "<title>Jun 30, 2025: 12.5</title>" in svg
    assert "<title>Baseline: 0</title>" in svg and "<title>Target: 40</title>" in svg
    table = page[page.index('<table tabindex="0">', chart.end()) : page.index("</table>", chart.end())]
    assert f"<caption>Data of the chart: {INDICATOR} (schools)</caption>" in table
    row = r'<th scope="row"><time datetime="([\d-]+)">[^<]*</time></th><td class="number">([^<]*)'
    assert re.findall(row, table) == [("2025-03-31", "5"), ("2025-06-30", "12.5")]
    # Numbers and dates in the reader's language.
    french = portal.get(f"/actions/{seeded.action_id}", params={"lang": "fr"}).text
    assert "<title>30 juin 2025 : 12,5</title>" in french or "<title>30 juin 2025: 12,5</title>" in french


def test_unpublished_and_unknown_actions_are_404_pages(portal: TestClient, seeded: Seeded) -> None:
    for path in (f"/actions/{seeded.unpublished_action_id}", "/actions/2147483647"):
        response = portal.get(path)
        assert response.status_code == 404, path
        assert "Page not found" in response.text
        assert SECRETS["unpublished_action"] not in response.text
    assert portal.get("/actions/abc").status_code == 404  # a malformed id names no page either
    assert SECRETS["unpublished_action"] not in portal.get("/actions").text


def test_recommendation_and_cluster_pages_link_their_public_actions(
    portal: TestClient, seeded: Seeded
) -> None:
    link = f'<a href="/actions/{seeded.action_id}">{PUBLISHED_ACTION}</a>'
    recommendation = portal.get(f"/recommendations/{seeded.education_id}").text
    assert link in recommendation
    assert f'href="/actions/{seeded.unpublished_action_id}"' not in recommendation
    cluster = portal.get(f"/clusters/{seeded.cluster_id}").text
    assert link in cluster and "Actions in this cluster" in cluster
    assert f'href="/actions/{seeded.unpublished_action_id}"' not in cluster
    # The language chosen is kept in the links.
    french = portal.get(f"/clusters/{seeded.cluster_id}?lang=fr").text
    assert f'href="/actions/{seeded.action_id}?lang=fr"' in french


def test_evidence_files_are_listed_when_the_public_update_has_them(seeded: Seeded, db: Connection) -> None:
    """The partial shows an update's `evidence` list (id, filename, media type, size, url) whenever the
    public shape carries one; an update without the field shows none."""
    page = PageContext("en", False, "actions", "/actions/1", ())
    with session_on(db) as session:
        context = action_views.action(session, page, seeded.action_id)
    public: PublicAction = context["action"]
    update = public.progress[0].model_dump()
    evidence = [
        {
            "id": 7,
            "filename": "report.pdf",
            "media_type": "application/pdf",
            "size": 2_500_000,
            "url": "/api/v1/public/evidence/7",
        }
    ]
    files = [SimpleNamespace(**{**update, "evidence": evidence})]  # the field, once the schema has it too
    with_files = SimpleNamespace(**{**public.model_dump(), "progress": files})
    html = fragment(page, "_action.html", {**context, "action": with_files, "level": 2})
    assert '<a href="/api/v1/public/evidence/7" type="application/pdf" download>report.pdf</a>' in html
    # Its format as people name it: the media type ("application/vnd.openxmlformats-...") said little;
    # its size as the staff pages write it (it was "2,442 KB", and a 24 MB file "24,576 KB").
    assert "(PDF, 2.38 MB)" in html
    assert "Evidence files:" not in fragment(page, "_action.html", {**context, "level": 2})


def test_an_entity_that_names_nothing_is_refused_as_on_every_list(portal: TestClient, seeded: Seeded) -> None:
    """The public actions answered an empty list where the recommendations, the feed and the calendar
    answer 422 naming the parameter and the value."""
    response = portal.get("/api/v1/public/actions", params={"entity": "999999"})
    assert response.status_code == 422 and response.headers["content-type"] == "application/problem+json"
    [error] = response.json()["errors"]
    assert error["field"] == "entity" and error["reason"].startswith("'999999' is not a known")
    page = portal.get("/actions", params={"entity": "999999"})
    assert page.status_code == 422 and '<a href="#entity">' in page.text


def test_a_filter_given_twice_is_named_not_searched_for_its_last_value(
    portal: TestClient, seeded: Seeded
) -> None:
    """/actions?status=in_progress&status=planned said "Actions found: 0" (the last status alone), and
    /actions?q=schools&q=hospital searched "hospital" alone, where the public API refuses a repeated
    one-value parameter and the search page names it. Every field of the action list's form takes one
    value: given twice, the page names it, the rest of the form kept."""
    one = "This field takes one value: the address gives it several."
    for name, values in (
        ("status", ["in_progress", "planned"]),
        ("q", ["schools", "hospital"]),
        ("cluster", [str(seeded.cluster_id), str(seeded.unpublished_cluster_id)]),
        ("recommendation", [str(seeded.education_id), str(seeded.withdrawn_id)]),
    ):
        response = portal.get("/actions", params=[(name, value) for value in values])
        assert response.status_code == 422, name
        text = unescape(response.text)
        assert f'<a href="#{name}">' in text and one in text, name
        assert 'id="results"' not in text
        check_html(response.text)
    kept = unescape(portal.get("/actions", params=[("q", "a"), ("q", "b"), ("status", "in_progress")]).text)
    assert '<option value="in_progress" selected>' in kept
    french = unescape(portal.get("/actions", params=[("q", "a"), ("q", "b"), ("lang", "fr")]).text)
    assert "Ce champ prend une seule valeur" in french
    problem = portal.get("/actions?q=a&q=b", headers={"Accept": "application/json"})
    assert problem.status_code == 422 and problem.json()["errors"][0]["field"] == "q"
    assert _titles(portal.get("/actions", params={"status": "in_progress"}).text) == [PUBLISHED_ACTION]


def test_the_data_dates_are_labelled_with_the_zone_they_are_shown_in(
    make_app: MakeApp, seeded: Seeded
) -> None:
    # With NRTD_TIME_ZONE set, the times are shown in that zone: the "(UTC)" written after them was
    # then five hours wrong for Lima.
    for zone in ("UTC", "America/Lima"):
        with TestClient(make_app(time_zone=zone)) as client:
            page = client.get("/exports").text
        assert page.count(f"</time> ({zone})") == 2, page


def test_a_list_of_one_cluster_s_or_recommendation_s_actions_names_it(
    portal: TestClient, seeded: Seeded
) -> None:
    """From a cluster's page ("every action of this cluster") or a recommendation's, the list said only
    "Only the actions linked to one cluster or recommendation are listed": a reader (or a screen reader
    landing on it, or a printed page) could not tell which. It now names it, linked to its page."""
    cluster = portal.get("/actions", params={"cluster": seeded.cluster_id}).text
    assert "Only the actions of this cluster are listed:" in cluster
    assert f'<a href="/clusters/{seeded.cluster_id}">{PUBLISHED_CLUSTER}</a>' in cluster
    recommendation = portal.get("/actions", params={"recommendation": seeded.education_id}).text
    assert "Only the actions of this recommendation are listed:" in recommendation
    assert f'<a href="/recommendations/{seeded.education_id}">' in recommendation
    assert "CRC/C/PER/CO/6" in recommendation.split("are listed:", 1)[1].split("</p>", 1)[0]
    # A cluster the public does not see is named nowhere: the list is empty, its note says no more.
    hidden = portal.get("/actions", params={"cluster": seeded.unpublished_cluster_id}).text
    assert "Only the actions linked to one cluster or recommendation are listed." in hidden
    assert all(secret not in hidden for secret in SECRETS)
    check_html(cluster)


def test_the_entity_chosen_stays_chosen_when_it_has_no_published_action(
    db: Connection, make_app: MakeApp
) -> None:
    """The form offers the entities of published actions; an address naming another entity (one whose
    actions were unpublished, one written "03") filtered by it while the form said "Any entity" beside
    "Actions found: 0". It is chosen by name now, in the form and in the printed summary. An entity
    nothing public names is refused as an unknown one (never named: app.entities.reading)."""
    with building(db) as build:
        ministry = build.entity("Ministry of Education")
        ombudsman = build.entity("Ombudsman Office")
        hidden = build.entity("Internal Audit Unit")
        build.action("Train teachers", status="in_progress", lead_entity_id=ministry.id, published=True)
        build.action("Visit prisons", status="in_progress", lead_entity_id=ombudsman.id, published=False)
        build.cluster("Justice", lead_entity_id=ombudsman.id, published=True)  # named by the public
    portal = TestClient(make_app())
    idle = portal.get("/actions", params={"entity": str(ombudsman.id)}).text
    assert "Actions found: 0" in idle
    assert f'<option value="{ombudsman.id}" selected>Ombudsman Office</option>' in idle
    assert '<p class="print-only search-summary">Responsible entity: Ombudsman Office</p>' in idle
    refused = portal.get("/actions", params={"entity": str(hidden.id)})
    assert refused.status_code == 422 and "Internal Audit Unit" not in refused.text
    padded = portal.get("/actions", params={"entity": f"0{ministry.id}"}).text
    assert "Actions found: 1" in padded
    assert f'<option value="{ministry.id}" selected>Ministry of Education</option>' in padded


def test_a_description_keeps_its_paragraphs_and_lines(db: Connection, make_app: MakeApp) -> None:
    """A coordinator's action or cluster description of several paragraphs and lines (a list of
    steps) was one run-on paragraph on the public pages, while the staff pages showed it as typed."""
    written = "Step one.\r\nStep two.\r\n\r\nThen the <b>review</b>."
    with building(db) as build:
        action = build.action("Train judges", status="planned", description=written, published=True)
        cluster = build.cluster("Justice reform", description=written, published=True)
    portal = TestClient(make_app())
    shown = "<p>Step one.<br>Step two.</p><p>Then the &lt;b&gt;review&lt;/b&gt;.</p>"
    for path, opening in (
        (f"/actions/{action.id}", '<div class="description" dir="auto">'),
        (f"/clusters/{cluster.id}", '<div class="description" dir="auto">'),
    ):
        page = re.sub(r">\s+<", "><", portal.get(path).text)
        assert opening + shown + "</div>" in page, path


def test_files_of_one_name_are_told_apart(db: Connection, make_app: MakeApp) -> None:
    """A focal point attached two reports both named report.pdf (two regions' copies): the public read
    two links alike, "report.pdf (PDF, 1 KB)", and could not tell which was which. Each one of a name
    that repeats now says which file of the update it is; a name alone keeps its plain link."""
    with building(db) as build:
        action = build.action("Train judges", status="planned", published=True)
        update = build.progress(action.id, "published", "Two regions.")
        first = build.evidence(update.id, "report.pdf", "application/pdf", 900)
        build.evidence(update.id, "photo.jpg", "image/jpeg", 900)
        third = build.evidence(update.id, "report.pdf", "application/pdf", 900)
    page = TestClient(make_app()).get(f"/actions/{action.id}").text
    for row, number in ((first, 1), (third, 3)):
        assert re.search(
            rf'<a href="/api/v1/public/evidence/{row.id}"[^>]*>report.pdf \(file {number} of 3\)</a>', page
        ), number
    assert re.search(r"download>photo.jpg</a>", page)


def test_an_action_of_a_cluster_names_the_recommendations_it_serves_through_it(
    seeded: Seeded, db: Connection, make_app: MakeApp
) -> None:
    """An action linked only to a cluster said "Recommendations it implements: None", while the
    cluster's recommendations listed it among theirs (``serving``): it now names them, under the
    cluster they come through, the current ones of the clusters the public sees."""
    with building(db) as build:
        other = build.cluster("Schools and courts", [seeded.withdrawn_id, seeded.torture_id], published=True)
        action = build.action(
            "Build rural schools",
            status="planned",
            clusters=[seeded.cluster_id, other.id, seeded.archived_cluster_id, seeded.unpublished_cluster_id],
            published=True,
        )
    html = TestClient(make_app()).get(f"/actions/{action.id}").text
    section = html.split('id="action-recommendations"')[1].split('id="action-clusters"')[0]
    assert "None" not in section
    assert f'Cluster: <a href="/clusters/{seeded.cluster_id}">{PUBLISHED_CLUSTER}</a>' in section
    assert f'href="/recommendations/{seeded.education_id}"' in section
    assert f'Cluster: <a href="/clusters/{other.id}">Schools and courts</a>' in section
    assert f'href="/recommendations/{seeded.torture_id}"' in section
    assert f'href="/recommendations/{seeded.withdrawn_id}"' not in section
    assert SECRETS["archived_cluster"] not in html and SECRETS["unpublished_cluster"] not in html
    assert section.index(PUBLISHED_CLUSTER) < section.index(f"/recommendations/{seeded.education_id}")
    check_html(html)
