"""The evidence files a report lists: each with a link its reader can open, or named without one."""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable
from io import BytesIO

import pytest
from docx import Document
from fastapi.testclient import TestClient
from lxml import etree

from tests.reports.conftest import ReportWorld, docx_text

STAFF = "/api/v1/reports/implementation"
PUBLISHED_FILE = "training-attendance.pdf"  # on the Ministry of Justice's published action
UNPUBLISHED_FILE = "PLANTED-EVIDENCE-OF-UNPUBLISHED-ACTION.pdf"  # on Social Affairs' unpublished one
Headers = Callable[..., dict[str, str]]
_LINE = re.compile(r"Evidence file: (\S+) \([^)]*\)(?: <a href=\"([^\"]+)\")?")


def file_links(page: str) -> dict[str, str | None]:
    """Each evidence file the page lists, with the address its link opens (None: named, no link)."""
    return {name: address or None for name, address in _LINE.findall(page)}


def staff_address(world: ReportWorld, name: str) -> str:
    return f"http://testserver/api/v1/evidence/{world.ids[f'evidence:{name}']}/content"


def opens(client: TestClient, address: str, headers: dict[str, str]) -> bool:
    """The link lets its reader in: the file (the test's rows have no stored content, which the
    server says after the reader's rights are checked)."""
    response = client.get(address, headers=headers)
    return response.status_code == 200 or (
        response.status_code == 404 and "missing from storage" in response.json()["detail"]
    )


@pytest.mark.parametrize(
    ("entity", "staff_link", "public_link", "no_link"),
    [
        # The Ministry of Justice's focal point: its own file, and Social Affairs' file of an unpublished
        # action (which neither the staff nor the public address would open for them), named only.
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
    world: ReportWorld,
    entity: str | None,
    staff_link: str | None,
    public_link: str | None,
    no_link: str | None,
) -> None:
    headers = headers_for("focal_point", entity_id=world.ids[entity] if entity else None)
    page = anonymous_client.get(STAFF, headers=headers)
    assert page.status_code == 200, page.text
    links = file_links(page.text)
    assert set(links) == {PUBLISHED_FILE, UNPUBLISHED_FILE}
    if staff_link:
        assert links[staff_link] == staff_address(world, staff_link)
    if public_link:
        assert (
            links[public_link]
            == f"http://testserver/api/v1/public/evidence/{world.ids[f'evidence:{public_link}']}"
        )
    if no_link:
        assert links[no_link] is None
    for address in links.values():
        if address is not None:
            assert opens(anonymous_client, address, headers), address


def test_a_coordinator_gets_the_staff_link_of_every_file(client: TestClient, world: ReportWorld) -> None:
    links = file_links(client.get(STAFF).text)
    for name in (PUBLISHED_FILE, UNPUBLISHED_FILE):
        assert links[name] == staff_address(world, name)
        assert opens(client, links[name] or "", {})


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
