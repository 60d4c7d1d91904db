"""Every setting the service reads is in the README's settings table, and the table names no setting
the service does not read: NRTD_SMTP_TIMEOUT was read (how long an SMTP exchange may take) but found
nowhere in the README, so an operator whose mail server answered slowly could not know it existed."""

from __future__ import annotations

import re
from pathlib import Path

from app.core.config import Settings

README = Path(__file__).resolve().parents[1] / "README.md"
_TABLE_HEAD = "| setting | default | meaning |"


def _documented() -> set[str]:
    text = README.read_text(encoding="utf-8")
    table = text[text.index(_TABLE_HEAD) :].split("\n\n", 1)[0]
    names: set[str] = set()
    for row in table.splitlines()[2:]:
        first_cell = row.split(" | ", 1)[0]
        names.update(re.findall(r"`(NRTD_[A-Z0-9_]+)`", first_cell))
    return names


def test_the_readme_settings_table_names_every_setting_and_no_other() -> None:
    read = {f"NRTD_{name.upper()}" for name in Settings.model_fields}
    documented = _documented()
    assert sorted(read - documented) == [], "settings missing from the README's table"
    assert sorted(documented - read) == [], "settings the README's table names but the service does not read"
