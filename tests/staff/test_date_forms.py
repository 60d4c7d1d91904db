"""Every staff page writes a moment the same way ("Dec 6, 2026, 6:47:00 PM", "6 déc. 2026, 18:47:00"):
the dashboard's last import run and the review queue's "Changed by import run" wrote the short all-digit
form ("12/6/26, 6:47 PM"), which reads as 12 June in most of the world, while the import run's own page
wrote it in full."""

from __future__ import annotations

import re

from tests.conftest import ROOT


def test_no_staff_page_writes_a_moment_in_the_short_all_digit_form() -> None:
    short = re.compile(r"\|\s*(datetime|date)\(\s*[\"']short[\"']")
    found = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in sorted((ROOT / "app" / "staff" / "templates").rglob("*.html"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if short.search(line)
    ]
    assert found == []
