"""The browser of the end-to-end tests: Debian's Chromium headless shell (package chromium-headless-shell, the
browser without its window and user interface) driven by Playwright (no browser download)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

CHROMIUM = Path("/usr/bin/chromium-headless-shell")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def _chromium() -> Iterator[Browser]:
    """One browser for the run: starting Playwright's driver and Chromium costs about two seconds,
    which every module paid when each had its own."""
    if not CHROMIUM.exists():
        # Not a skip: a machine without the browser must not pass the end-to-end tests silently.
        pytest.fail(
            f"{CHROMIUM} is missing: install Debian's browser with "
            "`apt-get install -y chromium-headless-shell` (`make test` does it on a fresh machine)",
            pytrace=False,
        )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def browser(_chromium: Browser) -> Iterator[Browser]:
    """The run's browser; what a test leaves open (a context, its pages, cookies) is closed after it,
    so no test sees another's session."""
    yield _chromium
    for context in _chromium.contexts:
        context.close()


# The words of the page's table cells that the browser broke across two lines inside the word ("Pen /
# dien / te"): a cell's text may wrap between words (or after a hyphen or a slash), never within one.
_BROKEN_WORDS = """() => {
  const broken = [];
  for (const cell of document.querySelectorAll("main td, main th")) {
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      for (const word of node.data.matchAll(/[^\\s\\-\\/]+/g)) {
        const range = document.createRange();
        range.setStart(node, word.index);
        range.setEnd(node, word.index + word[0].length);
        const lines = new Set([...range.getClientRects()].map((rect) => Math.round(rect.top)));
        if (lines.size > 1) broken.push(word[0]);
      }
    }
  }
  return broken;
}"""


def broken_words(page: Page) -> list[str]:
    """The words of the page's tables split across lines (a phone's narrow columns must not do that:
    a table wider than the screen scrolls in its own box instead)."""
    words: list[str] = page.evaluate(_BROKEN_WORDS)
    return words
