"""The site as a State's publication, in a real browser: the French portal shows French mechanism
names, SDG titles and dates, the footer names the publisher, the accessibility statement passes axe-core,
and the language a reader picks is kept as they move on."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from app.core.config import Settings
from app.taxonomies.service import sdg_titles
from tests.browser import broken_words
from tests.live_server import live_server
from tests.portal.seed import Seeded
from tests.staff.browser_support import AXE, assert_accessible, unreachable_scrollers

# A page flow in the browser runs in one of the two runs (database_run, tests/conftest.py): the
# handlers and services it drives are tested on both databases without a browser.
pytestmark = [pytest.mark.slow, pytest.mark.database_run("postgresql")]

PUBLISHER = {
    "site_name": "Lesotho — Recommendations Tracking",
    "publisher": "Ministry of Justice, Human Rights Unit",
    "contact_email": "nrtd@justice.example.org",
    "contact_url": "https://justice.example.org/contact",
}


@pytest.fixture
def site(settings: Settings, seeded: Seeded) -> Iterator[str]:
    with live_server(settings.model_copy(update=PUBLISHER)) as base_url:
        yield base_url


@pytest.fixture
def french(browser: Browser, site: str) -> Iterator[Page]:
    """A reader whose browser asks for French (Accept-Language), nothing chosen on the site."""
    context = browser.new_context(base_url=site, locale="fr-FR", accept_downloads=True)
    yield context.new_page()
    context.close()


def test_the_french_portal_speaks_french(french: Page, seeded: Seeded) -> None:
    french.goto(f"/recommendations/{seeded.education_id}")
    expect(french.locator("html")).to_have_attribute("lang", "fr")
    facts = french.locator("dl.facts").last
    expect(facts).to_contain_text("Comité des droits de l'enfant")
    expect(facts).to_contain_text(f"4.1 : {sdg_titles('fr')['4.1']}")
    expect(french.locator('time[datetime="2025-03-01"]')).to_have_text("1 mars 2025")
    # A theme UHRI gives in English is marked as English for screen readers.
    expect(facts.locator('span[lang="en"]', has_text="Right to education")).to_have_count(1)
    expect(french.get_by_role("heading", level=1)).to_contain_text("Comité des droits de l'enfant")
    assert_accessible(french)
    # A refused search (a link with a wrong value): the focus starts on the summary of what to correct,
    # whose link takes it to the field.
    french.goto("/?cycle=abc")
    summary = french.get_by_role("alert")
    expect(summary).to_be_focused()
    summary.get_by_role("link").click()
    expect(french.get_by_role("group", name="Cycle de l’EPU")).to_be_focused()  # noqa: RUF001
    assert_accessible(french)
    # The order's choices were cut on a desktop ("Les plus pertinentes d..."): each now fits its box
    # (the drop-down's arrow beside it).
    french.goto("/")
    room, longest = french.locator("#sort").evaluate(
        """select => {
            const style = getComputedStyle(select), pen = document.createElement("canvas").getContext("2d");
            pen.font = style.font;
            const widths = [...select.options].map(option => pen.measureText(option.text).width);
            return [select.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight),
                    Math.max(...widths)];
        }"""
    )
    assert longest + 16 <= room, (longest, room)


def test_the_footer_names_the_publisher_on_every_page(french: Page, seeded: Seeded) -> None:
    for path in ("/", "/stats", "/exports", f"/clusters/{seeded.cluster_id}", "/accessibility"):
        french.goto(path)
        expect(french).to_have_title(f"{french.locator('h1').first.inner_text()} · {PUBLISHER['site_name']}")
        footer = french.get_by_role("contentinfo")
        expect(footer).to_contain_text(PUBLISHER["publisher"])
        expect(footer.locator(f'a[href="mailto:{PUBLISHER["contact_email"]}"]')).to_be_visible()
        expect(footer.locator('a[rel="license"]')).to_have_text("CC BY 4.0")


@pytest.mark.parametrize("lang", ["en", "fr", "es"])
def test_the_accessibility_statement_passes_axe(browser: Browser, site: str, lang: str) -> None:
    context = browser.new_context(base_url=site, locale=lang)
    page = context.new_page()
    page.goto("/")
    page.get_by_role("contentinfo").get_by_role("link").last.click()
    assert page.url.endswith("/accessibility")
    expect(page.locator("html")).to_have_attribute("lang", lang)
    expect(page.locator("main")).to_contain_text("WCAG 2.1")
    expect(page.locator("main")).to_contain_text("axe-core")
    assert_accessible(page)
    page.goto("/exports")  # the open data's dates, localised
    expect(page.locator("main time").first).not_to_have_text("")
    assert_accessible(page)
    context.close()


def test_a_chosen_language_is_kept(french: Page) -> None:
    french.goto("/")
    french.get_by_role("navigation", name="Langue").get_by_role("link", name="Español").click()
    expect(french.locator("html")).to_have_attribute("lang", "es")
    french.get_by_role("navigation", name="Principal").get_by_role("link", name="Estadísticas").click()
    expect(french.locator("html")).to_have_attribute("lang", "es")
    assert "lang=es" in french.url


# The size each chart draws its labels at, in CSS pixels: their font size scaled as the drawing is.
_CHART_LABEL_SIZES = """() => [...document.querySelectorAll("svg.chart")].map((svg) => {
  const label = svg.querySelector(".chart-label");
  const size = label ? parseFloat(getComputedStyle(label).fontSize) : 99;
  return size * svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
})"""


@pytest.mark.parametrize("lang", ["en", "es"])
def test_a_phone_never_scrolls_the_page_sideways(
    browser: Browser, site: str, seeded: Seeded, lang: str
) -> None:
    """At 360 px, wide tables scroll in their own box and long labels wrap: the page itself is no wider
    than the screen (Spanish labels are the longest), no word of a table breaks across lines, and a
    box that scrolls is reached by the keyboard (axe-core: a chart or table holding no link could be
    scrolled with a finger or a mouse only)."""
    context = browser.new_context(base_url=site, viewport={"width": 360, "height": 740})
    page = context.new_page()
    wider, broken, tiny, unreachable = [], [], [], []
    for path in (
        "/",
        "/calendar",
        "/clusters",
        "/stats",
        f"/recommendations/{seeded.education_id}",
        f"/actions/{seeded.action_id}",
        "/exports",
    ):
        page.goto(f"{path}?lang={lang}")
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 360:
            wider.append((path, width))
        broken += [(path, word) for word in broken_words(page)]
        # A chart's labels stay legible: the figure scrolls in its own box rather than the drawing
        # shrinking to the screen (its 12 px labels were drawn at 6 px).
        sizes = page.evaluate(_CHART_LABEL_SIZES)
        tiny += [(path, round(size, 1)) for size in sizes if size < 10]
        unreachable += [(path, target) for target in unreachable_scrollers(page)]
    context.close()
    assert wider == []
    assert broken == []
    assert tiny == []
    assert unreachable == []


def test_the_demo_notice_is_in_a_landmark(browser: Browser, settings: Settings, seeded: Seeded) -> None:
    """On a demo instance (`make run`) the notice that the data is a synthetic sample stood between
    the header and the main content, outside every landmark (axe-core's "region" rule): a
    screen-reader user moving by landmarks never heard it. It is part of the banner now."""
    with live_server(settings.model_copy(update={"demo": True})) as site:
        context = browser.new_context(base_url=site)
        page = context.new_page()
        for path in ("/", "/actions?lang=fr", "/no-such-page"):
            page.goto(path)
            banner = page.get_by_role("banner")
            expect(banner.get_by_role("note")).to_have_class("demo-notice")
            results = AXE.run(page, options={"runOnly": {"type": "rule", "values": ["region"]}})
            assert results.violations_count == 0, f"{path}:\n{results.generate_report()}"
        context.close()
