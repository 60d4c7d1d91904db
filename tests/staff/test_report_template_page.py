"""The State's Word template on the staff Reports page: uploaded, replaced (with the version the page
showed), removed, refused with the reason, and downloaded as the API sends it."""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine

from app.reports.formats import DOCX
from tests import accounts
from tests.reports.word_templates import HEADING, document_xml, state_template
from tests.staff.conftest import StaffClient, StaffLogin


def _hidden_version(page: str) -> str:
    found = re.search(r'<input type="hidden" name="etag" value="([^"]*)">', page)
    assert found is not None
    return html.unescape(found.group(1))


def _shown_version(staff: StaffClient) -> str:
    """The template's version the page's upload form sends back (its hidden ``etag`` field)."""
    return _hidden_version(staff.get("/staff/reports").text)


def _upload(staff: StaffClient, content: bytes, name: str = "lesotho.docx", lang: str = "") -> Any:
    """The upload form sent as the page shows it: the file, and the version of the template it showed."""
    path = "/staff/reports/template" + (f"?lang={lang}" if lang else "")
    return staff.post(path, {"etag": _shown_version(staff)}, files={"file": (name, content, DOCX)})


def test_a_stale_upload_form_gets_the_conflict_page_naming_the_file_chosen(
    reports_coordinator: StaffClient,
) -> None:
    """The page sends the version of the template it showed: someone else's upload since is not
    replaced unseen, and the conflict page names the file this user chose."""
    shown = _shown_version(reports_coordinator)
    assert _upload(reports_coordinator, state_template(), "colleague.docx").status_code == 303
    mine = state_template(body=("Mine.",))
    stale = reports_coordinator.post(
        "/staff/reports/template", {"etag": shown}, files={"file": ("mine.docx", mine, DOCX)}
    )
    assert stale.status_code == 412 and stale.headers["content-type"].startswith("text/html")
    assert "Your changes were not saved, so nothing was overwritten." in stale.text
    assert "<dt>Word template (.docx)</dt><dd>mine.docx</dd>" in stale.text
    assert 'href="/staff/reports#template-title"' in stale.text
    assert "<strong>colleague.docx</strong>" in reports_coordinator.get("/staff/reports").text
    # A refused file keeps the version the form showed, not the one stored since.
    refused = reports_coordinator.post(
        "/staff/reports/template", {"etag": shown}, files={"file": ("", b"", DOCX)}
    )
    assert refused.status_code == 422 and _hidden_version(refused.text) == shown


def test_the_coordinator_uploads_replaces_and_removes_the_word_template(
    reports_coordinator: StaffClient,
) -> None:
    page = reports_coordinator.get("/staff/reports").text
    assert "follow the template shipped with the application" in page
    assert 'enctype="multipart/form-data"' in page and 'name="template"' not in page
    shipped = reports_coordinator.get("/staff/reports/template.docx?template=default").content
    assert "{{ group.heading }}" in document_xml(shipped)

    template = state_template()
    stored = _upload(reports_coordinator, template)
    assert stored.status_code == 303 and stored.headers["location"] == "/staff/reports?done=template-uploaded"
    page = reports_coordinator.get("/staff/reports?done=template-uploaded").text
    assert "Word and PDF reports now follow it." in page
    assert "<strong>lesotho.docx</strong>" in page
    assert '<option value="default">The shipped template</option>' in page
    report = reports_coordinator.get("/staff/reports/implementation?format=docx&mechanism=CRC").content
    assert HEADING in document_xml(report) and "CRC/C/PER/1" in document_xml(report)
    shipped_report = reports_coordinator.get(
        "/staff/reports/implementation?format=docx&template=default"
    ).content
    assert HEADING not in document_xml(shipped_report)
    assert reports_coordinator.get("/staff/reports/template.docx").content == template

    # Removed for good: it asks first, naming the file, and removes nothing until confirmed.
    shown = _removal_version(reports_coordinator.get("/staff/reports").text)
    # On a page of its own (a 303 to a GET): Back after removing never sends the form again.
    sent = reports_coordinator.post("/staff/reports/template/remove", {"etag": shown})
    assert sent.status_code == 303 and sent.headers["location"].startswith("/staff/reports/template/remove?")
    asked = reports_coordinator.get(sent.headers["location"])
    assert (
        asked.status_code == 200
        and "<h1>Remove the State&#39;s Word template lesotho.docx?</h1>" in asked.text
    )
    assert (
        'name="confirmed" value="yes"' in asked.text and '<a href="/staff/reports">Cancel</a>' in asked.text
    )
    assert _hidden_version(asked.text) == shown  # the confirmation sends the version on
    assert reports_coordinator.get("/staff/reports/template.docx").content == template
    removed = reports_coordinator.post("/staff/reports/template/remove", {"confirmed": "yes", "etag": shown})
    assert (
        removed.status_code == 303 and removed.headers["location"] == "/staff/reports?done=template-removed"
    )
    assert (
        "follow the template shipped with the application" in reports_coordinator.get("/staff/reports").text
    )
    back = reports_coordinator.get(sent.headers["location"])  # Back to the question: the reports page
    assert back.status_code == 303 and back.headers["location"] == "/staff/reports"


def _removal_version(page: str) -> str:
    """The version of the template the page's remove form sends back."""
    form = page.split('action="/staff/reports/template/remove"')[1].split("</form>")[0]
    return _hidden_version(form)


def test_a_stale_remove_form_gets_the_conflict_page_and_removes_nothing(
    reports_coordinator: StaffClient,
) -> None:
    """The remove form sent no version: a colleague's template uploaded since this page showed
    another was removed unseen."""
    assert _upload(reports_coordinator, state_template(), "mine.docx").status_code == 303
    shown = _removal_version(reports_coordinator.get("/staff/reports").text)
    assert (
        _upload(reports_coordinator, state_template(body=("Theirs.",)), "colleague.docx").status_code == 303
    )
    stale = reports_coordinator.post("/staff/reports/template/remove", {"confirmed": "yes", "etag": shown})
    assert stale.status_code == 412 and stale.headers["content-type"].startswith("text/html")
    assert "Your changes were not saved, so nothing was overwritten." in stale.text
    assert 'href="/staff/reports#template-title"' in stale.text
    assert "<strong>colleague.docx</strong>" in reports_coordinator.get("/staff/reports").text


def test_a_bad_template_is_refused_on_the_page_naming_the_field(reports_coordinator: StaffClient) -> None:
    refused = _upload(reports_coordinator, state_template(cell="{{ rec.symbl }}"))
    assert refused.status_code == 422
    assert refused.headers["content-type"].startswith("text/html")
    assert 'href="#field-file">Word template (.docx): the template cannot be filled' in refused.text
    assert 'id="field-file"' in refused.text and 'aria-invalid="true"' in refused.text
    assert "has no attribute &#39;symbl&#39;" in refused.text
    empty = reports_coordinator.post("/staff/reports/template", files={"file": ("", b"", DOCX)})
    assert empty.status_code == 422 and "Choose a Word file (.docx) to upload." in empty.text
    assert (
        "follow the template shipped with the application" in reports_coordinator.get("/staff/reports").text
    )


def test_a_file_that_is_no_word_document_is_refused_in_the_pages_language(
    reports_coordinator: StaffClient,
) -> None:
    for lang, reason in (
        ("fr", "pas un document Word (.docx) : le fichier n’est pas un paquet zip"),  # noqa: RUF001
        ("es", "no es un documento Word (.docx): el archivo no es un paquete zip"),
    ):
        refused = _upload(reports_coordinator, b"%PDF-1.4", "report.pdf", lang=lang)
        assert refused.status_code == 422 and reason in refused.text, refused.text


def test_pdf_is_offered_only_where_libreoffice_is_installed(
    reports_coordinator: StaffClient, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    page = reports_coordinator.get("/staff/reports").text
    assert 'value="pdf"' not in page and "LibreOffice is not installed on this server" in page
    refused = reports_coordinator.get("/staff/reports/implementation?format=pdf")
    assert refused.status_code == 422 and "LibreOffice" in refused.text
    program = tmp_path / "soffice"
    program.write_text("#!/bin/sh\nexit 1\n")
    program.chmod(0o755)
    assert 'name="format" value="pdf"' in reports_coordinator.get("/staff/reports").text


def test_a_focal_point_may_download_the_template_but_not_change_it(
    committed_staff_login: StaffLogin, engine: Engine
) -> None:
    entity = accounts.create_entity(engine, "Ministry of templates")
    focal = committed_staff_login("focal_point", entity_id=entity)
    page = focal.get("/staff/reports").text
    assert "Download the shipped template" in page and 'action="/staff/reports/template"' not in page
    upload = focal.post("/staff/reports/template", files={"file": ("t.docx", state_template(), DOCX)})
    assert upload.status_code == 403


def test_a_template_over_the_pages_limit_gets_the_413_page(reports_coordinator: StaffClient) -> None:
    refused = _upload(reports_coordinator, b"x" * (2 * 1024 * 1024))
    assert refused.status_code == 413 and refused.headers["content-type"].startswith("text/html")
    assert "The file is too large" in refused.text
    assert (
        "follow the template shipped with the application" in reports_coordinator.get("/staff/reports").text
    )


def test_the_states_template_downloads_under_its_own_name_as_from_the_api(
    reports_coordinator: StaffClient,
) -> None:
    """The workspace saved the State's template as report-template-state.docx whatever it was called
    (the page names it "Plantilla Perú.docx", the API sends it so), and the shipped one under another
    name than the API's; both now come as the API sends them."""
    shipped = reports_coordinator.get("/staff/reports/template.docx?template=default")
    assert shipped.headers["content-disposition"] == (
        'attachment; filename="implementation-report-template.docx"; '
        "filename*=UTF-8''implementation-report-template.docx"
    )
    assert shipped.headers["x-report-template"] == "default"
    # The choice in capitals is read as every enumerated value is (it was a 422).
    shouted = reports_coordinator.get("/staff/reports/template.docx?template=DEFAULT")
    assert shouted.status_code == 200 and shouted.headers["x-report-template"] == "default"
    assert _upload(reports_coordinator, state_template(), "Plantilla Perú.docx").status_code == 303
    own = reports_coordinator.get("/staff/reports/template.docx")
    assert own.headers["content-disposition"] == (
        "attachment; filename=\"Plantilla Peru.docx\"; filename*=UTF-8''Plantilla%20Per%C3%BA.docx"
    )
    assert own.headers["x-report-template"] == "state" and "no-store" in own.headers["cache-control"]
