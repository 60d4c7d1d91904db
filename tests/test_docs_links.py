"""The documentation stays inside the repository: every relative link in README.md, docs/ and the
data folders' READMEs names a file that exists, and nothing points to documents kept elsewhere."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LINK = re.compile(r"\]\(([^)#\s]+)(?:#[^)]*)?\)")


def _documents() -> list[Path]:
    return [ROOT / "README.md", *ROOT.glob("docs/**/*.md"), *ROOT.glob("app/**/*.md")]


def test_relative_links_name_files_that_exist() -> None:
    broken = []
    for document in _documents():
        for target in LINK.findall(document.read_text(encoding="utf-8")):
            if re.match(r"^[a-z]+:", target):
                continue  # an absolute URL
            if not (document.parent / target).exists():
                broken.append(f"{document.relative_to(ROOT)} -> {target}")
    assert broken == []


def test_nothing_points_outside_the_repository() -> None:
    outside = []
    for path in [*_documents(), *ROOT.glob("app/**/*.py"), *ROOT.glob("importers/**/*.py")]:
        text = path.read_text(encoding="utf-8")
        if "../shared" in text or "/work/" in text or "in the shared docs" in text:
            outside.append(str(path.relative_to(ROOT)))
    assert outside == []
    assert (ROOT / "docs" / "uhri-formats.md").is_file()
