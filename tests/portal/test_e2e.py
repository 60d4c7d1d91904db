"""The portal in a real headless browser: Debian's chromium driven by Playwright (no browser download).

The app runs under uvicorn on a seeded database (tests/live_server.py); the browser searches,
filters, opens a recommendation, switches language and downloads an export as a person would.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from app.core.config import Settings
from tests.live_server import live_server
from tests.portal.seed import (
    EDUCATION_EN,
    EDUCATION_FR,
    FILLER_COUNT,
    PUBLISHED_ACTION,
    PUBLISHED_PROGRESS,
    SECRETS,
    Seeded,
)
from tests.staff.browser_support import assert_accessible

# A page flow in the browser runs in one of the two runs (database_run, tests/conftest.py): the
# handlers and services it drives are tested on both databases without a browser.
pytestmark = [pytest.mark.slow, pytest.mark.database_run("sqlite")]


@pytest.fixture
def site(settings: Settings, seeded: Seeded) -> Iterator[str]:
    with live_server(settings) as base_url:
        yield base_url


@pytest.fixture
def page(browser: Browser, site: str) -> Iterator[Page]:
    context = browser.new_context(base_url=site, locale="en-GB", accept_downloads=True)
    page = context.new_page()
    yield page
    context.close()


def test_search_filter_page_and_open_a_recommendation(page: Page, seeded: Seeded) -> None:
    page.goto("/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text("Recommendations")
    expect(page.locator("#results")).to_have_text(f"{FILLER_COUNT + 2} recommendations found")

    # The skip link is the first thing the keyboard reaches.
    page.keyboard.press("Tab")
    expect(page.locator(":focus")).to_have_text("Skip to main content")

    # Full-text search.
    page.get_by_label("Words to search for").fill("girls rural")
    page.get_by_role("button", name="Search").click()
    expect(page.locator("#results")).to_have_text("1 recommendation found")
    expect(page.locator(".results")).to_contain_text(EDUCATION_EN)

    # Filters: a theme with more than a page, then the next page.
    page.get_by_label("Words to search for").fill("")
    page.locator("summary", has_text="Theme").click()  # the filter's choices open
    page.get_by_role("checkbox", name="Right to health").check()
    page.get_by_role("button", name="Search").click()
    expect(page.locator("#results")).to_have_text(f"{FILLER_COUNT} recommendations found")
    expect(page.locator(".results > li")).to_have_count(20)
    first_page = page.locator(".results h3 a").all_inner_texts()
    pages = page.get_by_role("navigation", name="Pages")
    pages.get_by_role("link", name="Next page").click()
    expect(page.locator(".results > li")).to_have_count(FILLER_COUNT - 20)
    expect(page.get_by_role("link", name="Next page")).to_have_count(0)
    assert "theme=Right+to+health" in page.url
    assert_accessible(page)
    # And back: the previous page is the first again, the theme still chosen.
    pages.get_by_role("link", name="Previous page").click()
    expect(page.locator(".results > li")).to_have_count(20)
    assert page.locator(".results h3 a").all_inner_texts() == first_page
    expect(pages.get_by_role("link", name="Previous page")).to_have_count(0)
    assert "theme=Right+to+health" in page.url

    page.get_by_role("link", name="Clear all filters").click()
    page.locator("summary", has_text="Implementation status").click()
    page.get_by_role("checkbox", name="In progress").check()
    page.get_by_role("button", name="Search").click()
    expect(page.locator("#results")).to_have_text("1 recommendation found")

    page.locator(".results h3 a").first.click()
    assert page.url.endswith(f"/recommendations/{seeded.education_id}")
    expect(page.locator("blockquote.text")).to_contain_text(EDUCATION_EN)
    expect(page.get_by_role("heading", name=PUBLISHED_ACTION)).to_be_visible()
    expect(page.locator(".timeline")).to_contain_text(PUBLISHED_PROGRESS)
    body = page.content()
    assert not [secret for secret in SECRETS.values() if secret in body]


def test_switch_language(page: Page, seeded: Seeded) -> None:
    page.goto(f"/recommendations/{seeded.education_id}")
    page.get_by_role("navigation", name="Language").get_by_role("link", name="Français").click()
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.locator("blockquote.text")).to_contain_text(EDUCATION_FR)
    expect(page.get_by_role("heading", name="Mise en œuvre")).to_be_visible()
    expect(page.get_by_text("En cours").first).to_be_visible()

    # The choice is kept from page to page.
    page.get_by_role("link", name="Toutes les recommandations").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Recommandations")
    expect(page.get_by_label("Mots à rechercher")).to_be_visible()

    # A record without French text: shown in English, marked as such.
    page.goto(f"/recommendations/{seeded.torture_id}?lang=fr")
    quote = page.locator("blockquote.text")
    expect(quote).to_have_attribute("lang", "en")
    expect(page.get_by_text("Ce texte n’est pas disponible dans votre langue")).to_be_visible()  # noqa: RUF001

    page.get_by_role("link", name="Español").click()
    expect(page.locator("html")).to_have_attribute("lang", "es")
    expect(page.get_by_role("heading", name="Acciones y avances")).to_be_visible()


def test_browser_language_is_the_default(browser: Browser, site: str) -> None:
    context = browser.new_context(base_url=site, locale="es-ES")
    page = context.new_page()
    page.goto("/stats")
    expect(page.locator("html")).to_have_attribute("lang", "es")
    expect(page.get_by_role("heading", level=1)).to_have_text("Estadísticas")
    expect(page.locator("svg.chart").first).to_be_visible()
    context.close()


def test_download_an_export(page: Page, seeded: Seeded) -> None:
    page.goto("/?theme=Right+to+education")
    with page.expect_download() as info:
        page.get_by_role("link", name="Download these results (CSV)").click()
    download = info.value
    assert download.suggested_filename.endswith(".csv")
    content = Path(download.path()).read_text(encoding="utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(content)))
    assert [row["id"] for row in rows] == [str(seeded.education_id)]
    assert EDUCATION_EN in rows[0]["text"]
    assert not [secret for secret in SECRETS.values() if secret in content]

    page.get_by_role("link", name="Open data").click()
    with page.expect_download() as info:
        page.get_by_role("link", name="CSV", exact=True).click()
    everything = Path(info.value.path()).read_text(encoding="utf-8-sig")
    assert len(list(csv.DictReader(io.StringIO(everything)))) == FILLER_COUNT + 2


def test_invalid_search_and_unknown_url_in_a_browser(browser: Browser, site: str) -> None:
    """The error summary names the refused field and keeps what was typed; an unknown URL is the
    404 page in the browser's language; both pass axe-core."""
    context = browser.new_context(base_url=site, locale="fr-FR")
    page = context.new_page()
    response = page.goto("/?q=filles&cycle=abc")
    assert response is not None and response.status == 422
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    summary = page.get_by_role("alert")
    expect(summary.get_by_role("heading")).to_have_text("Il y a un problème")
    link = summary.get_by_role("link", name="Cycle de l’EPU : « abc » ne fait pas partie des choix proposés")  # noqa: RUF001
    expect(page.get_by_label("Mots à rechercher")).to_have_value("filles")
    typed = page.get_by_role("checkbox", name="abc")
    expect(typed).to_be_checked()
    expect(typed).to_have_attribute("aria-invalid", "true")
    assert_accessible(page)
    link.click()
    assert page.url.endswith("#cycle")
    # Correcting the field searches again, the typed words kept.
    typed.uncheck()
    page.get_by_role("checkbox", name="Cycle 3").check()
    page.get_by_role("button", name="Rechercher").click()
    expect(page.get_by_role("alert")).to_have_count(0)
    assert "q=filles" in page.url and "cycle=3" in page.url

    missing = page.goto("/pas-de-page")
    assert missing is not None and missing.status == 404
    assert missing.headers["content-type"] == "text/html; charset=utf-8"
    expect(page.get_by_role("heading", level=1)).to_have_text("Page introuvable")
    assert_accessible(page)
    context.close()


def test_find_an_action_and_read_its_indicator(page: Page, seeded: Seeded) -> None:
    """From the navigation to an action's page: filters, the chart and its table, the links onwards;
    the list and the page pass axe-core."""
    page.goto("/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Actions").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Actions")
    assert_accessible(page)
    page.get_by_label("Action status").select_option("completed")
    page.get_by_role("button", name="Search").click()
    expect(page.locator("#results")).to_have_text("Actions found: 0")
    page.get_by_label("Action status").select_option("in_progress")
    page.get_by_label("Words in the title").fill("schools")
    page.get_by_role("button", name="Search").click()
    expect(page.locator("#results")).to_have_text("Actions found: 1")

    page.get_by_role("link", name=PUBLISHED_ACTION).click()
    assert page.url.endswith(f"/actions/{seeded.action_id}")
    expect(page.get_by_role("heading", level=1)).to_have_text(PUBLISHED_ACTION)
    chart = page.get_by_role("img", name="Schools opened (schools)")
    expect(chart).to_be_visible()
    expect(page.get_by_role("table", name="Data of the chart: Schools opened (schools)")).to_contain_text(
        "12.5"
    )
    expect(page.locator(".timeline")).to_contain_text(PUBLISHED_PROGRESS)
    assert_accessible(page)
    body = page.content()
    assert not [secret for secret in SECRETS.values() if secret in body]

    page.get_by_role("link", name="Committee on the Rights of the Child · CRC/C/PER/CO/6 · para. 12").click()
    assert page.url.endswith(f"/recommendations/{seeded.education_id}")
    page.get_by_role("link", name=PUBLISHED_ACTION).click()
    assert page.url.endswith(f"/actions/{seeded.action_id}")


def test_a_printed_search_says_what_was_searched(page: Page, seeded: Seeded) -> None:
    """Print hides the form, and a printed search said nothing of its words and filters."""
    page.goto("/?q=girls&mechanism=CRC&status=not_started&cycle=3")
    summary = page.locator(".search-summary")
    expect(summary).to_be_hidden()  # on screen, the form says it
    page.emulate_media(media="print")
    expect(page.locator("form.filters")).to_be_hidden()
    expect(summary).to_be_visible()
    expect(summary).to_have_text(
        "Words to search for: girls · Mechanism: Committee on the Rights of the Child · "
        "Implementation status: Not started · UPR cycle: 3"
    )
    expect(page.locator("#results")).to_be_visible()
    # Nothing chosen, nothing to say: the count alone.
    page.goto("/")
    expect(summary).to_have_count(0)
