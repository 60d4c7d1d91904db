"""The publisher on every page, the accessibility statement, "last updated" on the open-data page,
and HTML error pages for the refusals made before the app runs (a NUL in the address, a body too large)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterator
from html import unescape
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError
from sqlalchemy import Connection

from app.core.config import Settings
from app.feed.mechanisms import KNOWN_MECHANISMS, localised_name, resolve_mechanism
from app.models import SourceLink
from app.portal.static import PORTAL_DIR
from app.web.i18n import environment, translations
from tests.conftest import MakeApp, session_on
from tests.portal.seed import ENTITY, Seeded
from tests.portal.test_pages import check_html, pages

ATOM = "{http://www.w3.org/2005/Atom}"
PUBLISHER = {
    "site_name": "Lesotho — Recommendations Tracking",
    "publisher": "Ministry of Justice and Law, Human Rights Unit",
    "contact_email": "nrtd@justice.example.org",
    "contact_url": "https://justice.example.org/contact",
}


@pytest.fixture
def site(make_app: MakeApp) -> Iterator[TestClient]:
    with TestClient(make_app(**PUBLISHER)) as client:
        yield client


@pytest.mark.parametrize("lang", ["en", "fr", "es"])
def test_every_page_names_the_publisher_contact_and_licence(
    site: TestClient, seeded: Seeded, lang: str
) -> None:
    for path in [*pages(seeded), "/accessibility", "/no-such-page"]:
        response = site.get(path, params={"lang": lang})
        text = response.text
        assert "<title>" in text and "· Lesotho — Recommendations Tracking</title>" in text, path
        footer = text.split('<footer class="site-footer">')[1]
        assert "Ministry of Justice and Law, Human Rights Unit" in footer, path
        assert 'href="mailto:nrtd@justice.example.org"' in footer, path
        assert 'href="https://justice.example.org/contact"' in footer, path
        assert '<a href="https://creativecommons.org/licenses/by/4.0/" rel="license">CC BY 4.0</a>' in footer
        assert "/accessibility" in footer
        check_html(text)


def test_defaults_are_neutral_and_in_the_readers_language(portal: TestClient, seeded: Seeded) -> None:
    english = portal.get("/stats").text
    assert "· Recommendation tracker</title>" in english
    assert "National mechanism for implementation, reporting and follow-up" in english
    assert "mailto:" not in english  # no contact set: none shown
    french = unescape(portal.get("/stats?lang=fr").text)
    assert _("fr", "National mechanism for implementation, reporting and follow-up") in french
    assert _("fr", "Accessibility statement") in french


def _(lang: str, message: str) -> str:
    """A string as the shipped catalogue words it (compare with the page's text unescaped: a
    template's own words come out as they are, a variable's escaped)."""
    return translations(lang).gettext(message)


@pytest.mark.parametrize("lang", ["en", "fr", "es"])
def test_the_default_accessibility_statement(portal: TestClient, lang: str) -> None:
    response = portal.get("/accessibility", params={"lang": lang})
    assert response.status_code == 200
    assert response.headers["content-language"] == lang
    text = unescape(response.text)
    assert f"<h1>{_(lang, 'Accessibility statement')}</h1>" in text
    for heading in ("How the site was tested", "Known limitations", "Feedback and contact"):
        assert f"<h2>{_(lang, heading)}</h2>" in text
    assert "WCAG" in text and "2.1" in text and "axe-core" in text
    check_html(text)


def test_the_publishers_own_statement_per_language(make_app: MakeApp, tmp_path: Path) -> None:
    (tmp_path / "statement.en.txt").write_text("We tested <everything>.\n\nWrite to us.\n", encoding="utf-8")
    (tmp_path / "statement.fr.txt").write_text("Nous avons tout testé.\n", encoding="utf-8")
    app = make_app(accessibility_statement=str(tmp_path / "statement.{lang}.txt"))
    with TestClient(app) as client:
        english = client.get("/accessibility").text
        assert "<p>We tested &lt;everything&gt;.</p>" in english
        assert "<p>Write to us.</p>" in english
        assert "axe-core" not in english
        assert "<p>Nous avons tout testé.</p>" in client.get("/accessibility?lang=fr").text
        # No Spanish file: the English one, marked as English.
        spanish = client.get("/accessibility?lang=es").text
        assert '<div lang="en">' in spanish and "We tested" in spanish


def test_the_open_data_page_says_when_the_data_last_changed(portal: TestClient, seeded: Seeded) -> None:
    text = portal.get("/exports?lang=fr").text
    assert f"<h2>{_('fr', 'Last updated')}</h2>" in text
    published = text.split(_("fr", "Last published change"))[1].split("</dd>")[0]
    assert '<time datetime="20' in published


def test_a_nul_in_the_address_gives_a_page(portal: TestClient) -> None:
    for path in ("/recommendations/%00", "/a%00b"):
        response = portal.get(path, params={"lang": "fr"})
        assert response.status_code == 422, path
        assert response.headers["content-type"].startswith("text/html"), path
        assert "\x00" not in response.text
        assert "Page introuvable" in response.text
        assert _("fr", "This address is not valid.") in unescape(response.text)
        check_html(response.text)
    api = portal.get("/api/v1/public/recommendations/%00")
    assert api.headers["content-type"] == "application/problem+json"
    json_client = portal.get("/a%00b", headers={"Accept": "application/json"})
    assert json_client.headers["content-type"] == "application/problem+json"


def test_a_body_too_large_gives_a_page(portal: TestClient) -> None:
    response = portal.post("/", content=b"x" * (2 * 1024 * 1024), headers={"Accept-Language": "es"})
    assert response.status_code == 413
    assert response.headers["content-type"].startswith("text/html")
    assert response.headers["content-language"] == "es"
    check_html(response.text)
    api = portal.post("/api/v1/auth/login", content=b"x" * (2 * 1024 * 1024))
    assert api.status_code == 413
    assert api.headers["content-type"] == "application/problem+json"


def test_the_atom_feed_names_the_site_publisher_and_licence(site: TestClient) -> None:
    response = site.get("/api/v1/public/feed.atom")
    root = ET.fromstring(response.content)
    assert (root.findtext(f"{ATOM}title") or "").startswith("Lesotho — Recommendations Tracking: ")
    assert root.findtext(f"{ATOM}author/{ATOM}name") == PUBLISHER["publisher"]
    assert root.findtext(f"{ATOM}author/{ATOM}email") == PUBLISHER["contact_email"]
    assert root.findtext(f"{ATOM}author/{ATOM}uri") == PUBLISHER["contact_url"]
    assert root.findtext(f"{ATOM}rights") == "CC BY 4.0 (https://creativecommons.org/licenses/by/4.0/)"


@pytest.mark.parametrize(
    ("lang", "mechanism", "published", "reported"),
    [
        ("fr", "Comité des droits de l&#39;enfant", "1 mars 2025", "30 mai 2025"),
        ("es", "Comité de los Derechos del Niño", "1 mar 2025", "30 may 2025"),
        ("en", "Committee on the Rights of the Child", "Mar 1, 2025", "May 30, 2025"),
    ],
)
def test_labels_and_dates_in_the_readers_language(
    portal: TestClient, seeded: Seeded, lang: str, mechanism: str, published: str, reported: str
) -> None:
    text = portal.get(f"/recommendations/{seeded.education_id}", params={"lang": lang}).text
    assert f"<dd>{mechanism}</dd>" in text
    assert f'<time datetime="2025-03-01">{published}</time>' in text
    assert f'<time datetime="2025-05-30">{reported}</time>' in text
    assert ">2025-03-01<" not in text  # no ISO date left for a reader
    # The themes come from the English export: marked as English on another language's page.
    theme = "Right to education"
    assert (f'<span lang="en">{theme}</span>' if lang != "en" else f"<dd>{theme}</dd>") in text
    listing = portal.get("/", params={"lang": lang}).text
    assert f">{mechanism} · " in listing
    # The search form's choice: the mechanism's name in the reader's language and its count.
    assert f'value="CRC"> <span>{mechanism}</span> <span class="count">(1)</span></label>' in listing
    assert '<time datetime="2025-03-01">' in listing and ">2025-03-01<" not in listing
    stats = portal.get("/stats", params={"lang": lang}).text
    assert f'<th scope="row">{mechanism}</th>' in stats


def test_a_mechanism_without_a_translation_is_marked_english(portal: TestClient, seeded: Seeded) -> None:

    # Every special procedure of the table has its French name now; a mandate new to the feed, which the
    # import files under a code of its own (resolve_mechanism), has none.
    untranslated = resolve_mechanism("SR Right to a new thing")
    assert untranslated.family == "special-procedure" and localised_name(untranslated.code, "fr") is None
    render = environment(PORTAL_DIR / "templates", "fr").from_string("{{ m | mechanism('en') }}").render
    assert render(m=untranslated) == '<span lang="en">SR Right to a new thing</span>'
    crc = next(m for m in KNOWN_MECHANISMS if m.code == "CRC")
    assert render(m=crc) == "Comité des droits de l&#39;enfant"
    torture = next(m for m in KNOWN_MECHANISMS if m.code == "SR-TORTURE")
    assert render(m=torture) == (
        "Rapporteur spécial sur la torture et autres peines ou traitements cruels, inhumains ou dégradants"
    )


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("contact_email", "not an address"),
        ("contact_email", "a@b"),
        ("contact_url", "javascript:alert(1)"),
        ("data_licence_url", "ftp://example.org/licence"),
    ],
)
def test_unsafe_publisher_settings_are_refused(field: str, value: str) -> None:
    with pytest.raises(ValidationError, match=field):
        Settings(**{field: value})  # type: ignore[arg-type]


def test_several_values_of_a_filter_are_searched_together(portal: TestClient, seeded: Seeded) -> None:
    """/?mechanism=CAT&mechanism=SPT said "45 recommendations found", those of SPT alone, and its links
    carried SPT alone. The form's filters take several values, as the API's: any of them matches,
    every one stays ticked and in the next page's and the download's links."""
    both = portal.get("/", params=[("mechanism", "CRC"), ("mechanism", "UPR")])
    assert both.status_code == 200
    text = unescape(both.text)
    assert "2 recommendations found" in text
    assert 'name="mechanism" value="CRC" checked>' in text and 'name="mechanism" value="UPR" checked>' in text
    assert 'Mechanism <span class="chosen">(2 chosen)</span>' in text
    assert "recommendations.csv?mechanism=CRC&mechanism=UPR" in text  # the download's link
    assert "1 recommendation found" in portal.get("/", params={"mechanism": "CRC"}).text
    french = portal.get("/", params=[("mechanism", "CRC"), ("mechanism", "UPR"), ("lang", "fr")])
    assert "(2 choisis)" in french.text
    check_html(both.text)
    # A value given twice is searched once.
    assert "1 recommendation found" in portal.get("/", params=[("mechanism", "CRC")] * 2).text


def test_a_one_value_field_given_twice_is_named_not_dropped(portal: TestClient, seeded: Seeded) -> None:
    """The words, the cluster and the order take one value: given twice, the page names the field
    rather than search for the last value alone."""
    response = portal.get("/", params=[("q", "children"), ("q", "torture"), ("mechanism", "CRC")])
    assert response.status_code == 422
    text = unescape(response.text)
    assert '<a href="#q">' in text and "This field takes one value: the address gives it several." in text
    assert 'name="mechanism" value="CRC" checked>' in text  # the rest of the search is kept
    french = unescape(portal.get("/", params=[("sort", "newest"), ("sort", "oldest"), ("lang", "fr")]).text)
    assert '<a href="#sort">' in french and "Ce champ prend une seule valeur" in french
    check_html(response.text)
    one = portal.get("/", params={"mechanism": "CRC"})
    assert one.status_code == 200


def test_a_linked_copy_s_page_leads_to_its_recommendation(
    portal: TestClient, seeded: Seeded, db: Connection
) -> None:
    """A UPR Info row or a manual copy linked to its UHRI record is left out of every list, and its work
    moves to the record (docs/sources.md), but its own page still answered, saying "Not started", no
    action: a reader following an old link read the wrong status. It leads to the record's page now,
    in the reader's language; a copy whose record is withdrawn is listed again, and its page shown."""
    with session_on(db) as session:
        session.add(
            SourceLink(
                leader_id=seeded.education_id, member_id=seeded.torture_id, state="linked", method="manual"
            )
        )
        session.commit()
    copy = f"/recommendations/{seeded.torture_id}"
    moved = portal.get(copy, params={"lang": "fr"}, follow_redirects=False)
    assert moved.status_code == 307
    assert moved.headers["location"] == f"/recommendations/{seeded.education_id}?lang=fr"
    assert moved.headers["cache-control"] == "no-store"  # a coordinator may unlink them
    assert portal.get(copy).url.path == f"/recommendations/{seeded.education_id}"
    with session_on(db) as session:
        session.query(SourceLink).filter_by(member_id=seeded.torture_id).update(
            {"leader_id": seeded.withdrawn_id}
        )
        session.commit()
    assert portal.get(copy, follow_redirects=False).status_code == 200


def test_a_printed_search_names_its_words_and_filters(portal: TestClient, seeded: Seeded) -> None:
    """Print hides the form: a line that only print shows says what was searched, in the form's words."""
    asked = [
        ("q", "<girls>"),
        ("mechanism", "CRC"),
        ("status", "not_started"),
        ("cycle", "3"),
        ("sort", "oldest"),
    ]
    text = portal.get("/", params=asked).text
    summary = text.split('<p class="print-only search-summary">')[1].split("</p>")[0]
    assert summary == (
        "Words to search for: &lt;girls&gt; · Mechanism: Committee on the Rights of the Child · "
        "Implementation status: Not started · UPR cycle: 3 · Order: Oldest first"
    )
    css = portal.get("/static/portal.css").text
    assert ".print-only { display: none; }" in css and ".print-only { display: block !important; }" in css
    french = portal.get("/", params={"theme": "Right to education", "lang": "fr"}).text
    assert (
        '<p class="print-only search-summary">Thème : <span lang="en">Right to education</span></p>' in french
    )
    # Nothing chosen, or a refused search (its form names the fields): no such line.
    assert "search-summary" not in portal.get("/").text
    assert "search-summary" not in portal.get("/", params={"cycle": "abc"}).text


def test_a_printed_search_names_the_address_filters_in_the_readers_words(
    portal: TestClient, seeded: Seeded
) -> None:
    """A search whose address gives filters the form has no choice list for (a link written for the API)
    printed them as typed, codes and ids: « Type : observation · Pays : PE · Source : uhri · Entité
    responsable : 3 · Responsabilité : lead » on a French page. They are named as the report names its
    filters: a type, a source, a role by its label, a State by its name, an entity by its name."""
    asked = {
        "type": "recommendation",
        "country": "PE",
        "source": "uhri",
        "entity": str(seeded.entity_id),
        "responsibility": "lead",
        "published_from": "2020-01-01",
        "lang": "fr",
    }
    text = unescape(portal.get("/", params=asked).text)
    summary = text.split('<p class="print-only search-summary">')[1].split("</p>")[0]
    for shown in (
        "Type : Recommandation",
        "Pays : Pérou",
        "Source : UHRI",
        f"Entité responsable : {ENTITY} (MINEDU)",
        "Responsabilité : Chef de file",
        "1 janv. 2020",
    ):
        assert shown in summary, (shown, summary)
    # The form keeps each value as typed, to be changed and sent again.
    assert f'<input type="text" id="entity" name="entity" value="{seeded.entity_id}">' in text


def test_a_printed_action_list_names_its_words_and_filters(portal: TestClient, seeded: Seeded) -> None:
    asked = {"q": "schools", "status": "in_progress", "entity": str(seeded.entity_id)}
    text = portal.get("/actions", params=asked).text
    summary = text.split('<p class="print-only search-summary">')[1].split("</p>")[0]
    assert summary.startswith(
        "Words in the title: schools · Action status: In progress · Responsible entity: Ministry"
    )
    assert "search-summary" not in portal.get("/actions").text


def test_the_family_position_and_affected_persons_filters_are_searched_with_their_counts(
    portal: TestClient, seeded: Seeded
) -> None:
    """The public API and its facets take `family`, `position` and `affected_person`, but the portal
    dropped them: /?position=supported listed every recommendation, and /?position=maybe (a 422 from
    the API) did too. The form offers them as it offers the other filters, with their live counts."""
    supported = unescape(portal.get("/", params={"position": "supported"}).text)
    assert "1 recommendation found" in supported
    assert (
        'name="position" value="supported" checked> <span>Supported</span> <span class="count">(1)</span>'
        in (supported)
    )
    # Each dimension leaves out its own filter: "No position" still shows the CRC recommendation.
    none = next(line for line in supported.splitlines() if 'name="position" value="none"' in line)
    assert "checked" not in none and '<span class="count">(0)</span>' not in none
    assert (
        'name="family" value="upr"> <span>Universal Periodic Review</span> <span class="count">(1)</span>'
        in (supported)
    )
    families = [("family", "upr"), ("family", "treaty-body")]
    total = portal.get("/api/v1/public/recommendations", params=families).json()["total"]
    assert total > 1 and f"{total} recommendations found" in unescape(portal.get("/", params=families).text)
    girls = unescape(portal.get("/", params={"affected_person": "Girls"}).text)
    assert "1 recommendation found" in girls
    assert (
        'name="affected_person" value="Girls" checked> <span>Girls</span> <span class="count">(1)</span>'
        in girls
    )
    refused = portal.get("/", params={"position": "maybe"})
    assert refused.status_code == 422
    assert '<a href="#position">' in unescape(refused.text)
    french = unescape(portal.get("/", params={"position": "supported", "lang": "fr"}).text)
    assert "Acceptée" in french
    check_html(supported)
