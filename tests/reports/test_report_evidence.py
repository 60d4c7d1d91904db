"""The evidence files a report lists: each with a link its reader can open, or named without one."""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.shared import RGBColor
from fastapi.testclient import TestClient
from lxml import etree
from sqlalchemy import Connection, Engine

from app.evidence.storage import BlobStore
from app.reports.docx import fill
from app.reports.sample import sample_report
from tests.conftest import MakeApp
from tests.evidence import samples
from tests.reports.conftest import ReportWorld, docx_text
from tests.reports.word_templates import document_xml, state_template
from tests.staff.conftest import StaffClient, StaffLogin, _signer

STAFF = "/api/v1/reports/implementation"
WORKSPACE = "/staff/reports/implementation"  # the same report, downloaded from the staff workspace
PUBLISHED_FILE = "training-attendance.pdf"  # on the Ministry of Justice's published action
UNPUBLISHED_FILE = "PLANTED-EVIDENCE-OF-UNPUBLISHED-ACTION.pdf"  # on Social Affairs' unpublished one
Headers = Callable[..., dict[str, str]]
_LINE = re.compile(r"Evidence file: (\S+) \([^)]*\)(?: <a href=\"([^\"]+)\")?")


def file_links(page: str) -> dict[str, str | None]:
    """Each evidence file the page lists, with the address its link opens (None: named, no link)."""
    return {name: address or None for name, address in _LINE.findall(page)}


def staff_address(world: ReportWorld, name: str) -> str:
    """Where a signed-in reader opens a file in the browser: the workspace's address."""
    return f"http://testserver/staff/evidence/{world.ids[f'evidence:{name}']}"


def public_address(world: ReportWorld, name: str) -> str:
    return f"http://testserver/api/v1/public/evidence/{world.ids[f'evidence:{name}']}"


@pytest.fixture
def sign_in(make_app: MakeApp, writer: Engine | Connection, tmp_path: Path) -> StaffLogin:
    """``sign_in(role, entity_id=None)``: a browser signed in to the workspace, on a server whose
    storage holds the world's files (its rows share one hash: they all hold this PDF)."""
    path = BlobStore(tmp_path).path_of("0" * 64)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(samples.PDF)
    return _signer(lambda: make_app(storage_dir=str(tmp_path)), writer)


def opens(browser: StaffClient, address: str) -> bool:
    """Clicking the link in the browser that downloaded the report gives the file."""
    response = browser.get(address)
    return bool(response.status_code == 200 and response.content == samples.PDF)


@pytest.mark.parametrize(
    ("entity", "staff_link", "public_link", "hidden"),
    [
        # The Ministry of Justice's focal point: its own file. Social Affairs' update of an unpublished
        # action is a 404 to them in the API: the report leaves it and its file out.
        ("justice", PUBLISHED_FILE, None, UNPUBLISHED_FILE),
        # Social Affairs': its own file, and Justice's file through its public address.
        ("social", UNPUBLISHED_FILE, PUBLISHED_FILE, None),
        # A focal point of no entity: what the public may download.
        (None, None, PUBLISHED_FILE, UNPUBLISHED_FILE),
    ],
)
def test_a_focal_point_gets_only_links_they_can_open(
    anonymous_client: TestClient,
    headers_for: Headers,
    sign_in: StaffLogin,
    world: ReportWorld,
    entity: str | None,
    staff_link: str | None,
    public_link: str | None,
    hidden: str | None,
) -> None:
    entity_id = world.ids[entity] if entity else None
    browser = sign_in("focal_point", entity_id=entity_id)
    page = browser.get(WORKSPACE)
    assert page.status_code == 200, page.text
    links = file_links(page.text)
    assert set(links) == {PUBLISHED_FILE, UNPUBLISHED_FILE} - {hidden}
    if staff_link:
        assert links[staff_link] == staff_address(world, staff_link)
    if public_link:
        assert links[public_link] == public_address(world, public_link)
    # Every file the report lists them is one they may open: it shows only the updates they may read.
    assert None not in links.values()
    for address in links.values():
        if address is not None:
            assert opens(browser, address), address
    # The API's report (a bearer token's) links the same: a person clicks them, in a browser.
    api = anonymous_client.get(STAFF, headers=headers_for("focal_point", entity_id=entity_id))
    assert file_links(api.text) == links


def test_a_coordinator_gets_the_staff_link_of_every_file(sign_in: StaffLogin, world: ReportWorld) -> None:
    browser = sign_in("coordinator")
    links = file_links(browser.get(WORKSPACE).text)
    for name in (PUBLISHED_FILE, UNPUBLISHED_FILE):
        assert links[name] == staff_address(world, name)
        assert opens(browser, links[name] or "")


def test_a_link_followed_signed_out_signs_in_first(anonymous_client: TestClient, world: ReportWorld) -> None:
    """A report handed on (a Word file mailed to a colleague): its link asks its reader to sign in,
    then leads to the file."""
    address = staff_address(world, PUBLISHED_FILE)
    response = anonymous_client.get(address, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/staff/login?next=/staff/evidence/")


_RELATIONSHIPS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
HYPERLINK = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink"


def docx_links(body: bytes) -> list[tuple[str, str]]:
    """Each hyperlink of a Word file's body: the text shown, the address its relationship targets."""
    with zipfile.ZipFile(BytesIO(body)) as package:
        relationships = etree.fromstring(package.read("word/_rels/document.xml.rels"))
        document = etree.fromstring(package.read("word/document.xml"))
    targets = {
        rel.get("Id"): rel.get("Target")
        for rel in relationships.iter(f"{_RELATIONSHIPS}Relationship")
        if rel.get("Type") == HYPERLINK and rel.get("TargetMode") == "External"
    }
    return [
        ("".join(node.text or "" for node in link.iter(f"{_W}t")), targets[link.get(f"{_R}id")])
        for link in document.iter(f"{_W}hyperlink")
    ]


@pytest.mark.parametrize("public", [False, True])
def test_the_word_reports_evidence_links_can_be_clicked(
    client: TestClient, world: ReportWorld, public: bool
) -> None:
    """The addresses in a Word report were plain text: a reader copied them into a browser."""
    path = "/api/v1/public/reports/implementation" if public else STAFF
    response = client.get(path, params={"format": "docx"})
    assert response.status_code == 200, response.text
    file_id = world.ids[f"evidence:{PUBLISHED_FILE}"]
    address = (
        f"http://testserver/api/v1/public/evidence/{file_id}"
        if public
        else staff_address(world, PUBLISHED_FILE)
    )
    links = docx_links(response.content)
    assert (address, address) in links
    # The typed evidence link of an update is one too; the full stop after an address is not part of it.
    assert all(text == target and not target.endswith(".") for text, target in links)
    # The line still reads as it did: the name, its type and size, then the address.
    assert f"Evidence file: {PUBLISHED_FILE} (PDF, 240 KB) {address}" in docx_text(response.content)
    document = Document(BytesIO(response.content))
    assert document.styles["Hyperlink"].font.underline


def _template_with_hyperlink_style(kind: WD_STYLE_TYPE) -> bytes:
    """A State's template holding a style named Hyperlink: Word's own (a character style, here
    restyled red), or a paragraph style someone named so."""
    document = Document(BytesIO(state_template(body=("{{ groups[0].actions[0].progress }}",))))
    style = document.styles.add_style("Hyperlink", kind)
    style.font.color.rgb = RGBColor(0xC0, 0x00, 0x00)
    out = BytesIO()
    document.save(out)
    return out.getvalue()


def test_a_templates_own_hyperlink_style_is_kept_or_left_alone() -> None:
    """Restyled by the State (its colour, its font), the links wear it; a paragraph style of that name
    is not one a link can wear, and was no reason to fail the report."""
    report = sample_report(staff=False)
    own = Document(BytesIO(fill(_template_with_hyperlink_style(WD_STYLE_TYPE.CHARACTER), report)))
    [restyled] = [style for style in own.styles if style.name == "Hyperlink"]
    assert restyled.font.color.rgb == RGBColor(0xC0, 0x00, 0x00)
    assert docx_links(_saved(own)) == [("https://example.org/evidence", "https://example.org/evidence")]
    other = fill(_template_with_hyperlink_style(WD_STYLE_TYPE.PARAGRAPH), report)
    assert docx_links(other) == [("https://example.org/evidence", "https://example.org/evidence")]
    # The links wear a character style of the report's own, blue and underlined.
    [own_style] = [style for style in Document(BytesIO(other)).styles if style.name == "Report link"]
    assert own_style.type == WD_STYLE_TYPE.CHARACTER and own_style.font.underline
    assert f'<w:rStyle w:val="{own_style.style_id}"/>' in document_xml(other)


def _saved(document: Any) -> bytes:
    out = BytesIO()
    document.save(out)
    return out.getvalue()
