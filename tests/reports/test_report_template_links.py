"""A State's Word template that makes Word fetch a file from elsewhere when the report is opened: a
remote template (``attachedTemplate``, the template injection phishing uses to bring in macros), a
linked picture or object. Every report filled with it, the public one first, would have every reader's
Word reach that address (and, for a ``\\\\host\\share`` path, send the reader's Windows credentials)."""

from __future__ import annotations

import re
import zipfile
from io import BytesIO

import pytest
from fastapi.testclient import TestClient

from tests.reports.conftest import ReportWorld
from tests.reports.test_report_templates import PUBLIC, TEMPLATE, upload
from tests.reports.word_templates import state_template

RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
TYPES = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _with_relationship(
    content: bytes, rels_part: str, kind: str, target: str, external: bool = True
) -> bytes:
    """``content`` with one more relationship in ``rels_part`` (made when missing); a remote template
    is named in word/settings.xml too, as Word writes it."""
    mode = ' TargetMode="External"' if external else ""
    relationship = f'<Relationship Id="rIdPlanted" Type="{TYPES}/{kind}" Target="{target}"{mode}/>'
    out = BytesIO()
    with zipfile.ZipFile(BytesIO(content)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as copy:
        names = source.namelist()
        for name in names:
            data = (
                source.read(name).decode("utf-8") if name.endswith(".xml") or name.endswith(".rels") else None
            )
            if name == rels_part and data is not None:
                data = data.replace("</Relationships>", relationship + "</Relationships>")
            if name == "word/settings.xml" and kind == "attachedTemplate" and data is not None:
                data = re.sub(
                    r"(<w:settings[^>]*>)", r'\1<w:attachedTemplate r:id="rIdPlanted"/>', data, count=1
                )
                if "xmlns:r=" not in data:
                    data = data.replace("<w:settings ", f'<w:settings xmlns:r="{TYPES}" ', 1)
            copy.writestr(name, data.encode("utf-8") if data is not None else source.read(name))
        if rels_part not in names:
            copy.writestr(
                rels_part,
                f'<Relationships xmlns="{RELS}">{relationship}</Relationships>',
            )
    return out.getvalue()


@pytest.mark.parametrize(
    ("rels_part", "kind", "target"),
    [
        ("word/_rels/settings.xml.rels", "attachedTemplate", "https://templates.example.net/state.dotm"),
        ("word/_rels/settings.xml.rels", "attachedTemplate", "file://///fileserver.example.net/share/t.dotm"),
        ("word/_rels/document.xml.rels", "image", "http://tracker.example.net/pixel.png"),
        ("word/_rels/document.xml.rels", "oleObject", "http://objects.example.net/sheet.xlsx"),
    ],
    ids=["remote-template", "unc-template", "linked-picture", "linked-object"],
)
def test_a_template_that_fetches_a_file_from_elsewhere_is_refused(
    client: TestClient, world: ReportWorld, rels_part: str, kind: str, target: str
) -> None:
    refused = upload(client, _with_relationship(state_template(), rels_part, kind, target))
    assert refused.status_code == 422, refused.text
    reason = refused.json()["errors"][0]["reason"]
    assert refused.json()["errors"][0]["field"] == "file"
    assert target in reason and "outside" in reason, reason
    assert client.get(TEMPLATE).headers["x-report-template"] == "default"  # nothing stored
    assert target.encode() not in client.get(PUBLIC, params={"format": "docx"}).content


def test_a_template_may_link_to_a_web_page(client: TestClient, world: ReportWorld) -> None:
    # A link the reader follows by clicking it (the ministry's site) is fetched by nobody on opening.
    linked = _with_relationship(
        state_template(), "word/_rels/document.xml.rels", "hyperlink", "https://www.gov.example/"
    )
    assert upload(client, linked).status_code == 200
