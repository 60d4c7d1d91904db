"""The staff workspace in a real browser: a signed-in context, and the accessibility check (axe-core,
bundled by axe-playwright-python) every staff page must pass with no violation."""

from __future__ import annotations

import os
from pathlib import Path

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, BrowserContext, Page

from app.staff.session import SESSION_COOKIE

AXE = Axe()


def signed_in(browser: Browser, base_url: str, secret: str, *, locale: str = "en-GB") -> BrowserContext:
    """A browser context holding a staff session cookie (made by ``tests.accounts.issue_session``)."""
    context = browser.new_context(base_url=base_url, locale=locale, accept_downloads=True)
    context.add_cookies([{"name": SESSION_COOKIE, "value": secret, "url": base_url + "/staff/"}])
    return context


def assert_accessible(page: Page) -> None:
    """axe-core's WCAG 2.1 A and AA rules find nothing on the page as it is now."""
    # Violations only: the same rules run, but axe no longer lists every element that passed (most of
    # its time and of what it sent back).
    options = {
        "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
        "resultTypes": ["violations"],
    }
    results = AXE.run(page, options=options)
    assert results.violations_count == 0, f"{page.url}:\n{results.generate_report()}"


def unreachable_scrollers(page: Page) -> list[list[str]]:
    """The boxes of the page that scroll on their own (a wide table on a phone) but that the keyboard
    cannot reach, holding nothing focusable (axe-core's rule for WCAG 2.1.1): their selectors."""
    options = {"runOnly": {"type": "rule", "values": ["scrollable-region-focusable"]}}
    found = AXE.run(page, options=options).response["violations"]
    return [node["target"] for rule in found for node in rule["nodes"]]


SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "staff-guide"


def screenshot(page: Page, name: str) -> None:
    """With NRTD_SCREENSHOTS=1, save the page for docs/staff-guide (``docs/staff-guide/<name>.png``);
    a normal test run writes nothing into the repository."""
    if os.environ.get("NRTD_SCREENSHOTS") == "1":
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
