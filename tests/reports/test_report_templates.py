"""A State's own Word template: uploaded, checked, filled by the reports, replaced, removed, audited."""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from io import BytesIO

import httpx
import pytest
from docx import Document
from docx.oxml import parse_xml
from fastapi.testclient import TestClient
from sqlalchemy import Connection, Engine, select
from sqlalchemy.orm import Session

from app.models import AuditEvent
from app.reports.formats import DOCX
from app.reports.state_template import MAX_BYTES
from tests.reports.conftest import NEVER_PUBLIC, PUBLISHED_ACTION, ReportWorld, docx_text
from tests.reports.word_templates import HEADING, document_xml, state_template

TEMPLATE = "/api/v1/reports/template"
STAFF = "/api/v1/reports/implementation"
PUBLIC = "/api/v1/public/reports/implementation"


def upload(client: TestClient, content: bytes, name: str = "lesotho.docx") -> httpx.Response:
    """PUT, naming the version read just before (If-Match), as every write to it does."""
    headers = {"If-Match": client.get(TEMPLATE).headers["etag"]}
    answer: httpx.Response = client.put(TEMPLATE, files={"file": (name, content, DOCX)}, headers=headers)
    return answer


def test_a_replacement_names_the_version_it_read(client: TestClient, world: ReportWorld) -> None:
    """Writes to an existing resource need If-Match with the ETag of the version read: the template's
    PUT took none, so a coordinator's upload silently replaced the one a colleague had just uploaded."""
    files = {"file": ("lesotho.docx", state_template(), DOCX)}
    shipped = client.get(TEMPLATE)
    missing = client.put(TEMPLATE, files=files)
    assert missing.status_code == 428, missing.text
    assert missing.json()["errors"] == [{"field": "If-Match", "reason": "missing"}]
    first = client.put(TEMPLATE, files=files, headers={"If-Match": shipped.headers["etag"]})
    assert first.status_code == 200, first.text
    current = client.get(TEMPLATE)
    assert first.headers["etag"] == current.headers["etag"] != shipped.headers["etag"]
    # Someone who read the shipped one (or the first upload, before a second) replaces nothing.
    second = {"file": ("v2.docx", state_template(body=("A second version.",)), DOCX)}
    stale = client.put(TEMPLATE, files=second, headers={"If-Match": shipped.headers["etag"]})
    assert stale.status_code == 412, stale.text
    assert stale.json()["errors"][0]["field"] == "If-Match"
    assert client.get(TEMPLATE).content == current.content
    replaced = client.put(TEMPLATE, files=second, headers={"If-Match": current.headers["etag"]})
    assert replaced.status_code == 200 and replaced.headers["etag"] != current.headers["etag"]
    again = client.put(TEMPLATE, files=files, headers={"If-Match": current.headers["etag"]})
    assert again.status_code == 412
    # Removed, the shipped one is in use again: its version is what the next upload names.
    assert remove(client).status_code == 204
    assert client.get(TEMPLATE).headers["etag"] == shipped.headers["etag"]
    assert (
        client.put(TEMPLATE, files=files, headers={"If-Match": replaced.headers["etag"]}).status_code == 412
    )


def remove(client: TestClient) -> httpx.Response:
    """DELETE, naming the version read just before (If-Match), as every write to it does."""
    answer: httpx.Response = client.delete(
        TEMPLATE, headers={"If-Match": client.get(TEMPLATE).headers["etag"]}
    )
    return answer


def test_a_removal_names_the_version_it_read(client: TestClient, world: ReportWorld) -> None:
    """DELETE took no If-Match: a coordinator removing the template they had read removed the one a
    colleague had just uploaded instead, unseen."""
    assert upload(client, state_template()).status_code == 200
    read = client.get(TEMPLATE).headers["etag"]
    missing = client.delete(TEMPLATE)
    assert missing.status_code == 428, missing.text
    assert missing.json()["errors"] == [{"field": "If-Match", "reason": "missing"}]
    assert upload(client, state_template(body=("A colleague's.",)), "colleague.docx").status_code == 200
    stale = client.delete(TEMPLATE, headers={"If-Match": read})
    assert stale.status_code == 412, stale.text
    assert stale.json()["errors"][0]["field"] == "If-Match"
    assert client.get(TEMPLATE).headers["x-report-template"] == "state"
    assert remove(client).status_code == 204
    assert client.get(TEMPLATE).headers["x-report-template"] == "default"
    # Nothing left to remove: 404, whatever version is named.
    assert remove(client).status_code == 404


def test_a_report_fills_the_uploaded_template(client: TestClient, world: ReportWorld) -> None:
    stored = upload(client, state_template())
    assert stored.status_code == 200, stored.text
    info = stored.json()
    assert info["filename"] == "lesotho.docx" and info["size"] > 0 and len(info["sha256"]) == 64
    for path in (STAFF, PUBLIC):
        answer = client.get(path, params={"format": "docx", "group_by": "theme", "mechanism": "CRC"})
        assert answer.status_code == 200
        # Unzipped: the State's own title and headings, and a row per recommendation.
        xml = document_xml(answer.content)
        assert HEADING in xml and "{{" not in xml and "{%" not in xml
        document = Document(BytesIO(answer.content))
        headings = [
            p.text for p in document.paragraphs if p.style is not None and p.style.name == "Heading 1"
        ]
        assert headings == ["Section — Children: definition (1)", "Section — Right to justice (2)"]
        rows = [[cell.text for cell in row.cells] for table in document.tables for row in table.rows]
        assert rows == [
            ["Where it comes from", "How far it is"],
            ["CRC/C/PER/CO/5", "In progress"],
            ["Where it comes from", "How far it is"],
            ["CRC/C/PER/CO/5", "In progress"],
            ["CRC/C/PER/CO/5", "Not started"],
        ]
    public = docx_text(client.get(PUBLIC, params={"format": "docx"}).content)
    assert not [planted for planted in NEVER_PUBLIC if planted in public]


def test_the_report_leaves_the_templates_authors_and_review_comments_out(
    client: TestClient, world: ReportWorld
) -> None:
    """Word records who wrote and reviewed a template, and their notes: a public report is not theirs."""
    template = Document(BytesIO(state_template()))
    properties = template.core_properties
    properties.author = "Ana Quispe <ana.quispe@minjus.example>"
    properties.last_modified_by = "focal.point@minjus.example"
    properties.comments = "Draft: the minister has not approved the wording"
    properties.keywords, properties.subject, properties.category = "kw-cabinet", "Cabinet draft", "restricted"
    reviewed = template.paragraphs[0]
    template.add_comment(reviewed.runs, text="Wait for the minister's sign-off", author="Ana Quispe")
    content = BytesIO()
    template.save(content)
    assert upload(client, content.getvalue()).status_code == 200
    for path in (PUBLIC, STAFF):
        answer = client.get(path, params={"format": "docx"})
        assert answer.status_code == 200
        with zipfile.ZipFile(BytesIO(answer.content)) as package:
            names = package.namelist()
            everything = b"".join(package.read(name) for name in names)
        for planted in ("minjus.example", "Ana Quispe", "minister", "Cabinet draft", "restricted", "kw-"):
            assert planted.encode() not in everything, (path, planted)
        assert "word/comments.xml" not in names
        assert b"commentReference" not in everything and b"commentRangeStart" not in everything
        report = Document(BytesIO(answer.content))
        assert HEADING in report.paragraphs[0].text  # the template's own text is kept
        assert report.core_properties.author == report.core_properties.last_modified_by
        assert report.core_properties.author.startswith("National mechanism")


def _repacked(content: bytes, change: Callable[[str, bytes], bytes]) -> bytes:
    """``content``'s package with each part as ``change`` gives it (by name and bytes)."""
    out = BytesIO()
    with zipfile.ZipFile(BytesIO(content)) as source, zipfile.ZipFile(out, "w") as target:
        for name in source.namelist():
            target.writestr(name, change(name, source.read(name)))
    return out.getvalue()


def test_the_report_has_neither_the_templates_preview_picture_nor_its_title(
    client: TestClient, world: ReportWorld
) -> None:
    """Word saves a template with a preview picture of its first page (the placeholders, or the draft it
    was made from) and its title among the application properties: file browsers show that picture
    for the report, and the title stayed in the public report's file. Neither is the report's."""

    def planted(name: str, data: bytes) -> bytes:
        if name == "docProps/app.xml":
            return data.replace(b"<vt:lpstr/>", "<vt:lpstr>Borrador — no difundir</vt:lpstr>".encode())
        return b"PLANTED-PREVIEW" + data if name == "docProps/thumbnail.jpeg" else data

    template = _repacked(state_template(), planted)
    with zipfile.ZipFile(BytesIO(template)) as package:
        assert "docProps/thumbnail.jpeg" in package.namelist()
    assert upload(client, template).status_code == 200
    for path in (PUBLIC, STAFF):
        answer = client.get(path, params={"format": "docx"})
        with zipfile.ZipFile(BytesIO(answer.content)) as package:
            names = package.namelist()
            everything = b"".join(package.read(name) for name in names)
        assert not [name for name in names if "thumbnail" in name], names
        assert b"PLANTED-PREVIEW" not in everything and b"no difundir" not in everything
        assert b"thumbnail" not in everything
        Document(BytesIO(answer.content))  # still a Word document
    shipped = client.get(PUBLIC, params={"format": "docx", "template": "default"}).content
    with zipfile.ZipFile(BytesIO(shipped)) as package:
        assert not [name for name in package.namelist() if "thumbnail" in name]


def test_the_report_accepts_the_templates_tracked_changes(client: TestClient, world: ReportWorld) -> None:
    """A template edited with Track Changes on: the report shows its final text, without the
    reviewers' names or what they deleted (Word's "Accept All Changes")."""
    word = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    who = 'w:author="ana.quispe@minjus.example" w:date="2026-11-01T10:00:00Z"'
    template = Document(BytesIO(state_template(body=("Introduction.",))))
    edited = template.paragraphs[2]._p
    deleted = (
        f'<w:del {word} w:id="91" {who}><w:r><w:delText> The minister vetoed it.</w:delText></w:r></w:del>'
    )
    edited.append(parse_xml(deleted))
    edited.append(parse_xml(f'<w:ins {word} w:id="92" {who}><w:r><w:t> Final wording.</w:t></w:r></w:ins>'))
    saved = BytesIO()
    template.save(saved)
    content = BytesIO()
    with zipfile.ZipFile(saved) as source, zipfile.ZipFile(content, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "docProps/app.xml":
                data = data.replace(b"<Manager/>", b"<Manager>Ana Quispe</Manager>")
            target.writestr(item, data)
    assert upload(client, content.getvalue()).status_code == 200
    for path in (PUBLIC, STAFF):
        answer = client.get(path, params={"format": "docx"})
        assert answer.status_code == 200
        with zipfile.ZipFile(BytesIO(answer.content)) as package:
            everything = b"".join(package.read(name) for name in package.namelist())
        for planted in (b"minjus.example", b"Ana Quispe", b"vetoed", b"<w:ins ", b"<w:del "):
            assert planted not in everything, (path, planted)
        assert "Introduction. Final wording." in docx_text(answer.content)


def test_template_default_forces_the_shipped_one(client: TestClient, world: ReportWorld) -> None:
    assert upload(client, state_template()).status_code == 200
    shipped = client.get(STAFF, params={"format": "docx", "template": "default"})
    text = docx_text(shipped.content)
    assert HEADING not in text and PUBLISHED_ACTION in text
    assert "template" not in text.split("Filters used:")[1]  # an option, not a filter


def test_get_gives_the_current_template_and_delete_restores_the_shipped_one(
    client: TestClient, world: ReportWorld
) -> None:
    shipped = client.get(TEMPLATE)
    assert shipped.status_code == 200 and shipped.headers["x-report-template"] == "default"
    assert "{{ group.heading }}" in document_xml(shipped.content)
    content = state_template()
    assert upload(client, content).status_code == 200
    current = client.get(TEMPLATE)
    assert current.headers["x-report-template"] == "state" and current.content == content
    assert 'filename="lesotho.docx"' in current.headers["content-disposition"]
    assert client.get(TEMPLATE, params={"template": "default"}).content == shipped.content
    assert remove(client).status_code == 204
    assert client.get(TEMPLATE).headers["x-report-template"] == "default"
    assert HEADING not in docx_text(client.get(STAFF, params={"format": "docx"}).content)
    assert remove(client).status_code == 404


def test_a_templates_own_name_keeps_its_accents_on_download(client: TestClient, world: ReportWorld) -> None:
    """A name with a dash and an accent came back with both as "_": the header had only an ASCII name,
    every other character replaced. It now has the evidence files' two names: an ASCII fallback
    ("Peru") and the real one, encoded, which browsers save."""
    assert upload(client, state_template(), "Plantilla \u2013 Perú.docx").status_code == 200
    disposition = client.get(TEMPLATE).headers["content-disposition"]
    assert disposition == (
        'attachment; filename="Plantilla - Peru.docx"; '
        "filename*=UTF-8''Plantilla%20%E2%80%93%20Per%C3%BA.docx"
    )
    # A double quote, which browsers (and curl, and httpx) send as %22, came back as "%22".
    assert upload(client, state_template(), 'Plantilla "oficial".docx').json()["filename"] == (
        'Plantilla "oficial".docx'
    )
    assert client.get(TEMPLATE).headers["content-disposition"].endswith("''Plantilla%20%22oficial%22.docx")


def test_upload_replace_and_removal_are_audited(
    client: TestClient, world: ReportWorld, writer: Engine | Connection
) -> None:
    first, second = state_template(), state_template(body=("A second version.",))
    assert upload(client, first).status_code == 200
    assert upload(client, second, "v2.docx").status_code == 200
    assert remove(client).status_code == 204
    with Session(writer) as session:
        events = session.execute(
            select(AuditEvent.action, AuditEvent.before, AuditEvent.after)
            .where(AuditEvent.object_type == "report_template")
            .order_by(AuditEvent.id)
        ).all()
    assert [event.action for event in events] == [
        "report_template.upload",
        "report_template.replace",
        "report_template.delete",
    ]
    assert events[1].before["filename"] == "lesotho.docx" and events[1].after["filename"] == "v2.docx"
    assert events[2].after is None


def _zip(parts: dict[str, str]) -> bytes:
    out = BytesIO()
    with zipfile.ZipFile(out, "w") as package:
        for name, text in parts.items():
            package.writestr(name, text)
    return out.getvalue()


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "the file is empty"),
        (b"%PDF-1.7 not a Word file", "not a Word document (.docx): the file is not a zip package"),
        (_zip({"hello.txt": "hi"}), "not a Word document (.docx): it has no word/document.xml"),
        (b"x" * (MAX_BYTES + 1), f"a template may have at most {MAX_BYTES}"),
        (
            state_template(body=("Intro", "{% if staff %}unclosed")),
            "template syntax error at line",
        ),
        (
            state_template(cell="{{ rec.symbl }}"),
            "the template cannot be filled: 'dict object' has no attribute 'symbl'",
        ),
        (
            state_template(body=("{{ ''.__class__.__mro__ }}",)),
            "the template cannot be filled: access to attribute '__class__' of 'str' object is unsafe",
        ),
        (
            state_template(body=("{{ 'x' * 10**9 }}",)),
            "the template cannot be filled: repeating a value more than 10000 times is not allowed",
        ),
        (state_template(body=("{{ 2 ** 100 }}",)), "a power above 64 is not allowed in a template"),
        (
            state_template(body=("{% for i in range(10**7) %}{% endfor %}",)),
            "the template cannot be filled: OverflowError: Range too big",
        ),
        (
            state_template(body=("{{ 1 / 0 }}",)),
            "the template cannot be filled: ZeroDivisionError: division by zero",
        ),
    ],
    ids=[
        "empty",
        "pdf",
        "zip-without-document",
        "too-large",
        "syntax",
        "unknown-variable",
        "sandbox",
        "huge-string",
        "huge-power",
        "huge-range",
        "division-by-zero",
    ],
)
def test_a_bad_template_is_refused_with_the_reason(
    client: TestClient, world: ReportWorld, content: bytes, reason: str
) -> None:
    refused = upload(client, content)
    assert refused.status_code == 422, refused.text
    problem = refused.json()
    assert problem["errors"][0]["field"] == "file"
    assert reason in problem["errors"][0]["reason"]
    assert client.get(TEMPLATE).headers["x-report-template"] == "default"  # nothing stored


def test_a_syntax_error_names_its_line_and_the_text_around_it(client: TestClient, world: ReportWorld) -> None:
    refused = upload(client, state_template(body=("Intro", "{% if staff %}unclosed")))
    reason = refused.json()["errors"][0]["reason"]
    assert "template syntax error at line" in reason
    assert "Unexpected end of template" in reason or "endif" in reason
    assert "near:" in reason


@pytest.mark.parametrize("role", ["focal_point", "reader"])
def test_only_coordinators_and_admins_change_the_template(
    anonymous_client: TestClient, world: ReportWorld, headers_for: Callable[..., dict[str, str]], role: str
) -> None:
    headers = headers_for(role)
    files = {"file": ("t.docx", state_template(), DOCX)}
    assert anonymous_client.put(TEMPLATE, files=files, headers=headers).status_code == 403
    assert anonymous_client.delete(TEMPLATE, headers=headers).status_code == 403
    expected = 200 if role == "focal_point" else 403
    assert anonymous_client.get(TEMPLATE, headers=headers).status_code == expected
    assert anonymous_client.get(TEMPLATE).status_code == 401


def test_a_body_over_the_request_limit_is_a_413(client: TestClient, world: ReportWorld) -> None:
    refused = upload(client, b"x" * (1024 * 1024 + 1))
    assert refused.status_code == 413
    assert refused.json()["detail"] == "the request body is larger than 1048576 bytes"
