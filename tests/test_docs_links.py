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


ANCHORED = re.compile(r"\]\(([^)#\s]*)#([^)\s]+)\)")


def _slug(heading: str) -> str:
    """The anchor a Markdown heading gets (GitHub's rule): lower case, punctuation dropped, spaces as
    hyphens."""
    text = re.sub(r"[`*_\[\]()]", "", heading.strip().lower())
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def _anchors(document: Path) -> set[str]:
    """The anchors of a Markdown file's headings, fenced code left out (a shell comment is no heading)."""
    anchors: set[str] = set()
    fenced = False
    for line in document.read_text(encoding="utf-8").splitlines():
        if line.startswith("```"):
            fenced = not fenced
        elif not fenced and (match := re.match(r"#{1,6} (.+)", line)):
            slug, n = _slug(match.group(1)), 1
            while slug in anchors:  # a repeated heading gets -1, -2, ...
                slug, n = f"{_slug(match.group(1))}-{n}", n + 1
            anchors.add(slug)
    return anchors


def test_anchors_name_headings_that_exist() -> None:
    """A link to a section names a heading of that document: a section renamed or lost in a merge
    leaves the reader at the top of a long page."""
    broken = []
    for document in _documents():
        for target, anchor in ANCHORED.findall(document.read_text(encoding="utf-8")):
            if re.match(r"^[a-z]+:", target):
                continue
            linked = (document.parent / target) if target else document
            if linked.suffix == ".md" and linked.exists() and anchor not in _anchors(linked):
                broken.append(f"{document.relative_to(ROOT)} -> {target}#{anchor}")
    assert broken == []


def test_the_staff_guide_says_what_htmx_does_on_the_pages() -> None:
    """The guide said htmx "only makes some steps quicker" while no page used an htmx attribute: what a
    page does with htmx is what the guide says it does (nothing, until a page uses one)."""
    templates = [*ROOT.glob("app/staff/templates/**/*.html"), *ROOT.glob("app/portal/templates/**/*.html")]
    used = [
        str(path.relative_to(ROOT)) for path in templates if re.search(r"\shx-[a-z]", path.read_text("utf-8"))
    ]
    guide = (ROOT / "docs" / "staff-guide.md").read_text(encoding="utf-8")
    if not used:
        assert "makes some steps quicker" not in guide
        assert "no page uses it yet" in " ".join(guide.split())


# A crontab line: five schedule fields, then the command.
CRON_LINE = re.compile(r"^`?((?:\S+ ){5})(.*?)`?$")


def test_every_crontab_line_runs_nrtd_by_its_path_in_the_service_folder() -> None:
    """Copied into `crontab -e`, `15 4 * * * nrtd storage check --repair` ran where cron's PATH has no
    nrtd and the working directory (the user's home) holds no .env: it never ran."""
    lines = []
    for document in _documents():
        for block in re.findall(r"```cron\n(.*?)```", document.read_text(encoding="utf-8"), re.DOTALL):
            lines += [(document, line) for line in block.splitlines() if line.strip()]
        for inline in re.findall(
            r"`(\d[\d*/,-]* [\d*/,-]+ [^`]*nrtd [^`]*)`", document.read_text(encoding="utf-8")
        ):
            lines.append((document, inline))
    assert len(lines) >= 2
    wrong = [
        f"{document.relative_to(ROOT)}: {line}"
        for document, line in lines
        if not (CRON_LINE.match(line) and " cd /srv/nrtd && " in line and "/srv/nrtd/.venv/bin/nrtd " in line)
    ]
    assert wrong == []
