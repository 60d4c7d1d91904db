"""What of the environment and of ``.env`` is no setting: ``NRTD_`` variables that name none (a
misspelt name, ignored) and ``.env`` lines that cannot be read (skipped). Every ``nrtd`` command
reports them before it does anything (app/cli/common.py); the settings themselves are
``app.core.config``."""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from pathlib import Path

from app.core.config import Settings

# Variables of the test harness, not settings: never reported as unknown.
_NOT_SETTINGS = ("NRTD_TEST_", "NRTD_SCREENSHOTS")


def unknown_settings(environ: Mapping[str, str], env_file: Path | None = Path(".env")) -> list[str]:
    """One line for each ``NRTD_`` variable of the environment or of ``env_file`` that names no
    setting, with the setting it most looks like. Such a variable is ignored and the setting keeps
    its default: a misspelt ``NRTD_DATABSE_URL`` would have the commands use a new ./nrtd.db."""
    from dotenv import dotenv_values

    known = {f"NRTD_{name.upper()}" for name in Settings.model_fields}
    found = {name: "the environment" for name in environ if name.upper().startswith("NRTD_")}
    if env_file is not None and env_file.is_file():
        for name in dotenv_values(env_file):
            if name.upper().startswith("NRTD_"):
                found.setdefault(name, str(env_file))
    lines = []
    for name, where in sorted(found.items()):
        upper = name.upper()
        if upper in known or upper.startswith(_NOT_SETTINGS):
            continue
        # Compared without the prefix they all share, which would make any two names look alike.
        closest = difflib.get_close_matches(upper[5:], sorted(known_name[5:] for known_name in known), n=1)
        hint = f"; did you mean NRTD_{closest[0]}?" if closest else ""
        lines.append(f"unknown setting {name} (in {where}) is ignored{hint}")
    return lines


def unreadable_setting_lines(env_file: Path = Path(".env")) -> list[str]:
    """One line for each line of ``env_file`` that names an ``NRTD_`` setting but cannot be read (an
    unclosed quote, a space in the name): python-dotenv skips such a line, so the setting would keep
    its default (a new ./nrtd.db for NRTD_DATABASE_URL). Its value is never shown: it may be a
    password. Lines of other programs (docker compose reads the same file) are left to them."""
    if not env_file.is_file():
        return []
    not_utf8 = _not_utf8_line(env_file)
    if not_utf8 is not None:
        return [not_utf8]
    from dotenv.parser import parse_stream

    lines = []
    with env_file.open(encoding="utf-8", errors="replace") as stream:
        for binding in parse_stream(stream):
            text = binding.original.string.strip()
            if not binding.error or "NRTD_" not in text.upper():
                continue
            name = text.split("=", 1)[0].strip() if "=" in text else text.split()[0]
            lines.append(
                f"{env_file} line {binding.original.line} ({name}) cannot be read: write NAME=value, a "
                "quoted value between matching quotes; nothing was done"
            )
    return lines


def _not_utf8_line(env_file: Path) -> str | None:
    """The first line of ``env_file`` that is not UTF-8 (a value with an accent saved by a Windows
    editor in its legacy encoding, or the whole file saved as "Unicode", UTF-16), named with the
    variable it sets but never its value; None when the file is UTF-8. The settings read the whole
    file as UTF-8, so any such line stopped every command on a UnicodeDecodeError traceback."""
    data = env_file.read_bytes()
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        number = data.count(b"\n", 0, exc.start) + 1
        line = data.splitlines()[number - 1] if data.splitlines() else b""
        name = line.split(b"=", 1)[0].strip().removeprefix(b"export ").strip() if b"=" in line else b""
        named = ""
        if name and all(32 < byte < 127 for byte in name):
            named = f" ({name.decode('ascii')})"
        return (
            f"{env_file} line {number}{named} is not UTF-8: save the file as UTF-8 (without a "
            "byte-order mark or with one); nothing was done"
        )
    return None
